"""Directory writes: the import, and single-record saves from the admin. Each one transaction, audited."""

from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from guichet.core.audit import audit_record, diff_fields

from . import exchange
from .exchange import ImportPlan, ImportRefused
from .models import Organization, Person
from .search import index_records, index_remove


class ImportAlreadyApplied(Exception):
    """The upload was confirmed already (perhaps by a second click)."""


def record_diff(old: dict | None, new: dict | None) -> dict[str, list[Any]]:
    """Changed fields between two canonical records; the internal parent link shows as `platform`."""
    def public(record):
        if record is None:
            return None
        return {("platform" if k == "_platform" else k): v for k, v in record.items() if k != "key"}
    return diff_fields(public(old), public(new))


def canonical(record) -> dict:
    from guichet.platforms.models import Instrument, Platform, Service

    if isinstance(record, Organization):
        return exchange.organization_record(record)
    if isinstance(record, Person):
        return exchange.person_record(record)
    if isinstance(record, Platform):
        return exchange.platform_record(record, with_children=False)
    if isinstance(record, Service):
        return {**exchange.service_record(record), "_platform": record.platform.key}
    if isinstance(record, Instrument):
        from guichet.platforms.services import instrument_rules

        # The booking rules (hours, rates) are not part of directory-v1, but changing them is a change.
        return {**instrument_rules(record), **exchange.instrument_record(record), "_platform": record.platform.key}
    raise TypeError(record)


def _dependents(org_ids: set[int], platform_ids: set[int]) -> list:
    from django.db.models import Q

    from guichet.platforms.models import Instrument, Platform, Service

    if not org_ids and not platform_ids:
        return []
    under = Q(platform__organization_id__in=org_ids) | Q(platform_id__in=platform_ids)
    return [
        *Person.objects.filter(organization_id__in=org_ids).select_related("organization"),
        *Platform.objects.filter(organization_id__in=org_ids).select_related("organization"),
        *Service.objects.filter(under).select_related("platform__organization"),
        *Instrument.objects.filter(under).select_related("platform__organization"),
    ]


def directory_import(*, actor, payload: dict) -> ImportPlan:
    """Create or update every record of a directory-v1 payload, all or nothing. Raises ImportRefused."""
    with transaction.atomic(durable=True):
        return _import_in_transaction(actor=actor, payload=payload)


IMPORT_LOCK_ID = 0x6775_6963_6865_74  # "guichet": one import at a time, cluster-wide


