"""Reads of partnerships: what counts in the figures, and what staff should check."""

from datetime import date

from django.db.models import Min, Q

from guichet.core import bounds

from .models import SIGNED_STAGES, Partnership
from .permissions import partnership_scope


def partnerships_visible_to(user):
    """The partnerships this user may see (permissions.partnership_scope), each once."""
    return Partnership.objects.filter(partnership_scope(user)).distinct()


def counted():
    """The partnerships the KPIs count: confirmed by the other parties or by staff."""
    return Partnership.objects.filter(confirmed_at__isnull=False)


def to_check():
    """For staff: partnerships awaiting confirmation, and confirmed ones whose value is an outlier."""
    return (Partnership.objects.filter(Q(confirmed_at__isnull=True)
                                       | Q(value_eur__gt=bounds.PARTNERSHIP_VALUE_OUTLIER_EUR))
            .exclude(value_eur__gt=bounds.MAX_PARTNERSHIP_VALUE_EUR)  # those are listed as out of bounds
            .prefetch_related("parties", "confirmations").order_by("-value_eur", "-created_at"))


def signed_by(as_of: date):
    """The partnerships signed on or before the date (declared, confirmed or not), each with `signed`: the day of
    its first change to a signed stage. The one rule of every "partnerships signed" figure."""
    return (Partnership.objects
            .filter(bounds.amount_in_bounds("value_eur", bounds.MAX_PARTNERSHIP_VALUE_EUR),
                    stage_changes__stage__in=SIGNED_STAGES, stage_changes__on__lte=as_of,
                    stage_changes__on__gte=bounds.EARLIEST_DATE)
            .annotate(signed=Min("stage_changes__on")))
