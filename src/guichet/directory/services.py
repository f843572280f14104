"""Directory writes: the import, and single-record saves from the admin. Each one transaction, audited."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone, translation

from guichet.core.audit import audit_many, audit_record
from guichet.core.bulk import collector_paused, insert_rows, key_set, update_rows
from guichet.core.jobs import backoff, enqueue
from guichet.matching.profile import detection_memo, warm_detections
from guichet.platforms.models import Instrument, Platform, Service

from .diff import record_diff
from .exchange.check import check_payload, check_references, check_schema
from .exchange.plan import ImportPlan, plan_import
from .exchange.read import PRICE_CATEGORIES, ImportRefused, iter_records, parse_json
from .exchange.xlsx import parse_xlsx
from .kinds import canonical
from .models import ImportBatch, Organization, Person
from .search import index_records, index_remove
from .tasks import check_import, run_import


class ImportAlreadyApplied(Exception):
    """The upload was confirmed already (perhaps by a second click)."""


def _dependents(org_ids: set[int], platform_ids: set[int]) -> list:
    if not org_ids and not platform_ids:
        return []
    under = Q(platform__organization_id__in=org_ids) | Q(platform_id__in=platform_ids)
    return [
        *Person.objects.filter(organization_id__in=org_ids).select_related("organization"),
        *Platform.objects.filter(organization_id__in=org_ids).select_related("organization"),
        *Service.objects.filter(under).select_related("platform__organization"),
        *Instrument.objects.filter(under).select_related("platform__organization"),
    ]


@collector_paused()
def directory_import(*, actor, payload: dict, progress=None) -> ImportPlan:
    """Create or update every record of a directory-v1 payload, all or nothing. Raises ImportRefused.

    The slow work that needs no lock (schema validation, vocabulary tagging) runs before the transaction:
    on SQLite a writing transaction holds the database's only write lock, and bookings wait for it.
    """
    issues = check_schema(payload)
    if issues:
        raise ImportRefused(issues)
    with detection_memo():
        _warm_tags(payload, progress)
        with transaction.atomic(durable=True):
            return _import_in_transaction(actor=actor, payload=payload, progress=progress, schema_checked=True)


def _warm_tags(payload: dict, progress=None) -> None:
    """Tag every text of the payload now (memoized for the transaction's indexing)."""
    def texts(record_type, record):
        yield record.get("name")
        if record_type == "organization":
            yield from (" ".join(record.get("keywords", [])), record.get("description"), record.get("city"))
        elif record_type == "person":
            yield from (record.get("title"), record.get("expertise"))
        else:
            yield record.get("description")

    records = list(iter_records(payload))
    for start in range(0, len(records), 2000):
        warm_detections(t for record_type, record, _p in records[start:start + 2000]
                        for t in texts(record_type, record))
        if progress:
            progress("tagging", min(start + 2000, len(records)), len(records))


IMPORT_LOCK_ID = 0x6775_6963_6865_74  # "guichet": one import at a time, cluster-wide


def _serialize_imports() -> None:
    """Imports check keys and then write them: two at once must not interleave.

    SQLite already serializes writers from BEGIN (transaction_mode IMMEDIATE); PostgreSQL takes a
    transaction-scoped advisory lock, released at commit or rollback.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_ID])


def _import_in_transaction(*, actor, payload: dict, progress=None, schema_checked=False) -> ImportPlan:
    """Check, plan and write in bulk: one read per record type, one prepared INSERT or UPDATE per table.

    `progress(phase, done, total)`, when given, is told how far the writing has gone.
    """
    _serialize_imports()
    issues = check_references(payload) if schema_checked else check_payload(payload)
    if issues:
        raise ImportRefused(issues)
    plan = plan_import(payload)
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
        keys = list(keys)
        return {o.key: o for o in queryset.filter(key__in=key_set(keys))} if keys else {}

    def write(model, rows):
        """rows: [(key, values)] of records to create or update; returns every written object by key."""
        nonlocal done
        rows = [(key, values) for key, values in rows if key in todo]
        if not rows:
            return {}
        # The plan was made in this transaction, under the import lock: a key it creates is not stored.
        stored = existing(model.objects.all(), [key for key, _v in rows if todo[key].action == "update"])
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
        # Plain tuples through one prepared statement (core/bulk.py), not bulk_create: compiling 100k model
        # instances through the ORM cost more than the database's own work. Every concrete field is written,
        # its default included, as bulk_create wrote it; the new ids are read back by key in one query.
        if new:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            insert_rows(model, [f.name for f in fields], ([getattr(o, f.attname) for f in fields] for o in new))
            ids = dict(model.objects.filter(key__in=key_set([o.key for o in new])).values_list("key", "pk"))
            for obj in new:
                obj.pk = ids[obj.key]
                obj._state.adding, obj._state.db = False, model.objects.db
        if changed:
            fields = [model._meta.get_field(name) for name in [*sorted(names), "updated_at"]]
            update_rows(model, [f.name for f in fields],
                        ([*(getattr(o, f.attname) for f in fields), o.pk] for o in changed))
        written = {o.key: o for o in [*new, *changed]}
        for key, _values in rows:
            change = todo[key]
            audit_rows.append((f"{change.record_type}.{change.action}", change.record_type, key,
                               written[key].name, change.changes))
        touched.extend(written.values())
        done += len(rows)
        if progress:
            progress("writing", done, total)
        return written

    creates = {key for key, change in todo.items() if change.action == "create"}
    orgs = existing(Organization.objects.all(), ({r["key"] for r in payload.get("organizations", [])} | {
        r.get("organization") for s in ("people", "platforms") for r in payload.get(s, []) if r.get("organization")})
        - creates)
    written_orgs = write(Organization, [(r["key"], {
        "name": r["name"], "kind": r["kind"], "description": r.get("description", ""), "lang": r.get("lang", ""),
        "city": r.get("city", ""), "website": r.get("website", ""),
        "therapeutic_areas": list(r.get("therapeutic_areas", [])), "keywords": list(r.get("keywords", [])),
    }) for r in payload.get("organizations", [])])
    orgs.update(written_orgs)
    # Only an updated organization can have stored dependents to re-index; a new one has none yet.
    changed_orgs.update(o.pk for k, o in written_orgs.items() if todo[k].action == "update")
    write(Person, [(r["key"], {
        "name": r["name"], "organization": orgs.get(r.get("organization")), "title": r.get("title", ""),
        "expertise": r.get("expertise", ""), "lang": r.get("lang", ""), "email": r.get("email", ""),
    }) for r in payload.get("people", [])])
    platforms = existing(Platform.objects.select_related("organization"),
                         [r["key"] for r in payload.get("platforms", []) if r["key"] not in creates])
    written_platforms = write(Platform, [(r["key"], {
        "name": r["name"], "organization": orgs[r["organization"]], "description": r.get("description", ""),
        "lang": r.get("lang", ""),
    }) for r in payload.get("platforms", [])])
    platforms.update(written_platforms)
    changed_platforms.update(p.pk for k, p in written_platforms.items() if todo[k].action == "update")

    def price(prices, category):
        return Decimal(str(prices[category])).quantize(Decimal("0.01")) if category in prices else None

    write(Service, [(s["key"], {
        "platform": platforms[r["key"]], "name": s["name"], "description": s.get("description", ""),
        "lang": s.get("lang", ""), "unit": s.get("unit", ""),
        **{f"price_{c}": price(s.get("prices", {}), c) for c in PRICE_CATEGORIES},
    }) for r in payload.get("platforms", []) for s in r.get("services", [])])
    write(Instrument, [(i["key"], {
        "platform": platforms[r["key"]], "name": i["name"], "description": i.get("description", ""),
        "lang": i.get("lang", ""), "requires_training": bool(i.get("requires_training", False)),
    }) for r in payload.get("platforms", []) for i in r.get("instruments", [])])
    audit_many(actor=actor, events=audit_rows)
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


def import_batch_create(*, actor, filename: str, payload: dict, plan: ImportPlan | None = None):
    """Keep an uploaded, checked payload and what importing it would do, until its preview is confirmed."""
    plan = plan or plan_import(payload)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=actor, filename=filename[:255], payload=payload, summary=plan.summary,
            progress_total=sum(1 for c in plan.changes if c.action != "unchanged"), plan=_plan_rows(plan))
        audit_record(actor=actor, action="import.upload", entity_type="import", entity_key=str(batch.pk),
                     entity_label=batch.filename, changes={"summary": [None, plan.summary]})
    return batch


def import_batch_upload(*, actor, filename: str, data: bytes, language: str = ""):
    """Keep an uploaded file and queue its check (`import_batch_check`): reading, checking and planning a
    large file is work for the worker, not for the request."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=actor, filename=filename[:255], payload={}, source=data, status=ImportBatch.Status.CHECKING,
            phase="queued", language=language[:8], heartbeat_at=timezone.now())
        audit_record(actor=actor, action="import.upload", entity_type="import", entity_key=str(batch.pk),
                     entity_label=batch.filename, changes={"bytes": [None, len(data)]})
        enqueue(check_import, batch.pk)
    return batch


