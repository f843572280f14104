"""Reads of events, already scoped to what the reader may see."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone

from . import permissions
from .models import Event, Registration, Session

PARIS = ZoneInfo("Europe/Paris")  # a year of sessions is a year on the cluster's calendar


def agenda(*, user, past: bool = False, kind: str = ""):
    """Published events (drafts too for the team), upcoming first; `past` for those whose sessions ended."""
    now = timezone.now()
    events = Event.objects.annotate(first_start=Min("sessions__start")).filter(sessions__isnull=False)
    if not permissions.can_manage_events(user):
        events = events.exclude(status=Event.Status.DRAFT)
    if kind:
        events = events.filter(kind=kind)
    ended = Q(sessions__end__gt=now)
    events = events.exclude(ended) if past else events.filter(ended)
    return (events.distinct().order_by("-first_start" if past else "first_start")
            .select_related("organizer", "course")
            .prefetch_related(Prefetch("sessions", Session.objects.select_related("room__resource"))))


def event_visible(*, user, key: str) -> Event | None:
    event = Event.objects.select_related("organizer", "course").filter(key=key).first()
    if event is None or not permissions.can_see_event(user, event):
        return None
    return event


def sessions_of(event):
    return (event.sessions.select_related("room__resource")
            .annotate(waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)))
            .prefetch_related("trainers"))


def registrations_of_user(user):
    if not user.is_authenticated:
        return Registration.objects.none()
    return (Registration.objects.filter(Q(user=user) | Q(email__iexact=user.email))
            .select_related("session__event", "session__room__resource").order_by("-session__start"))


def live_registration(*, user, session) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(session=session, email__iexact=user.email,
                                       status__in=Registration.LIVE).first()


def attendees(event):
    return (Registration.objects.filter(session__event=event).exclude(status=Registration.Status.PENDING)
            .select_related("session", "user").order_by("session__start", "status", "queued_at", "id"))


def waitlist_position(registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(session_id=registration.session_id, status=Registration.Status.WAITLISTED
                                        ).filter(Q(queued_at__lt=registration.queued_at)
                                                 | Q(queued_at=registration.queued_at, id__lt=registration.id))
    return ahead.count() + 1


def catalogue(*, user):
    """Courses with their coming sessions (published ones; drafts too for the team)."""
    from .models import Course

    sessions = Session.objects.filter(end__gt=timezone.now(), event__kind=Event.Kind.TRAINING)
    if not permissions.can_manage_events(user):
        sessions = sessions.filter(event__status=Event.Status.PUBLISHED)
    return (Course.objects.select_related("instrument").prefetch_related(
        "prerequisites", Prefetch("events__sessions", sessions.select_related("event"), to_attr="coming")))


def _past_training_sessions_visible(user):
    sessions = Session.objects.filter(end__lte=timezone.now(), event__kind=Event.Kind.TRAINING)
    if not permissions.can_manage_events(user):
        sessions = sessions.filter(event__status=Event.Status.PUBLISHED)
    return sessions


def past_training_years(*, user) -> list[int]:
    """The years (in Paris time) in which the past training sessions the user may see started, the latest first."""
    return [d.year for d in _past_training_sessions_visible(user).datetimes("start", "year", order="DESC",
                                                                              tzinfo=PARIS)]


def past_training_sessions(*, user, course: str | None = None, year: int | None = None):
    """Training sessions that have ended, the latest first (published ones; drafts and cancelled too for the
    team), with their registered and attended counts (shown only per permissions.can_see_attendance_figures);
    `course` (a course's key) and `year` (of the start, in Paris time) narrow them."""
    sessions = _past_training_sessions_visible(user)
    if course:
        sessions = sessions.filter(event__course__key=course)
    if year:
        sessions = sessions.filter(start__gte=datetime(year, 1, 1, tzinfo=PARIS),
                                   start__lt=datetime(year + 1, 1, 1, tzinfo=PARIS))
    return (sessions.select_related("event__course", "room__resource")
            .annotate(registered=Count("registrations",
                                       filter=Q(registrations__status=Registration.Status.CONFIRMED)),
                      attended_count=Count("registrations", filter=Q(registrations__attended=True)))
            .prefetch_related("trainers").order_by("-start", "-id"))
