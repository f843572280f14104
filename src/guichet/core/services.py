"""Audited writes of a single record, for the doors that edit records as such (the admin).

Apps with rules of their own (directory index, start-up bounds, bookings...) keep their own services; these
are the generic path for the rest, so that no admin save, many-to-many change, inline row or delete goes
unaudited. Each one owns its transaction (a savepoint inside the admin's) and records before/after.
"""

from typing import Any

from django.db import models, transaction

from .audit import audit_record, diff_fields

# Secrets change, but their values never go into the log.
MASKED_FIELDS = {"password", "token_hash", "token"}
MASK = "…"


def _value(field, record) -> Any:
    value = field.value_from_object(record)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
        return str(value) if not hasattr(value, "isoformat") else value.isoformat()
    return value


def record_fields(record) -> dict[str, Any]:
    """The record's own columns, foreign keys by primary key."""
    return {f.attname: _value(f, record) for f in record._meta.concrete_fields if not f.primary_key}


def record_relations(record) -> dict[str, list]:
    """The record's many-to-many sets, as sorted primary keys (what the admin's widgets edit)."""
    if record.pk is None:
        return {}
    return {f.name: sorted(getattr(record, f.name).values_list("pk", flat=True))
            for f in record._meta.many_to_many}


def entity_type(record) -> str:
    return record._meta.model_name


def entity_key(record) -> str:
    for name in ("key", "email", "code"):
        value = getattr(record, name, None)
        if isinstance(value, str) and value:
            return value
    return str(record.pk)


def masked(changes: dict[str, list]) -> dict[str, list]:
    return {k: ([MASK, MASK] if k in MASKED_FIELDS else v) for k, v in changes.items()}


def record_save(*, actor, record, is_new: bool, action: str = "") -> dict[str, list]:
    """Save a record validated by its form, and audit what changed. Returns the changes."""
    with transaction.atomic():
        model = type(record)
        before = None if is_new else record_fields(model._default_manager.get(pk=record.pk))
        record.save()
        changes = masked(diff_fields(before, record_fields(record)))
        if changes or is_new:
            audit_record(actor=actor, action=action or f"{entity_type(record)}.{'create' if is_new else 'update'}",
                         entity_type=entity_type(record), entity_key=entity_key(record),
                         entity_label=str(record), changes=changes)
    return changes


def record_delete(*, actor, record, action: str = "") -> None:
    """Delete a record (and what cascades from it), keeping its last values in the log."""
    with transaction.atomic():
        before = {**record_fields(record), **record_relations(record)}
        key, label, kind = entity_key(record), str(record), entity_type(record)
        record.delete()
        audit_record(actor=actor, action=action or f"{kind}.delete", entity_type=kind, entity_key=key,
                     entity_label=label, changes=masked(diff_fields(before, None)))


def record_relation_set(*, actor, record, field: str, values, action: str = "", by: str = "pk",
                        key: str = "") -> dict[str, list]:
    """Replace one many-to-many set of a record, audited with its members before and after, named by `by`
    (their key, e-mail address... the primary key otherwise); `key` names the record where its own does not."""
    with transaction.atomic():
        manager = getattr(record, field)
        before = sorted(manager.values_list(by, flat=True))
        manager.set(values)
        after = sorted(manager.values_list(by, flat=True))
        changes = {field: [before, after]} if before != after else {}
        if changes:
            audit_record(actor=actor, action=action or f"{entity_type(record)}.{field}",
                         entity_type=entity_type(record), entity_key=key or entity_key(record),
                         entity_label=str(record), changes=changes)
    return changes
