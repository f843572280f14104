"""Directory reads, already shaped for what the viewer may see."""

import re

from django.db.models import Prefetch
from django.http import Http404

from guichet.platforms.models import Platform

from .kinds import entry_urls
from .models import (
    KEY_PATTERN,
    Organization,
    OrganizationKind,
    Person,
    RecordKind,
    SearchEntry,
    TherapeuticArea,
)
from .search import SearchFilters, search_entries

_KEY = re.compile(KEY_PATTERN)


def valid_key_or_404(key: str) -> str:
    """Keys outside the format's pattern (or with NUL bytes, which PostgreSQL refuses) name nothing."""
    if not _KEY.fullmatch(key or ""):
        raise Http404
    return key


def clean_text(value: str, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def filters_from(params) -> SearchFilters:
    """Filters from query parameters; unknown values are dropped rather than trusted."""
    def pick(name, allowed):
        value = (params.get(name) or "").strip()
        return value if value in allowed else ""
    city = clean_text(params.get("city"), 200)
    return SearchFilters(
        record_kind=pick("record", set(RecordKind.values)),
        org_kind=pick("kind", set(OrganizationKind.values)),
        area=pick("area", set(TherapeuticArea.values)),
        city=city,
    )


def directory_search(*, text: str, filters: SearchFilters, page: int = 1, page_size: int = 20,
                     prefix: bool = False) -> dict:
    page = max(1, min(page, 500))
    entries, has_next = search_entries(text, filters, limit=page_size, offset=(page - 1) * page_size,
                                       prefix=prefix)
    urls = entry_urls(entries)  # one query per kind of record on the page, not one per result
    for entry in entries:
        entry.url = urls[entry.pk]
    return {"entries": entries, "page": page, "has_next": has_next, "has_previous": page > 1}


def directory_cities() -> list[str]:
    return list(SearchEntry.objects.filter(record_kind=RecordKind.ORGANIZATION).exclude(city="")
                .order_by("city").values_list("city", flat=True).distinct()[:200])


def by_key_or_404(queryset, key: str):
    """The record of the queryset with this key; 404 for a key outside the format or a record not there."""
    record = queryset.filter(key=valid_key_or_404(key)).first()
    if record is None:
        raise Http404
    return record


def organization_get(key: str) -> Organization:
    return by_key_or_404(Organization.objects.prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("name")),
        Prefetch("platforms", queryset=Platform.objects.order_by("name"))), key)


def person_get(key: str) -> Person:
    return by_key_or_404(Person.objects.select_related("organization"), key)
