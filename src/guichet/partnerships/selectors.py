"""Reads of partnerships: what counts in the figures, and what staff should check."""

from django.db.models import Q

from guichet.core import bounds

from .models import Partnership
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