@collector_paused()
def import_batch_check(batch_id: int) -> str:
    """The check job: read the file, check it, plan it; end the batch `pending` (with its plan) or `refused`
    (with every error, each naming the record and the field, in the uploader's language), in one write.

    Claimed by compare-and-set like the import job: run twice, the second finds it claimed; killed mid-way,
    nothing of it was written and `import_batches_recover` queues the check again.
    """
    Status = ImportBatch.Status
    claimed = ImportBatch.objects.filter(pk=batch_id, status=Status.CHECKING, phase="queued").update(
        phase="reading", attempts=models.F("attempts") + 1, heartbeat_at=timezone.now(), error="")
    if not claimed:
        return "not queued"
    batch = ImportBatch.objects.get(pk=batch_id)
    attempt = batch.attempts

    def step(phase):
        ImportBatch.objects.filter(pk=batch_id, status=Status.CHECKING, attempts=attempt).update(
            phase=phase, heartbeat_at=timezone.now())

    try:
        with translation.override(batch.language or settings.LANGUAGE_CODE):
            data = bytes(batch.source)
            plan, issues, payload = None, [], None
            try:
                payload = parse_xlsx(data) if batch.filename.lower().endswith(".xlsx") else parse_json(data)
                step("checking")
                issues = check_payload(payload)
            except ImportRefused as error:
                issues = error.issues
            if not issues:
                step("planning")
                plan = plan_import(payload)
    except Exception as exc:  # a bug or the database gone: retried like the import job, then failed
        retry = attempt < settings.GUICHET_JOB_MAX_ATTEMPTS
        after = {"phase": "queued"} if retry else {"status": Status.FAILED, "phase": "", "source": b""}
        ImportBatch.objects.filter(pk=batch_id, status=Status.CHECKING, attempts=attempt).update(
            error=f"{exc.__class__.__name__}: {exc}", **after)
        if retry:
            enqueue(check_import, batch_id, run_after=timezone.now() + backoff(attempt, 30))
            return "retrying"
        raise
    with transaction.atomic():
        ours = ImportBatch.objects.filter(pk=batch_id, status=Status.CHECKING, attempts=attempt)
        if issues:
            done = ours.update(status=Status.REFUSED, phase="", source=b"",
                               issues=[[i.record, i.field, i.message] for i in issues])
            if done:
                audit_record(actor=batch.created_by, action="import.refuse", entity_type="import",
                             entity_key=str(batch.pk), entity_label=batch.filename,
                             changes={"errors": [None, len(issues)]})
            return "refused" if done else "lost"
        done = ours.update(
            status=Status.PENDING, phase="", source=b"", payload=payload, summary=plan.summary, attempts=0,
            progress_total=sum(1 for c in plan.changes if c.action != "unchanged"), plan=_plan_rows(plan))
        if done:
            audit_record(actor=batch.created_by, action="import.check", entity_type="import",
                         entity_key=str(batch.pk), entity_label=batch.filename,
                         changes={"summary": [None, plan.summary]})
        return "checked" if done else "lost"


