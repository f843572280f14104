"""The KPIs of the Partnering Days, as of any past date: requests made, accepted and meetings held in the
period (by when each happened), and partnerships born from meetings (by when the lead was opened)."""

from datetime import date

from guichet.core.workdays import day_end, day_start

from .models import Meeting, MeetingRequest


def figures(*, as_of: date, start: date, end: date) -> dict:
    end = min(end, as_of)
    period = {"gte": day_start(start), "lte": day_end(end)}
    requests = MeetingRequest.objects
    held = Meeting.objects.filter(status=Meeting.Status.HELD, outcome_at__lte=day_end(as_of))
    return {
        "meetings_requested_in_period": requests.filter(created_at__gte=period["gte"],
                                                        created_at__lte=period["lte"]).count(),
        "meetings_accepted_in_period": requests.filter(decided_at__gte=period["gte"], decided_at__lte=period["lte"],
                                                       status=MeetingRequest.Status.ACCEPTED).count(),
        "meetings_held_in_period": held.filter(slot__start__gte=period["gte"], slot__start__lte=period["lte"]).count(),
        "partnerships_from_meetings": Meeting.objects.filter(partnership__isnull=False,
                                                             partnership__created_at__lte=day_end(as_of))
        .values("partnership").distinct().count(),
    }
