"""Reads of a Partnering Day, for one participant or the team."""

from django.db.models import Q

from .models import Meeting, MeetingRequest, Participant, Slot

SUGGESTIONS = 8  # shown at most; the matching engine ranks


def participant_of(*, user, event) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(event=event, user=user).select_related("organization", "person").first()


def participants(event):
    return Participant.objects.filter(event=event).select_related("user", "organization").order_by("organization__name",
                                                                                                   "id")


def suggestions(participant: Participant) -> list[tuple[Participant, list[str]]]:
    """Whom to meet: the matching engine run on what the participant seeks, kept to the day's other
    participants (by their organization or their person record), with the engine's reasons."""
    from guichet.matching.engine import QueryRefused, match

    others = list(participants(participant.event).exclude(pk=participant.pk))
    by_key = {}
    for other in others:
        if other.organization_id:
            by_key.setdefault(("organization", other.organization.key), other)
        if other.person_id:
            by_key.setdefault(("person", other.person.key), other)
    already = set(MeetingRequest.objects.filter(status__in=["requested", "accepted"]).filter(
        Q(requester=participant) | Q(recipient=participant)).values_list("requester_id", "recipient_id"))
    busy = {pk for pair in already for pk in pair} - {participant.pk}
    try:
        results = match(participant.seeks, limit=30)
    except QueryRefused:
        return []
    found, seen = [], set()
    for result in results:
        other = by_key.get((result.kind, result.key))
        if other is None or other.pk in seen or other.pk in busy or not result.good:
            continue
        seen.add(other.pk)
        found.append((other, result.reasons))
        if len(found) >= SUGGESTIONS:
            break
    return found


def requests_of(participant: Participant):
    base = MeetingRequest.objects.select_related("requester__user", "recipient__user", "requester__organization",
                                                 "recipient__organization")
    return {"received": base.filter(recipient=participant).order_by("-created_at"),
            "sent": base.filter(requester=participant).order_by("-created_at")}


def agenda(participant: Participant):
    """The participant's meetings, in time order, with the other side."""
    meetings = (Meeting.objects.filter(Q(request__requester=participant) | Q(request__recipient=participant))
                .select_related("slot", "table", "request__requester__user", "request__recipient__user",
                                "request__requester__organization", "request__recipient__organization", "event")
                .order_by("slot__start"))
    for meeting in meetings:
        request = meeting.request
        meeting.other = request.recipient if request.requester_id == participant.pk else request.requester
        yield meeting


def slots_of(event):
    return Slot.objects.filter(event=event).order_by("start")


def day_figures(event) -> dict:
    requests = MeetingRequest.objects.filter(event=event)
    return {"participants": Participant.objects.filter(event=event).count(), "requested": requests.count(),
            "accepted": requests.filter(status="accepted").count(),
            "placed": Meeting.objects.filter(event=event).count(),
            "unplaced": requests.filter(status="accepted", meeting__isnull=True).count()}
