"""Who runs the hosting spaces: the cluster team and the managers of a building's platform. Members book the
rooms (bookings.permissions.can_book, the engine's own rule)."""

from guichet.accounts.permissions import is_cluster_team, is_member
from guichet.bookings.permissions import can_manage_platform


def can_manage_building(user, building) -> bool:
    return can_manage_platform(user, building.platform)


def can_view_hosting(user) -> bool:
    """The staff pages (buildings, occupancy, contracts): the team, and whoever manages a building."""
    if is_cluster_team(user):
        return True
    return bool(user and user.is_authenticated and user.managed_platforms.filter(buildings__isnull=False).exists())


def can_book_rooms(user) -> bool:
    return is_member(user)
