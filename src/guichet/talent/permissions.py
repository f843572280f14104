"""Who may do what with job postings and applications: one statement, asked by the pages, the API and the admin.

A CV (and the whole application) is read by the posting's poster and the cluster team only: not by the other
members of the poster's organization, not by other applicants."""

from guichet.accounts.models import Membership
from guichet.accounts.permissions import is_member


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def organizations_for_posting(user):
    """The organizations a member may post for: those they belong to (staff: any, through the admin)."""
    if not is_member(user):
        return []
    return [m.organization for m in Membership.objects.filter(user=user).select_related("organization")
            .order_by("organization__name")]


def can_post_job(user) -> bool:
    return _staff(user) or bool(organizations_for_posting(user))


def can_manage_posting(user, posting) -> bool:
    """Edit, close, read the applications: the member who posted it, and the cluster team."""
    if _staff(user):
        return True
    return is_member(user) and posting.posted_by_id == user.pk


def can_read_applications(user, posting) -> bool:
    return can_manage_posting(user, posting)


def can_see_posting(user, posting) -> bool:
    """An open posting is public; a closed or expired one only its poster and the team still open."""
    return posting.status == posting.Status.OPEN or can_manage_posting(user, posting)
