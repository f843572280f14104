"""The calls KPIs, as of any past date: a proposal counts as awarded from its decision's date (a decision is never
changed), with the amount awarded."""

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from guichet.core.workdays import day_end, day_start

from .models import Proposal


def figures(*, as_of: date, start: date, end: date) -> dict:
    end = min(end, as_of)
    awarded = Proposal.objects.filter(status=Proposal.Status.AWARDED,
                                      decided_at__lte=day_end(as_of))
    period = awarded.filter(decided_at__gte=day_start(start),
                            decided_at__lte=day_end(end))
    submitted = Proposal.objects.filter(submitted_at__gte=day_start(start),
                                        submitted_at__lte=day_end(end))
    return {
        "call_proposals_submitted_in_period": submitted.count(),
        "call_projects_awarded_in_period": period.count(),
        "call_amount_awarded_in_period": period.aggregate(s=Sum("awarded_eur"))["s"] or Decimal("0"),
        "call_projects_awarded_total": awarded.count(),
        "call_amount_awarded_total": awarded.aggregate(s=Sum("awarded_eur"))["s"] or Decimal("0"),
    }
