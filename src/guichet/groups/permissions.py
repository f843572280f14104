"""Who may do what with labs, teams and projects: one statement, asked by the pages, the API and the services."""

from guichet.accounts.permissions import is_member

from .models import GroupMembership


def _active_membership(user, group):
    if not is_member(user):
        return None
    return GroupMembership.objects.filter(group=group, user=user, status=GroupMembership.Status.ACTIVE).first()


def is_head(user, group) -> bool:
    membership = _active_membership(user, group)
    return membership is not None and membership.role == GroupMembership.Role.HEAD


def can_see_group(user, group) -> bool:
    """The cluster team, and the group's own members (not those waiting for approval)."""
    return bool(is_member(user) and (user.is_staff or _active_membership(user, group) is not None))


def can_manage_group(user, group) -> bool:
    """A head approves who joins and who may charge the projects; staff may stand in."""
    return bool(is_member(user) and (user.is_staff or is_head(user, group)))


def can_see_consumption(user, project) -> bool:
    """What a project spent and holds: its group's heads and the cluster team, never another group."""
    return can_manage_group(user, project.group)


def charge_platforms(membership) -> set[int] | None:
    """The platforms (ids) a membership may charge the group's projects on: None for every platform (a head, or a
    member allowed with no platform listed), an empty set for none."""
    if membership is None or membership.status != GroupMembership.Status.ACTIVE:
        return set()
    if membership.role == GroupMembership.Role.HEAD:
        return None
    if not membership.may_charge:
        return set()
    granted = set(membership.chargeable_platforms.values_list("pk", flat=True))
    return granted or None


def can_charge(user, project, platform=None) -> bool:
    """A head, or a member the heads allowed to charge the group's projects — on this platform when one is given,
    else on at least one platform the project pays for."""
    granted = charge_platforms(_active_membership(user, project.group))
    if granted is None:
        return True
    if platform is not None:
        return platform.pk in granted
    paid = set(project.platforms.values_list("pk", flat=True))
    return bool(granted and (not paid or granted & paid))
