"""The calls KPIs, as of any past date: a proposal counts as awarded from its decision's date (a decision is never
changed), with the amount awarded."""

from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Sum

from guichet.core.workdays import PARIS

from .models import Proposal


def figures(*, as_of: date, start: date, end: date) -> dict:
    end = min(end, as_of)
    awarded = Proposal.objects.filter(status=Proposal.Status.AWARDED,
                                      decided_at__lte=datetime.combine(as_of, time.max, PARIS))
    period = awarded.filter(decided_at__gte=datetime.combine(start, time.min, PARIS),
                            decided_at__lte=datetime.combine(end, time.max, PARIS))
    submitted = Proposal.objects.filter(submitted_at__gte=datetime.combine(start, time.min, PARIS),
                                        submitted_at__lte=datetime.combine(end, time.max, PARIS))
    return {
        "call_proposals_submitted_in_period": submitted.count(),
        "call_projects_awarded_in_period": period.count(),
        "call_amount_awarded_in_period": period.aggregate(s=Sum("awarded_eur"))["s"] or Decimal("0"),
        "call_projects_awarded_total": awarded.count(),
        "call_amount_awarded_total": awarded.aggregate(s=Sum("awarded_eur"))["s"] or Decimal("0"),
    }
