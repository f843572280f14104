from django.db import transaction

from guichet.core.audit import audit_record

from .models import Target

FIELDS = ("key", "label", "label_en", "value", "year", "source", "reference")


def target_save(*, actor, record: Target, is_new: bool) -> None:
    """A target edited by staff (admin): the bounds checked by the model's validators, audited."""
    with transaction.atomic():
        before = None if is_new else Target.objects.filter(pk=record.pk).values(*FIELDS).first()
        record.full_clean()
        record.save()
        changes = {f: [str(before[f]) if before else None, str(getattr(record, f))] for f in FIELDS
                   if not before or before[f] != getattr(record, f)}
        audit_record(actor=actor, action=f"target.{'create' if is_new else 'update'}", entity_type="target",
                     entity_key=record.key, entity_label=record.label, changes=changes)


def target_delete(*, actor, record: Target) -> None:
    with transaction.atomic():
        key, label = record.key, record.label
        record.delete()
        audit_record(actor=actor, action="target.delete", entity_type="target", entity_key=key, entity_label=label)
