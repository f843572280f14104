from django.db.models import Count, Prefetch

from guichet.directory.selectors import by_key_or_404

from .models import Instrument, Platform, Service


def platform_list():
    return (Platform.objects.select_related("organization")
            .annotate(service_count=Count("services", distinct=True),
                      instrument_count=Count("instruments", distinct=True))
            .order_by("name"))


def platform_get(key: str) -> Platform:
    return by_key_or_404(Platform.objects.select_related("organization").prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name")),
        Prefetch("instruments", queryset=Instrument.objects.order_by("name"))), key)
