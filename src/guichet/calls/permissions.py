"""Who may do what with calls for projects: one statement, asked by the pages, the API, the exports and the e-mails.

A proposal is seen by its applicant, the cluster team, and the reviewers assigned to it who declared no conflict of
interest. Not by the other members of the applicant's organization, not by a reviewer who declared a conflict, not by
a reviewer before they declared (they see the consortium's organizations, to judge a conflict, and nothing else)."""

from django.db.models import Q

from guichet.accounts.models import Membership
from guichet.accounts.permissions import is_member


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def can_manage_calls(user) -> bool:
    """The cluster team writes calls, assigns reviewers and records the committee's decisions."""
    return _staff(user)


def can_see_call(user, call) -> bool:
    return call.status != call.Status.DRAFT or _staff(user)


def can_apply(user) -> bool:
    return is_member(user) and Membership.objects.filter(user=user).exists()


def lead_organizations(user) -> list:
    if not is_member(user):
        return []
    return [m.organization for m in Membership.objects.filter(user=user).select_related("organization")
            .order_by("organization__name")]


def can_edit_proposal(user, proposal) -> bool:
    return is_member(user) and proposal.applicant_id == user.pk and proposal.status == proposal.Status.DRAFT


def is_reviewer_of(user, proposal) -> bool:
    """Assigned and declared no conflict (or reviewed already)."""
    if not is_member(user):
        return False
    return proposal.assignments.filter(reviewer=user, status__in=["accepted", "reviewed"]).exists()


def can_view_proposal(user, proposal) -> bool:
    if _staff(user):
        return True
    if not is_member(user):
        return False
    if proposal.applicant_id == user.pk:
        return True
    return proposal.status != proposal.Status.DRAFT and is_reviewer_of(user, proposal)


def visible_proposals_q(user) -> Q:
    """The same rule as a query filter on Proposal."""
    if _staff(user):
        return Q()
    if not is_member(user):
        return Q(pk__in=[])
    return Q(applicant=user) | (~Q(status="draft") & Q(assignments__reviewer=user,
                                                       assignments__status__in=["accepted", "reviewed"]))


def conflict_of_organization(user, proposal) -> bool:
    """A reviewer belonging to an organization of the consortium is in conflict, whatever they declare."""
    ids = {proposal.lead_id, *proposal.partners.values_list("pk", flat=True)}
    return Membership.objects.filter(user=user, organization_id__in=ids).exists()
