"""Writing the audit log. Services call `audit_record` inside their own transaction."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from .models import AuditEvent


def _plain(value: Any) -> Any:
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


def audit_event(*, actor, action: str, entity_type: str, entity_key: str, entity_label: str = "",
                changes: Mapping[str, list[Any]] | None = None) -> AuditEvent:
    """An audit event not yet saved, for `audit_bulk` (imports write thousands)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(actor=user, actor_label=user.email if user else "system", action=action,
                      entity_type=entity_type, entity_key=str(entity_key)[:120], entity_label=str(entity_label)[:300],
                      changes=dict(changes or {}))


def audit_bulk(events: list[AuditEvent], batch_size: int = 1000) -> None:
    """Insert many audit events in the caller's transaction (insert-only, like audit_record)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_bulk must be called inside the service's transaction")
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
