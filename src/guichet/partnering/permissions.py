"""Who may do what on a Partnering Day: one statement for the pages, the API and the admin."""


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_join(user) -> bool:
    return _active(user)


def can_manage(user) -> bool:
    """The cluster team runs the day: slots, tables, the scheduler, everyone's agenda."""
    return _active(user) and user.is_staff


def is_side(user, meeting) -> bool:
    request = meeting.request
    return _active(user) and user.pk in (request.requester.user_id, request.recipient.user_id)


def can_record_outcome(user, meeting) -> bool:
    return is_side(user, meeting) or can_manage(user)