def _plan_rows(plan: ImportPlan) -> list:
    return [[c.action, c.record_type, c.key, c.name, c.changes if c.action == "update" else len(c.changes)]
            for c in plan.changes]


def import_batch_confirm(*, actor, batch):
    """Queue a pending upload for the import job; a batch is queued at most once, even on a double click."""
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).update(
            status=ImportBatch.Status.QUEUED, confirmed_by=actor, phase="queued", progress_done=0,
            heartbeat_at=timezone.now())
        if not claimed:
            raise ImportAlreadyApplied
        audit_record(actor=actor, action="import.confirm", entity_type="import", entity_key=str(batch.pk),
                     entity_label=batch.filename)
        enqueue(run_import, batch.pk)
    # What the caller shows (the status, a summary once applied), not the payload or the plan: a 100k-record
    # batch holds tens of megabytes of JSON that the confirming request has no use for.
    batch.refresh_from_db(fields=["status", "summary", "phase", "progress_done", "progress_total", "error",
                                  "confirmed_by", "applied_at", "heartbeat_at"])
    return batch


@collector_paused()
def import_batch_run(batch_id: int) -> str:
    """The import job: claim the batch, write it all in one transaction, mark it applied in that same one.

    Run twice at once, or again after a success, it does nothing: the claim is a compare-and-set and the
    final write checks that this attempt still owns the batch. Killed mid-way, the transaction is rolled
    back by the database and `import_batches_recover` queues the batch again.
    """
    Status = ImportBatch.Status
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch_id, status=Status.QUEUED).update(
        status=Status.RUNNING, attempts=models.F("attempts") + 1, heartbeat_at=now, phase="checking",
        progress_done=0, error="")
    if not claimed:
        return "not queued"
    # Not the preview's plan (20k rows of JSON for a 20k-record file: the import plans again under its lock)
    # nor the emptied upload.
    batch = ImportBatch.objects.select_related("confirmed_by").defer("plan", "source").get(pk=batch_id)
    attempt = batch.attempts

    def progress(phase, done, total):
        # Outside the transaction (tagging) this is seen at once; inside it, only after commit on both
        # databases: the page then shows the step ("writing") rather than a count that cannot move.
        if not transaction.get_connection().in_atomic_block:
            ImportBatch.objects.filter(pk=batch_id, status=Status.RUNNING, attempts=attempt).update(
                phase=phase, progress_done=done, progress_total=total, heartbeat_at=timezone.now())

    try:
        # No schema check again: a batch is queued only from `pending`, which the check job gave it after
        # checking this very payload (the references, which the directory can change meanwhile, are checked
        # again under the import lock).
        with detection_memo():
            _warm_tags(batch.payload, progress)
            ImportBatch.objects.filter(pk=batch_id, attempts=attempt).update(
                phase="writing", heartbeat_at=timezone.now())
            with transaction.atomic(durable=True):
                # Still ours? (recovery may have queued it again if this worker looked dead)
                owned = ImportBatch.objects.filter(pk=batch_id, status=Status.RUNNING, attempts=attempt).update(
                    status=Status.APPLIED, applied_at=timezone.now(), phase="done")
                if not owned:
                    return "lost"
                plan = _import_in_transaction(actor=batch.confirmed_by, payload=batch.payload,
                                              schema_checked=True)
                ImportBatch.objects.filter(pk=batch_id).update(summary=plan.summary,
                                                               progress_done=batch.progress_total)
                audit_record(actor=batch.confirmed_by, action="import.apply", entity_type="import",
                             entity_key=str(batch.pk), entity_label=batch.filename,
                             changes={"summary": [None, plan.summary]})
        return "applied"
    except ImportRefused as refused:
        # The directory changed since the preview (a key now names another record…): no retry helps.
        ImportBatch.objects.filter(pk=batch_id, attempts=attempt).update(
            status=Status.FAILED, phase="", issues=[[i.record, i.field, i.message] for i in refused.issues],
            error="\n".join(str(i) for i in refused.issues[:20]))
        return "refused"
    except Exception as exc:
        retry = attempt < settings.GUICHET_JOB_MAX_ATTEMPTS
        ImportBatch.objects.filter(pk=batch_id, attempts=attempt).update(
            status=Status.QUEUED if retry else Status.FAILED, phase="", error=f"{exc.__class__.__name__}: {exc}")
        if retry:
            enqueue(run_import, batch_id, run_after=timezone.now() + backoff(attempt, 30))
            return "retrying"
        raise


