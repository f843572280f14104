"""What the Partnering Days hold about a person: their profiles, requests and meetings' outcomes."""

from django.db.models import Q

from guichet.privacy.registry import eraser, exporter, when

from .models import Meeting, MeetingRequest, Participant


@exporter("partnering")
def export_partnering(user):
    mine = Participant.objects.filter(user=user)
    return {
        "profiles": [{"event": p.event.key, "offers": p.offers, "seeks": p.seeks, "created_at": when(p.created_at)}
                     for p in mine.select_related("event").order_by("pk")],
        "requests": [{"event": r.event.key, "sent": r.requester.user_id == user.pk, "status": r.status,
                      "message": r.message, "created_at": when(r.created_at)}
                     for r in MeetingRequest.objects.filter(Q(requester__in=mine) | Q(recipient__in=mine))
                     .select_related("event", "requester").order_by("pk")],
        "meetings": [{"event": m.event.key, "start": when(m.slot.start), "table": m.table.number,
                      "status": m.status, "outcome": m.outcome, "note": m.outcome_note}
                     for m in Meeting.objects.filter(Q(request__requester__in=mine) | Q(request__recipient__in=mine))
                     .select_related("event", "slot", "table").order_by("pk")],
    }


@eraser("partnering")
def erase_partnering(*, user, actor):
    """The meetings stay (the other side's agenda, the KPIs); the person's own words go."""
    mine = Participant.objects.filter(user=user)
    profiles = mine.update(offers="—", seeks="—", person=None)
    messages = MeetingRequest.objects.filter(requester__in=mine).exclude(message="").update(message="")
    return {"profiles": profiles, "request_messages": messages}
