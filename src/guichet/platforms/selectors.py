from django.db.models import Count, Prefetch
from django.http import Http404

from .models import Instrument, Platform, Service


def platform_list():
    return (Platform.objects.select_related("organization")
            .annotate(service_count=Count("services", distinct=True),
                      instrument_count=Count("instruments", distinct=True))
            .order_by("name"))


def platform_get(key: str) -> Platform:
    from guichet.directory.selectors import valid_key_or_404

    valid_key_or_404(key)
    platform = (Platform.objects.select_related("organization").filter(key=key)
                .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("name")),
                                  Prefetch("instruments", queryset=Instrument.objects.order_by("name")))
                .first())
    if platform is None:
        raise Http404
    return platform
