"""Who may see and do what in clinical transfer. Pages and API ask these."""

from guichet.accounts.permissions import is_cluster_team, is_member
from guichet.desk import permissions as desk_permissions


def can_manage_clinical(user) -> bool:
    """Sites, trials and feasibility routing and closing: the cluster team."""
    return is_cluster_team(user)


def can_view_trials(user) -> bool:
    """Trials with their per-site inclusions and contracts: members of the network (not guests)."""
    return is_member(user) or can_manage_clinical(user)


def can_submit_feasibility(user) -> bool:
    return is_member(user) or can_manage_clinical(user)


def can_view_feasibility(user, feasibility) -> bool:
    """As the desk request it belongs to (desk.permissions.can_view_request)."""
    return desk_permissions.can_view_request(user, feasibility.request)


def can_see_all_answers(user, feasibility) -> bool:
    """The requester and the cluster team compare the sites; a site sees its own answer only."""
    return can_manage_clinical(user) or feasibility.request.requester_id == getattr(user, "pk", None)


def answerable_routings(user, feasibility) -> list:
    """The routings of the request this user may answer for (its sites' accounts)."""
    return [r for r in feasibility.request.routings.all() if desk_permissions.can_respond(user, r)]


def can_record_inclusions(user, trial_site) -> bool:
    """The cluster team, and the accounts that answer for the site's organization."""
    if can_manage_clinical(user):
        return True
    return trial_site.site.organization_id in desk_permissions.provider_organization_ids(user)


# --- site profiles (issue 11) ---
def can_see_site_contacts(user) -> bool:
    """A site's investigators are named people: members of the network and the cluster team see them, not the
    public (the rest of the profile is public, like the directory)."""
    return is_member(user) or can_manage_clinical(user)


def can_edit_site(user, site) -> bool:
    """A site's profile is kept by the accounts that answer for its organization, and by the cluster team."""
    if can_manage_clinical(user):
        return True
    return site.organization_id in desk_permissions.provider_organization_ids(user)