def _serialize_imports() -> None:
    """Imports check keys and then write them: two at once must not interleave.

    SQLite already serializes writers from BEGIN (transaction_mode IMMEDIATE); PostgreSQL takes a
    transaction-scoped advisory lock, released at commit or rollback.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_ID])


def _import_in_transaction(*, actor, payload: dict) -> ImportPlan:
    from guichet.platforms.models import Instrument, Platform, Service

    _serialize_imports()
    issues = exchange.check_payload(payload)
    if issues:
        raise ImportRefused(issues)
    plan = exchange.plan_import(payload)
    todo = {c.key: c for c in plan.changes if c.action != "unchanged"}
    if not todo:
        return plan
    orgs = {o.key: o for o in Organization.objects.filter(
        key__in={r["key"] for r in payload.get("organizations", [])} | {
            r.get("organization") for s in ("people", "platforms") for r in payload.get(s, [])})}
    touched: list = []
    changed_orgs: set[int] = set()
    changed_platforms: set[int] = set()

    def write(model, key, values, change):
        obj = model.objects.filter(key=key).first() or model(key=key)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        audit_record(actor=actor, action=f"{change.record_type}.{change.action}", entity_type=change.record_type,
                     entity_key=key, entity_label=obj.name, changes=change.changes)
        touched.append(obj)
        return obj

    for record in payload.get("organizations", []):
        if record["key"] in todo:
            org = write(Organization, record["key"], {
                "name": record["name"], "kind": record["kind"], "description": record.get("description", ""),
                "lang": record.get("lang", ""), "city": record.get("city", ""),
                "website": record.get("website", ""),
                "therapeutic_areas": list(record.get("therapeutic_areas", [])),
                "keywords": list(record.get("keywords", [])),
            }, todo[record["key"]])
            orgs[org.key] = org
            changed_orgs.add(org.pk)
    for record in payload.get("people", []):
        if record["key"] in todo:
            write(Person, record["key"], {
                "name": record["name"], "organization": orgs.get(record.get("organization")),
                "title": record.get("title", ""), "expertise": record.get("expertise", ""),
                "lang": record.get("lang", ""), "email": record.get("email", ""),
            }, todo[record["key"]])
    for record in payload.get("platforms", []):
        platform = Platform.objects.filter(key=record["key"]).first()
        if record["key"] in todo:
            platform = write(Platform, record["key"], {
                "name": record["name"], "organization": orgs[record["organization"]],
                "description": record.get("description", ""), "lang": record.get("lang", ""),
            }, todo[record["key"]])
            changed_platforms.add(platform.pk)
        for service in record.get("services", []):
            if service["key"] in todo:
                prices = service.get("prices", {})
                write(Service, service["key"], {
                    "platform": platform, "name": service["name"],
                    "description": service.get("description", ""), "lang": service.get("lang", ""),
                    "unit": service.get("unit", ""),
                    **{f"price_{c}": (Decimal(str(prices[c])).quantize(Decimal("0.01")) if c in prices else None)
                       for c in exchange.PRICE_CATEGORIES},
                }, todo[service["key"]])
        for instrument in record.get("instruments", []):
            if instrument["key"] in todo:
                write(Instrument, instrument["key"], {
                    "platform": platform, "name": instrument["name"],
                    "description": instrument.get("description", ""), "lang": instrument.get("lang", ""),
                    "requires_training": bool(instrument.get("requires_training", False)),
                }, todo[instrument["key"]])
    index_records([*touched, *_dependents(changed_orgs, changed_platforms)])
    return plan


def directory_record_save(*, actor, record, is_new: bool) -> None:
    """Save one record edited by hand (admin), with its audit entry and index refresh."""
    with transaction.atomic():
        before = None if is_new else canonical(type(record).objects.get(pk=record.pk))
        record.full_clean()
        record.save()
        after = canonical(record)
        changes = record_diff(before, after)
        record_type = type(record).__name__.lower()
        if changes:
            audit_record(actor=actor, action=f"{record_type}.{'create' if is_new else 'update'}",
                         entity_type=record_type, entity_key=record.key, entity_label=record.name, changes=changes)
        org_ids = {record.pk} if isinstance(record, Organization) else set()
        platform_ids = {record.pk} if record_type == "platform" else set()
        index_records([record, *_dependents(org_ids, platform_ids)])


def directory_record_delete(*, actor, record) -> None:
    with transaction.atomic():
        before = canonical(record)
        record_type = type(record).__name__.lower()
        keys = [record.key]
        if record_type == "platform":
            keys += [s.key for s in record.services.all()] + [i.key for i in record.instruments.all()]
        record.delete()
        index_remove(keys)
        audit_record(actor=actor, action=f"{record_type}.delete", entity_type=record_type, entity_key=before["key"],
                     entity_label=before["name"], changes=record_diff(before, None))


def import_batch_create(*, actor, filename: str, payload: dict):
    """Keep an uploaded, checked payload until its preview is confirmed."""
    from .models import ImportBatch

    with transaction.atomic():
        batch = ImportBatch.objects.create(created_by=actor, filename=filename[:255], payload=payload)
        audit_record(actor=actor, action="import.upload", entity_type="import", entity_key=str(batch.pk),
                     entity_label=batch.filename)
    return batch


def import_batch_apply(*, actor, batch) -> ImportPlan:
    """Apply a pending upload; a batch is applied at most once, even when confirmed twice at the same time."""
    from django.utils import timezone

    from .models import ImportBatch

    with transaction.atomic(durable=True):
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).update(
            status=ImportBatch.Status.APPLIED, applied_at=timezone.now())
        if not claimed:
            raise ImportAlreadyApplied
        plan = _import_in_transaction(actor=actor, payload=batch.payload)
        audit_record(actor=actor, action="import.apply", entity_type="import", entity_key=str(batch.pk),
                     entity_label=batch.filename, changes={"summary": [None, plan.summary]})
    return plan
