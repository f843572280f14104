"""What the audit log holds about a person: the changes they made, and the events naming their account."""

from django.db.models import Q

from guichet.privacy.registry import exporter, when

from .audit_labels import action_label
from .models import AuditEvent


@exporter("audit")
def export_audit(user):
    # Membership keys and "who, as recorded" carry the address; events on the account carry its number.
    about = Q(actor=user) | Q(entity_type="user", entity_key=str(user.pk)) | Q(actor_label__iexact=user.email)
    about |= Q(entity_type="membership", entity_key__istartswith=f"{user.email}@")
    # `action` stays the code a program reads; `action_label` is what the audit page shows, in the asker's language.
    return {"events": [{"at": when(e.at), "action": e.action, "action_label": action_label(e.action),
                        "record_type": e.entity_type,
                        "record": e.entity_key, "record_name": e.entity_label, "changes": e.changes,
                        "by_them": e.actor_id == user.pk}
                       for e in AuditEvent.objects.filter(about).order_by("at", "pk")]}
