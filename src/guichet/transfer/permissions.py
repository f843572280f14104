"""Who sees what in technology transfer. An invention disclosure is seen by its inventors and by the staff of
its office, nobody else: not the cluster team, not administrators (they reach no disclosure page, and the
admin does not list disclosures). Pages, API, exports and e-mails all ask these."""

from guichet.accounts.models import Membership
from guichet.accounts.permissions import is_cluster_team, is_member, is_signed_in


def office_ids(user) -> set[int]:
    """The offices whose staff the user is: an account with a membership of the office's organization."""
    if not is_member(user):
        return set()
    return set(Membership.objects.filter(user=user, organization__transfer_office__isnull=False)
               .values_list("organization__transfer_office", flat=True))


def is_office_staff(user) -> bool:
    return bool(office_ids(user))


def can_view_disclosure(user, disclosure) -> bool:
    if not is_signed_in(user):
        return False
    return disclosure.office_id in office_ids(user) or disclosure.inventors.filter(pk=user.pk).exists()


def can_manage_disclosure(user, disclosure) -> bool:
    return disclosure.office_id in office_ids(user)


def can_submit_disclosure(user) -> bool:
    return is_member(user)


def can_ask_about_offer(user) -> bool:
    return can_submit_disclosure(user)


# --- the office's profile (issue 11) ---
def can_edit_office(user, office) -> bool:
    """An office's profile is kept by its staff, and by the cluster team (who never reach its disclosures)."""
    return is_cluster_team(user) or office.pk in office_ids(user)


def can_see_office_staff(user) -> bool:
    """The office's staff are named people: members of the network see them, not the public."""
    return is_member(user) or is_cluster_team(user)
