"""The KPIs of network life (events and trainings), as of any past date: each reads only what was
recorded on or before it (a session's attendance counts from the moment it was closed)."""

from datetime import date

from django.db.models import Sum

from guichet.core.workdays import day_end, day_start

from .models import Event, Registration, Session


def _attended_trainings(as_of: date, start: date | None = None):
    rows = Registration.objects.filter(attended=True, session__event__kind=Event.Kind.TRAINING,
                                       session__completed_at__lte=day_end(as_of), session__end__lte=day_end(as_of))
    if start is not None:
        rows = rows.filter(session__end__gte=day_start(start))
    return rows


def figures(*, as_of: date, start: date, end: date) -> dict:
    end = min(end, as_of)
    trained = _attended_trainings(as_of)
    trained_period = _attended_trainings(end, start)
    held = Session.objects.filter(event__status=Event.Status.PUBLISHED, end__lte=day_end(as_of))
    held_period = held.filter(end__gte=day_start(start), end__lte=day_end(end))
    # A participant: someone checked in at the door, or marked present by a trainer.
    present = Registration.objects.filter(attended=True, session__in=held_period)
    return {
        "people_trained_total": trained.values("email").distinct().count(),
        "people_trained_in_period": trained_period.values("email").distinct().count(),
        "training_hours_in_period": trained_period.aggregate(h=Sum("session__event__course__hours"))["h"] or 0,
        "events_held_in_period": held_period.values("event").distinct().count(),
        "event_participants_in_period": present.count(),
    }
