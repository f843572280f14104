"""The record-type registry: for each kind of directory record, its model, the joins its texts need, its
canonical (directory-v1) form and its page. Search, the admin's audited saves, the API and the template tags
read it, so a new kind of record is added here once."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse

from guichet.platforms.models import Instrument, Platform, Service, instrument_rules

from .exchange import records
from .models import Organization, Person, RecordKind


@dataclass(frozen=True)
class RecordType:
    kind: str
    model: type
    related: tuple[str, ...]            # what entry_values and the canonical form read, joined
    canonical: Callable[[object], dict]  # the directory-v1 record (with `_platform` for a platform's child)
    page: str                           # URL name of the page that shows it
    on_platform_page: bool = False       # services and instruments: an anchor on their platform's page


def _child(record_of):
    return lambda record: {**record_of(record), "_platform": record.platform.key}


def _instrument(record) -> dict:
    # The booking rules (hours, rates) are not part of directory-v1, but changing them is a change.
    return {**instrument_rules(record), **_child(records.instrument_record)(record)}


REGISTRY: dict[str, RecordType] = {t.kind: t for t in (
    RecordType(RecordKind.ORGANIZATION, Organization, (), records.organization_record, "directory:organization"),
    RecordType(RecordKind.PERSON, Person, ("organization",), records.person_record, "directory:person"),
    RecordType(RecordKind.PLATFORM, Platform, ("organization",),
               lambda p: records.platform_record(p, with_children=False), "platforms:detail"),
    RecordType(RecordKind.SERVICE, Service, ("platform__organization",), _child(records.service_record),
               "platforms:detail", on_platform_page=True),
    RecordType(RecordKind.INSTRUMENT, Instrument, ("platform__organization",), _instrument,
               "platforms:detail", on_platform_page=True),
)}
_BY_MODEL = {t.model: t for t in REGISTRY.values()}


def record_type(record) -> RecordType:
    try:
        return _BY_MODEL[type(record)]
    except KeyError:
        raise TypeError(f"not a directory record: {record!r}") from None


def canonical(record) -> dict:
    """The record as the audit diff compares it."""
    return record_type(record).canonical(record)


def records_of(entries: Iterable) -> list:
    """The directory records behind some search entries, one query per kind, with their joins."""
    ids = defaultdict(list)
    for entry in entries:
        ids[entry.record_kind].append(entry.object_id)
    out = []
    for kind, pks in ids.items():
        spec = REGISTRY[kind]
        out += spec.model.objects.select_related(*spec.related).filter(pk__in=pks)
    return out


def entry_urls(entries: Iterable) -> dict[int, str]:
    """{entry id: page} for search entries: services and instruments are found on their platform's page, whose
    keys are read in one query per kind (not one per entry)."""
    entries = list(entries)
    platform_keys = {}
    for kind, spec in REGISTRY.items():
        pks = [e.object_id for e in entries if e.record_kind == kind]
        if spec.on_platform_page and pks:
            platform_keys[kind] = dict(spec.model.objects.filter(pk__in=pks).values_list("pk", "platform__key"))
    urls = {}
    for entry in entries:
        spec = REGISTRY.get(entry.record_kind)
        if spec is None:
            urls[entry.pk] = "#"
        elif not spec.on_platform_page:
            urls[entry.pk] = reverse(spec.page, args=[entry.key])
        else:
            platform_key = platform_keys[entry.record_kind].get(entry.object_id)
            urls[entry.pk] = reverse(spec.page, args=[platform_key]) + f"#{entry.key}" if platform_key else "#"
    return urls
