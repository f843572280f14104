"""Who may see and do what in declaration campaigns. Pages and services ask these."""

from guichet.accounts.permissions import is_member

from .models import Campaign, Declaration


def can_manage_campaigns(user) -> bool:
    """Open, remind, close campaigns; validate or return declarations: the cluster team."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def answers_for(user, organization_id) -> bool:
    """A member of the network with a membership of the organization answers for it."""
    return is_member(user) and user.memberships.filter(organization_id=organization_id).exists()


def can_view_declaration(user, declaration: Declaration) -> bool:
    return can_manage_campaigns(user) or answers_for(user, declaration.organization_id)


def can_answer_declaration(user, declaration: Declaration) -> bool:
    """While the campaign is open, before validation: the organization's accounts (and the team, on their behalf)."""
    return (declaration.campaign.status == Campaign.Status.OPEN
            and declaration.status in (Declaration.Status.REQUESTED, Declaration.Status.RETURNED)
            and (answers_for(user, declaration.organization_id) or can_manage_campaigns(user)))
