"""Directory reads, already shaped for what the viewer may see."""

import re

from django.db.models import Prefetch
from django.http import Http404

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
    return {"entries": entries, "page": page, "has_next": has_next, "has_previous": page > 1}


def directory_cities() -> list[str]:
    return list(SearchEntry.objects.filter(record_kind=RecordKind.ORGANIZATION).exclude(city="")
                .order_by("city").values_list("city", flat=True).distinct()[:200])


def organization_get(key: str) -> Organization:
    from guichet.platforms.models import Platform

    valid_key_or_404(key)
    org = (Organization.objects.filter(key=key)
           .prefetch_related(Prefetch("people", queryset=Person.objects.order_by("name")),
                             Prefetch("platforms", queryset=Platform.objects.order_by("name")))
           .first())
    if org is None:
        raise Http404
    return org


def person_get(key: str) -> Person:
    valid_key_or_404(key)
    person = Person.objects.select_related("organization").filter(key=key).first()
    if person is None:
        raise Http404
    return person
