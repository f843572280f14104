"""What events hold about a person: their registrations (by account or by the same e-mail address)."""

from django.db.models import Q

from guichet.privacy.registry import eraser, exporter, when

from .models import Registration


def _theirs(user):
    return Registration.objects.filter(Q(user=user) | Q(email__iexact=user.email))


@exporter("events")
def export_events(user):
    return {"registrations": [
        {"event": r.session.event.key, "session": r.session_id, "status": r.status, "full_name": r.full_name,
         "email": r.email, "organization": r.organization_name, "created_at": when(r.created_at),
         "checked_in_at": when(r.checked_in_at), "attended": r.attended}
        for r in _theirs(user).select_related("session__event").order_by("created_at", "pk")]}


@eraser("events")
def erase_events(*, user, actor):
    """Registrations stay counted (seats, attendance, KPIs); the name, address and organization go."""
    count = 0
    for registration in _theirs(user):
        Registration.objects.filter(pk=registration.pk).update(
            full_name="—", email=f"erased-{registration.pk}@invalid.example", organization_name="", user=None)
        count += 1
    return {"registrations": count}
