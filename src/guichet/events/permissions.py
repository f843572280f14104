"""Who may do what with events: one statement, asked by the pages, the API and the admin."""

from guichet.accounts.permissions import is_cluster_team, is_signed_in
from guichet.accounts.permissions import is_member as accounts_is_member


def can_manage_events(user) -> bool:
    """The cluster team runs events: creates them, sees attendees, exports them."""
    return is_cluster_team(user)


def can_register_as_member(user) -> bool:
    """Logged-in people register with their account (a guest too: its e-mail is confirmed)."""
    return is_signed_in(user)


def can_check_in(user, session) -> bool:
    """At the door: the cluster team, and the trainers of the session."""
    if not is_signed_in(user):
        return False
    return user.is_staff or session.trainers.filter(pk=user.pk).exists()


def can_record_attendance(user, session) -> bool:
    return can_check_in(user, session)


def is_member(user) -> bool:
    return accounts_is_member(user)  # the one statement of "member of the network"


def can_see_event(user, event) -> bool:
    """Published events are public; drafts are the team's."""
    return event.status != event.Status.DRAFT or can_manage_events(user)


def can_see_attendance_figures(user, session) -> bool:
    """A past session's registered and attended counts: the team, and that session's trainers (read from the
    prefetched trainers, so that a page of sessions asks nothing more)."""
    if can_manage_events(user):
        return True
    return is_signed_in(user) and any(t.pk == user.pk for t in session.trainers.all())
