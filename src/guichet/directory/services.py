"""Directory writes: the import, and single-record saves from the admin. Each one transaction, audited."""

from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from guichet.core.audit import audit_bulk, audit_event, audit_record, diff_fields

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
        return {**exchange.instrument_record(record), "_platform": record.platform.key}
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


WRITE_BATCH = 1000


def _import_in_transaction(*, actor, payload: dict, progress=None) -> ImportPlan:
    """Check, plan and write in bulk: one read per 500 keys, one INSERT or UPDATE per 1,000 rows.

    `progress(phase, done, total)`, when given, is told how far the writing has gone.
    """
    from django.utils import timezone

    from guichet.platforms.models import Instrument, Platform, Service

    _serialize_imports()
    issues = exchange.check_payload(payload)
    if issues:
        raise ImportRefused(issues)
    plan = exchange.plan_import(payload)
    todo = {c.key: c for c in plan.changes if c.action != "unchanged"}
    if not todo:
        return plan
    now = timezone.now()
    total, done = len(todo), 0
    touched: list = []
    audit_rows: list = []
    changed_orgs: set[int] = set()
    changed_platforms: set[int] = set()

    def existing(queryset, keys):
        found = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            found.update({o.key: o for o in queryset.filter(key__in=keys[start:start + 500])})
        return found

    def write(model, rows):
        """rows: [(key, values)] of records to create or update; returns every written object by key."""
        nonlocal done
        rows = [(key, values) for key, values in rows if key in todo]
        if not rows:
            return {}
        stored = existing(model.objects.all(), [key for key, _v in rows])
        new, changed, names = [], [], set()
        for key, values in rows:
            obj = stored.get(key) or model(key=key)
            for name, value in values.items():
                setattr(obj, name, value)
            names.update(values)
            if obj.pk is None:
                obj.created_at = obj.updated_at = now
                new.append(obj)
            else:
                obj.updated_at = now
                changed.append(obj)
        model.objects.bulk_create(new, batch_size=WRITE_BATCH)
        if changed:
            model.objects.bulk_update(changed, [*sorted(names), "updated_at"], batch_size=WRITE_BATCH)
        if any(o.pk is None for o in new):  # a backend without RETURNING: read the new ids back
            ids = dict(model.objects.filter(key__in=[o.key for o in new]).values_list("key", "pk"))
            for obj in new:
                obj.pk = ids[obj.key]
        written = {o.key: o for o in [*new, *changed]}
        for key, _values in rows:
            change, obj = todo[key], written[key]
            audit_rows.append(audit_event(actor=actor, action=f"{change.record_type}.{change.action}",
                                          entity_type=change.record_type, entity_key=key, entity_label=obj.name,
                                          changes=change.changes))
        touched.extend(written.values())
        done += len(rows)
        if progress:
            progress("writing", done, total)
        return written

    orgs = existing(Organization.objects.all(), {r["key"] for r in payload.get("organizations", [])} | {
        r.get("organization") for s in ("people", "platforms") for r in payload.get(s, []) if r.get("organization")})
    written_orgs = write(Organization, [(r["key"], {
        "name": r["name"], "kind": r["kind"], "description": r.get("description", ""), "lang": r.get("lang", ""),
        "city": r.get("city", ""), "website": r.get("website", ""),
        "therapeutic_areas": list(r.get("therapeutic_areas", [])), "keywords": list(r.get("keywords", [])),
    }) for r in payload.get("organizations", [])])
    orgs.update(written_orgs)
    changed_orgs.update(o.pk for o in written_orgs.values())
    write(Person, [(r["key"], {
        "name": r["name"], "organization": orgs.get(r.get("organization")), "title": r.get("title", ""),
        "expertise": r.get("expertise", ""), "lang": r.get("lang", ""), "email": r.get("email", ""),
    }) for r in payload.get("people", [])])
    platforms = existing(Platform.objects.select_related("organization"),
                         [r["key"] for r in payload.get("platforms", [])])
    written_platforms = write(Platform, [(r["key"], {
        "name": r["name"], "organization": orgs[r["organization"]], "description": r.get("description", ""),
        "lang": r.get("lang", ""),
    }) for r in payload.get("platforms", [])])
    platforms.update(written_platforms)
    changed_platforms.update(p.pk for p in written_platforms.values())

    def price(prices, category):
        return Decimal(str(prices[category])).quantize(Decimal("0.01")) if category in prices else None

    write(Service, [(s["key"], {
        "platform": platforms[r["key"]], "name": s["name"], "description": s.get("description", ""),
        "lang": s.get("lang", ""), "unit": s.get("unit", ""),
        **{f"price_{c}": price(s.get("prices", {}), c) for c in exchange.PRICE_CATEGORIES},
    }) for r in payload.get("platforms", []) for s in r.get("services", [])])
    write(Instrument, [(i["key"], {
        "platform": platforms[r["key"]], "name": i["name"], "description": i.get("description", ""),
        "lang": i.get("lang", ""), "requires_training": bool(i.get("requires_training", False)),
    }) for r in payload.get("platforms", []) for i in r.get("instruments", [])])
    audit_bulk(audit_rows)
    # Records written here are indexed once; their unchanged dependents (people of a renamed
    # organization…) are re-indexed because their entries carry the organization's name, kind and city.
    seen = {(type(o), o.pk) for o in touched}
    dependents = [d for d in _dependents(changed_orgs, changed_platforms) if (type(d), d.pk) not in seen]
    index_records([*touched, *dependents])
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


def import_batches_recover() -> int:
    return 0
