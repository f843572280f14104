"""The jobs KPIs, as of any past date: a posting is offered from `published_at`, filled from `closed_at` (a
closed posting never reopens, so the past reads the same later)."""

from datetime import date, datetime, time

from guichet.core.workdays import PARIS

from .models import Posting


def _eod(day: date) -> datetime:
    return datetime.combine(day, time.max, PARIS)


def _sod(day: date) -> datetime:
    return datetime.combine(day, time.min, PARIS)


def figures(*, as_of: date, start: date, end: date) -> dict:
    end = min(end, as_of)
    offered = Posting.objects.filter(published_at__lte=_eod(as_of))
    filled = Posting.objects.filter(status=Posting.Status.FILLED, closed_at__lte=_eod(as_of))
    return {
        "jobs_offered_in_period": offered.filter(published_at__gte=_sod(start), published_at__lte=_eod(end)).count(),
        "jobs_filled_in_period": filled.filter(closed_at__gte=_sod(start), closed_at__lte=_eod(end)).count(),
        "jobs_offered_total": offered.count(),
        "jobs_filled_total": filled.count(),
    }
