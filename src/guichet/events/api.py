"""Events in the API: the public agenda, one event with its sessions, and a member's registration."""

from datetime import datetime

from ninja import Path, Router, Schema

from guichet.core.api_auth import MEMBERS, MEMBERS_WRITE, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import EVENT_KEY_PATTERN, MAX_ID
from guichet.core.errors import visible_or_404

from . import selectors, services
from .models import Registration, Session

router = Router(tags=["events"])
KEY = EVENT_KEY_PATTERN


class SessionOut(Schema):
    id: int
    title: str
    start: datetime
    end: datetime
    room: str
    capacity: int
    seats_left: int


class EventOut(Schema):
    key: str
    kind: str
    status: str
    title: str
    summary: str
    venue: str
    sessions: list[SessionOut]


class RegistrationOut(Schema):
    id: int
    session: int
    status: str
    checked_in: bool


def _session(s: Session) -> dict:
    return {"id": s.pk, "title": s.title, "start": s.start, "end": s.end, "room": str(s.room) if s.room_id else "",
            "capacity": s.capacity, "seats_left": s.seats_left}


def _event(e) -> dict:
    return {"key": e.key, "kind": e.kind, "status": e.status, "title": e.title, "summary": e.summary,
            "venue": e.venue, "sessions": [_session(s) for s in e.sessions.all()]}


def _registration(r: Registration) -> dict:
    return {"id": r.pk, "session": r.session_id, "status": r.status, "checked_in": r.checked_in_at is not None}


@router.get("", response={200: list[EventOut], **errors(401)}, summary="Coming events (the public agenda)")
def events(request):
    return 200, [_event(e) for e in selectors.agenda(user=api_user(request))[:200]]


@router.get("/mine", response={200: list[RegistrationOut], **errors(401)}, auth=MEMBERS,
            summary="Your registrations")
def my_registrations(request):
    return 200, [_registration(r) for r in selectors.registrations_of_user(api_user(request))[:500]]


@router.get("/{key}", response={200: EventOut, **errors(401, 404, 422)}, summary="One event and its sessions")
def event(request, key: str = Path(..., pattern=KEY)):
    return 200, _event(visible_or_404(selectors.event_visible(user=api_user(request), key=key)))


@router.post("/sessions/{session_id}/register", response={201: RegistrationOut, **errors(401, 403, 404, 409, 422)},
             auth=MEMBERS_WRITE, summary="Register for a session",
             description="201: a seat (status `confirmed`) or the waiting list (`waitlisted`). 409: already "
                         "registered, registration closed, or a prerequisite missing; `field` names what.")
def register(request, session_id: int = Path(..., ge=1, le=MAX_ID)):
    user = api_user(request)
    session = visible_or_404(Session.objects.select_related("event__course").filter(pk=session_id).first(),
                             lambda found: selectors.event_visible(user=user, key=found.event.key) is not None)
    # A refusal (NotAllowed 403, EventError 409) is answered by config/api.py DOMAIN_ERRORS.
    registration = services.registration_create(actor=user, session=session)
    return 201, _registration(registration)
