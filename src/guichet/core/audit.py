"""Writing the audit log. Services call `audit_record` inside their own transaction."""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from .bulk import insert_rows
from .models import AuditEvent

_AS_IS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:  # most values of a record: an import diffs 100k of them
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def diff_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """Fields whose value differs, as {field: [before, after]}; a missing side is None."""
    before = before or {}
    after = after or {}
    changes = {}
    for field in sorted(set(before) | set(after)):
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old != new:
            changes[field] = [old, new]
    return changes


def audit_record(*, actor, action: str, entity_type: str, entity_key: str, entity_label: str = "",
                 changes: Mapping[str, list[Any]] | None = None) -> AuditEvent:
    """Insert one audit event; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=user.email if user else "system",
        action=action,
        entity_type=entity_type,
        entity_key=str(entity_key)[:120],
        entity_label=str(entity_label)[:300],
        changes=dict(changes or {}),
    )


AUDIT_COLUMNS = ("at", "actor", "actor_label", "action", "entity_type", "entity_key", "entity_label", "changes")


def audit_many(*, actor, events: Iterable[tuple[str, str, str, str, Mapping]]) -> int:
    """Insert one audit event per (action, entity type, key, label, changes), all by one actor at one time,
    in the caller's transaction, with no model instance per row: what an import of 100k records writes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_many must be called inside the service's transaction")
    user = actor if getattr(actor, "is_authenticated", False) else None
    at, actor_id, label = timezone.now(), user.pk if user else None, user.email if user else "system"
    return insert_rows(AuditEvent, AUDIT_COLUMNS, (
        (at, actor_id, label, action, entity_type, str(key)[:120], str(entity_label)[:300], dict(changes or {}))
        for action, entity_type, key, entity_label, changes in events))
