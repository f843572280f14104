"""The calls KPIs, as of any past date: a proposal counts as awarded from its decision's date (a decision is never
changed), with the amount awarded."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from guichet.core.workdays import day_end, day_start

from .models import Proposal


def figures(*, as_of: date, start: date, end: date) -> dict:
    end = min(end, as_of)
    awarded = Q(status=Proposal.Status.AWARDED, decided_at__lte=day_end(as_of))
    period = awarded & Q(decided_at__gte=day_start(start), decided_at__lte=day_end(end))
    submitted = Q(submitted_at__gte=day_start(start), submitted_at__lte=day_end(end))
    # Counted and summed in one read (one query per figure before: bench/impact_bench.py).
    row = Proposal.objects.aggregate(
        call_proposals_submitted_in_period=Count("pk", filter=submitted),
        call_projects_awarded_in_period=Count("pk", filter=period),
        call_amount_awarded_in_period=Sum("awarded_eur", filter=period),
        call_projects_awarded_total=Count("pk", filter=awarded),
        call_amount_awarded_total=Sum("awarded_eur", filter=awarded))
    for key in ("call_amount_awarded_in_period", "call_amount_awarded_total"):
        row[key] = row[key] or Decimal("0")
    return row
