"""Partnering in the API: a participant's meetings, and answering a meeting request."""

from datetime import datetime

from ninja import Path, Router, Schema

from guichet.core.api_auth import MEMBERS, MEMBERS_WRITE, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import EVENT_KEY_PATTERN, MAX_ID
from guichet.core.errors import visible_or_404
from guichet.events import selectors as event_selectors

from . import selectors, services
from .models import MeetingRequest

router = Router(tags=["partnering"])
KEY = EVENT_KEY_PATTERN


class MeetingOut(Schema):
    id: int
    start: datetime
    end: datetime
    table: int
    with_name: str
    status: str
    outcome: str


class MeetingAnswerIn(Schema):
    accept: bool


class MeetingRequestOut(Schema):
    id: int
    status: str
    meeting: int | None


@router.get("/{key}/meetings", response={200: list[MeetingOut], **errors(401, 404, 422)}, auth=MEMBERS,
            summary="Your meetings at a Partnering Day")
def my_meetings(request, key: str = Path(..., pattern=KEY)):
    user = api_user(request)
    event = event_selectors.event_visible(user=user, key=key)
    me = visible_or_404(selectors.participant_of(user=user, event=event) if event else None)
    return 200, [{"id": m.pk, "start": m.slot.start, "end": m.slot.end, "table": m.table.number,
                  "with_name": str(m.other), "status": m.status, "outcome": m.outcome} for m in selectors.agenda(me)]


@router.post("/requests/{request_id}/answer", response={200: MeetingRequestOut, **errors(400, 401, 404, 409, 422)},
             auth=MEMBERS_WRITE, summary="Accept or decline a meeting request made to you",
             description="Accepted, the meeting is placed at once where both are free and a table is; `meeting` "
                         "is then its id. 409: already answered.")
def answer(request, payload: MeetingAnswerIn, request_id: int = Path(..., ge=1, le=MAX_ID)):
    user = api_user(request)
    found = visible_or_404(MeetingRequest.objects.select_related("recipient", "requester").filter(
        pk=request_id, recipient__user=user).first())
    try:
        services.request_answer(actor=user, request=found, accept=payload.accept)
    except services.PartneringError as exc:
        return 409, {"detail": str(exc), "field": exc.field}
    meeting = getattr(MeetingRequest.objects.get(pk=found.pk), "meeting", None) if payload.accept else None
    return 200, {"id": found.pk, "status": found.status, "meeting": meeting.pk if meeting else None}
