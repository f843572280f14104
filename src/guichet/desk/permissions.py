"""Who may see and do what on the desk. Pages, API, search and e-mails all ask these."""

from django.db.models import Q

from guichet.accounts.models import Membership, Role

from .models import OPEN_STATUSES, Request, Routing, Status


def answering_memberships():
    """The memberships that answer for an organization: its contacts, and platform managers who belong to it.

    The one statement of the rule, read from both sides: which organizations a user answers for, and which
    users answer for an organization.
    """
    return Membership.objects.filter(Q(is_contact=True) | Q(user__role=Role.PLATFORM_MANAGER))


def provider_organization_ids(user) -> set[int]:
    """Organizations the user answers for."""
    if not user or not user.is_authenticated:
        return set()
    return set(answering_memberships().filter(user=user).values_list("organization_id", flat=True))


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role != Role.GUEST)


def can_respond(user, routing: Routing) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return routing.assignee_id == user.pk or (
        routing.provider_organization_id is not None
        and routing.provider_organization_id in provider_organization_ids(user))


def is_provider_for(user, request: Request) -> bool:
    return any(can_respond(user, r) for r in request.routings.all())


def can_view_request(user, request: Request) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or request.requester_id == user.pk or is_provider_for(user, request):
        return True
    # An open, non-confidential need is visible to the network's members, who may offer to help.
    return not request.confidential and is_member(user) and request.status in OPEN_STATUSES


def can_submit_request(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_desk(user) -> bool:
    """Triage, route and close: the cluster team."""
    return bool(user and user.is_authenticated and user.is_staff)


def can_post_message(user, request: Request) -> bool:
    if request.status in (Status.CLOSED, Status.UNCONFIRMED):
        return False
    return bool(user and user.is_authenticated and (
        user.is_staff or request.requester_id == user.pk or is_provider_for(user, request)))


def can_withdraw(user, request: Request) -> bool:
    return bool(user and user.is_authenticated and request.requester_id == user.pk
                and request.status in (Status.NEW, Status.TRIAGED, Status.ROUTED, Status.ANSWERED))
