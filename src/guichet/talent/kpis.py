"""The jobs KPIs, as of any past date: a posting is offered from `published_at`, filled from `closed_at` (a
closed posting never reopens, so the past reads the same later)."""

from datetime import date

from django.db.models import Count, Q

from guichet.core.workdays import day_end, day_start

from .models import Posting


def figures(*, as_of: date, start: date, end: date) -> dict:
    end = min(end, as_of)
    offered = Q(published_at__lte=day_end(as_of))
    filled = Q(status=Posting.Status.FILLED, closed_at__lte=day_end(as_of))
    # Counted in one read (one query per figure before: bench/impact_bench.py).
    return Posting.objects.aggregate(
        jobs_offered_in_period=Count("pk", filter=offered & Q(published_at__gte=day_start(start),
                                                               published_at__lte=day_end(end))),
        jobs_filled_in_period=Count("pk", filter=filled & Q(closed_at__gte=day_start(start),
                                                             closed_at__lte=day_end(end))),
        jobs_offered_total=Count("pk", filter=offered), jobs_filled_total=Count("pk", filter=filled))
