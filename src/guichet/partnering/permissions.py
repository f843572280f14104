"""Who may do what on a Partnering Day: one statement for the pages, the API and the admin."""

from guichet.accounts.permissions import is_cluster_team, is_signed_in


def can_join(user) -> bool:
    return is_signed_in(user)


def can_manage(user) -> bool:
    """The cluster team runs the day: slots, tables, the scheduler, everyone's agenda."""
    return is_cluster_team(user)


def is_side(user, meeting) -> bool:
    request = meeting.request
    return is_signed_in(user) and user.pk in (request.requester.user_id, request.recipient.user_id)


def can_record_outcome(user, meeting) -> bool:
    return is_side(user, meeting) or can_manage(user)
