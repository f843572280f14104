"""Reads of start-ups, scoped to who may see them."""

from .models import FundingRound, Headcount, Startup
from .permissions import startup_scope


def startups_visible_to(user):
    return Startup.objects.filter(startup_scope(user)).distinct()


def funding_rounds_to_validate():
    """The founders' rounds waiting for the team: neither validated nor returned, oldest round first."""
    return (FundingRound.objects.filter(validated_at__isnull=True, returned_at__isnull=True)
            .select_related("startup__organization").order_by("on", "pk"))


def headcounts_to_validate():
    """The founders' headcounts waiting for the team: neither validated nor returned, oldest day first."""
    return (Headcount.objects.filter(validated_at__isnull=True, returned_at__isnull=True)
            .select_related("organization").order_by("on", "pk"))
