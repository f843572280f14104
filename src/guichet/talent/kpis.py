"""The jobs KPIs, as of any past date: a posting is offered from `published_at`, filled from `closed_at` (a
closed posting never reopens, so the past reads the same later)."""

from datetime import date

from guichet.core.workdays import day_end, day_start

from .models import Posting


def figures(*, as_of: date, start: date, end: date) -> dict:
    end = min(end, as_of)
    offered = Posting.objects.filter(published_at__lte=day_end(as_of))
    filled = Posting.objects.filter(status=Posting.Status.FILLED, closed_at__lte=day_end(as_of))
    return {
        "jobs_offered_in_period": offered.filter(published_at__gte=day_start(start), published_at__lte=day_end(end)).count(),
        "jobs_filled_in_period": filled.filter(closed_at__gte=day_start(start), closed_at__lte=day_end(end)).count(),
        "jobs_offered_total": offered.count(),
        "jobs_filled_total": filled.count(),
    }
