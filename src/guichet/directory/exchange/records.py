"""The canonical directory-v1 record of each stored row, and the export: what the API, the audit and the
import plan compare against, byte-stable."""

import json
from decimal import Decimal

from guichet.platforms.models import Platform

from ..models import Organization, Person
from .read import FORMAT, PRICE_CATEGORIES


def _price(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _compact(record: dict) -> dict:
    # Drops None, "", [] and {} (not 0 or False); a true value, most of them, is kept at the first test.
    return {k: v for k, v in record.items() if v or (v is not None and not isinstance(v, (str, list, dict)))}


def organization_record(org: Organization) -> dict:
    return _compact({"key": org.key, "name": org.name, "kind": org.kind, "description": org.description,
                     "lang": org.lang, "city": org.city, "website": org.website,
                     "therapeutic_areas": list(org.therapeutic_areas), "keywords": list(org.keywords)})


def person_record(person: Person, *, with_email: bool = True) -> dict:
    return _compact({"key": person.key, "name": person.name,
                     "organization": person.organization.key if person.organization_id else None,
                     "title": person.title, "expertise": person.expertise, "lang": person.lang,
                     "email": person.email if with_email else None})


def service_record(service) -> dict:
    prices = {c: _price(getattr(service, f"price_{c}")) for c in PRICE_CATEGORIES}
    return _compact({"key": service.key, "name": service.name, "description": service.description,
                     "lang": service.lang, "unit": service.unit, "prices": _compact(prices)})


def instrument_record(instrument) -> dict:
    record = _compact({"key": instrument.key, "name": instrument.name, "description": instrument.description,
                       "lang": instrument.lang})
    record["requires_training"] = instrument.requires_training
    return record


def platform_record(platform, *, with_children: bool = True) -> dict:
    record = _compact({"key": platform.key, "name": platform.name, "organization": platform.organization.key,
                       "description": platform.description, "lang": platform.lang})
    if with_children:
        services = [service_record(s) for s in sorted(platform.services.all(), key=lambda s: s.key)]
        instruments = [instrument_record(i) for i in sorted(platform.instruments.all(), key=lambda i: i.key)]
        if services:
            record["services"] = services
        if instruments:
            record["instruments"] = instruments
    return record


def normalize_record(record_type: str, record: dict) -> dict:
    """A file record as the export would write it, so that comparing the two finds real changes only."""
    record = {k: v for k, v in record.items() if k not in ("services", "instruments")}
    if record_type == "service" and "prices" in record:
        record["prices"] = {c: float(Decimal(str(v)).quantize(Decimal("0.01")))
                            for c, v in record["prices"].items()}
    if record_type == "instrument":
        record["requires_training"] = bool(record.get("requires_training", False))
    return _compact(record)


def export_payload(*, with_email: bool = True) -> dict:
    platforms = Platform.objects.select_related("organization").prefetch_related("services", "instruments")
    return {
        "format": FORMAT,
        "version": 1,
        "organizations": [organization_record(o) for o in Organization.objects.order_by("key")],
        "people": [person_record(p, with_email=with_email)
                   for p in Person.objects.select_related("organization").order_by("key")],
        "platforms": [platform_record(p) for p in platforms.order_by("key")],
    }


def canonical_json(payload: dict) -> str:
    """Sorted keys, records in key order, two-space indent, UTF-8 text, final newline: byte-stable."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
