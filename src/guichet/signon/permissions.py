"""Who decides a membership a sign-in proposed: the organization's contacts and the cluster team."""

from guichet.accounts.models import Membership
from guichet.accounts.permissions import is_cluster_team, is_signed_in


def can_decide_membership_request(user, request) -> bool:
    if not is_signed_in(user):
        return False
    return is_cluster_team(user) or Membership.objects.filter(
        user=user, organization_id=request.organization_id, is_contact=True).exists()


def may_use_second_factor(user) -> bool:
    """TOTP is offered to the cluster team (staff and administrators), whose accounts reach the admin."""
    return is_cluster_team(user)