def import_batches_recover() -> int:
    """Queue again the imports whose worker stopped (no heartbeat for GUICHET_JOB_STALE_SECONDS) and the
    queued ones whose job was lost; give up after GUICHET_JOB_MAX_ATTEMPTS."""
    Status = ImportBatch.Status
    stale = timezone.now() - timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS)
    dead = ImportBatch.objects.filter(status=Status.RUNNING, heartbeat_at__lt=stale)
    dead.filter(attempts__gte=settings.GUICHET_JOB_MAX_ATTEMPTS).update(
        status=Status.FAILED, error="the worker stopped during every attempt")
    dead.update(status=Status.QUEUED, error="interrupted (worker stopped); queued again")
    # A check whose worker stopped (its step's heartbeat old), or whose job was lost (queued, untouched).
    checks = ImportBatch.objects.filter(status=Status.CHECKING, heartbeat_at__lt=stale)
    checks.filter(attempts__gte=settings.GUICHET_JOB_MAX_ATTEMPTS).update(
        status=Status.FAILED, phase="", source=b"", error="the worker stopped during every attempt")
    rechecked = 0
    for pk in list(checks.values_list("pk", flat=True)):
        if ImportBatch.objects.filter(pk=pk, status=Status.CHECKING, heartbeat_at__lt=stale).update(
                phase="queued", heartbeat_at=timezone.now()):
            enqueue(check_import, pk)
            rechecked += 1
    queued = list(ImportBatch.objects.filter(status=Status.QUEUED).filter(
        models.Q(heartbeat_at__isnull=True) | models.Q(heartbeat_at__lt=stale)).values_list("pk", flat=True))
    # A queued batch is normally picked within seconds; one untouched for long has lost its job.
    for pk in queued:
        ImportBatch.objects.filter(pk=pk, status=Status.QUEUED).update(heartbeat_at=timezone.now())
        enqueue(run_import, pk)
    return rechecked + len(queued)
