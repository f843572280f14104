"""The KPIs of the Partnering Days, as of any past date: requests made, accepted and meetings held in the
period (by when each happened), and partnerships born from meetings, signed in the period (by the rule of every
signed partnership: `partnerships.selectors.signed_by`, confirmed, first signature within the period)."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from guichet.core.workdays import day_end, day_start
from guichet.partnerships.selectors import signed_by

from .models import Meeting, MeetingRequest

METHODS = {
    "meetings_requested_in_period": _("One-to-one meeting requests sent by a participant of a partnering day to "
                                      "another, counted on the Paris day each was sent, within the period, "
                                      "whatever their answer since (waiting, accepted or declined)."),
    "meetings_accepted_in_period": _("Those requests that the participant asked accepted, counted on the Paris day "
                                     "of the answer, within the period (not that of the request); declined ones "
                                     "are left out."),
    "meetings_held_in_period": _("Meetings whose slot began within the period and that one of the two "
                                 "participants or the cluster team recorded as held on or before the date (the "
                                 "date of the latest recording); those recorded as not having taken place, or "
                                 "not recorded yet, are left out."),
    "partnerships_from_meetings": _("Partnerships opened from a partnering-day meeting that reached a signed stage "
                                    "(signed, active or completed), counting only those confirmed by each other "
                                    "party or by the cluster team, each in the period of its first signature (the "
                                    "date of the signed stage, not that of the meeting, the lead or the "
                                    "confirmation), as the other signed partnerships."),
}


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
        "partnerships_from_meetings": signed_by(as_of).filter(
            confirmed_at__isnull=False, pk__in=Meeting.objects.filter(partnership__isnull=False).values("partnership"),
            signed__gte=start, signed__lte=end).count(),
    }
