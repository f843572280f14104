from datetime import date, datetime, timedelta
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Header, Path, Query, Router, Schema

from guichet.core import api_types, idempotency, params
from guichet.core.api_auth import MEMBERS, MEMBERS_WRITE, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import MAX_ID
from guichet.core.errors import visible_or_404
from guichet.core.workdays import PARIS
from guichet.directory.models import KEY_PATTERN
from guichet.directory.selectors import valid_key_or_404
from guichet.groups import selectors as group_selectors
from guichet.platforms.models import Instrument

from . import permissions, selectors, services
from .models import Booking

router = Router(tags=["bookings"])


class SlotOut(Schema):
    start: datetime
    end: datetime
    kind: str = Field(..., description="booking or blackout")
    mine: bool


class Availability(Schema):
    instrument: str
    week: date
    opens_at: str
    closes_at: str
    open_weekdays: str
    busy: list[SlotOut]


# The calendar a week parameter may name (older or later weeks are refused, 422): it keeps every date
# computation of the week (Paris offsets, +7 days) inside what Python and the databases represent.
WEEK_MIN, WEEK_MAX = date(2000, 1, 1), date(2099, 12, 31)
YEAR_2000S = r"^20[0-9]{2}-"
COST_CENTRE_MAX = 60  # BookingIn refuses longer (422) rather than cutting it


class WeekParams(Schema):
    week: date = Field(None, ge=WEEK_MIN, le=WEEK_MAX, json_schema_extra={"pattern": YEAR_2000S},
                       description="any day of the week (2000 to 2099); today's week by default")


class BookingIn(Schema):
    instrument: str = Field(..., description="the instrument's key", pattern=KEY_PATTERN)
    start: datetime = Field(..., description="ISO 8601 with its offset; between 2000 and 2099",
                            json_schema_extra={"pattern": YEAR_2000S})
    end: datetime = Field(..., description="ISO 8601 with its offset; after the start",
                          json_schema_extra={"pattern": YEAR_2000S})
    cost_centre: Annotated[str, api_types.NoNul] = Field("", max_length=COST_CENTRE_MAX, pattern=api_types.NO_NUL)
    # --- groups (issue 12) ---
    project: int | None = Field(None, ge=1, le=MAX_ID, description="the id of a project you may charge "
                                "(GET /api/v1/groups/projects); none: the cost centre only")


class BookingOut(Schema):
    id: int
    instrument: str
    start: datetime
    end: datetime
    status: str
    cost_centre: str
    project: int | None = Field(None, description="the project that pays")


def _out(b: Booking) -> dict:
    return {"id": b.pk, "instrument": b.instrument.key, "start": b.start, "end": b.end, "status": b.status,
            "cost_centre": b.cost_centre, "project": b.project_id}


@router.get("/instruments/{key}/availability", response={200: Availability, **errors(400, 401, 404, 422)},
            summary="Busy slots of an instrument's week")
def availability(request, query: Query[WeekParams], key: str = Path(..., pattern=KEY_PATTERN)):
    week = query.week
    instrument = get_object_or_404(Instrument, key=valid_key_or_404(key))
    monday = selectors.week_start(params.check_day(week or date.today(), field="week"))  # BadParameter: 400
    start = datetime.combine(monday, datetime.min.time(), PARIS)
    user = api_user(request)
    busy = selectors.busy(instrument, start, start + timedelta(days=7))
    return 200, {"instrument": instrument.key, "week": monday, "opens_at": instrument.opens_at.strftime("%H:%M"),
            "closes_at": instrument.closes_at.strftime("%H:%M"), "open_weekdays": instrument.open_weekdays,
            "busy": [{"start": b.start, "end": b.blocked_until, "kind": b.kind,
                      "mine": bool(user.is_authenticated and b.user_id == user.pk)} for b in busy]}


@router.get("/bookings", response={200: list[BookingOut], **errors(401)}, auth=MEMBERS, summary="Your bookings")
def my_bookings(request):
    user = api_user(request)
    return 200, [_out(b) for b in Booking.objects.filter(user=user, kind=Booking.Kind.BOOKING)
                 .select_related("instrument").order_by("-start")[:200]]


@router.post("/bookings", response={201: BookingOut, **errors(400, 401, 403, 404, 409, 422)}, auth=MEMBERS_WRITE,
             summary="Book a slot",
             description="201: booked. 404: no instrument has this key, or no project of yours has the id given. "
                         "403: not trained, or not a member. "
                         "409: the slot is taken, or breaks the instrument's booking rules (opening hours and days, "
                         "duration, notice, advance, end after start), or the project cannot pay it (validity, "
                         "platform, budget left); `field` names the field at fault. "
                         "With an `Idempotency-Key` header, a retry of the same request by the same member within "
                         "24 hours answers what the first one answered (the same 201 and body: one booking); "
                         "the same key with a different body is a 422.")
def create_booking(request, payload: BookingIn,
                   key: str = Header(None, alias=idempotency.HEADER, pattern=idempotency.KEY_PATTERN,
                                     description="Any unique string (a UUID) per booking you mean to make; "
                                                 "send it again on a retry.")):
    user = api_user(request)
    done, claim = idempotency.start(user=user, scope="bookings.create", key=key, payload=payload.model_dump(),
                                    render=_out)
    if done is not None:
        return done
    try:
        instrument = Instrument.objects.get(key=valid_key_or_404(payload.instrument))
    except (Instrument.DoesNotExist, Http404):
        return 404, {"detail": _("Unknown instrument."), "field": "instrument"}
    project = None
    if payload.project is not None:  # a project the caller may not charge is not found for them
        project = group_selectors.projects_chargeable(user, platform=instrument.platform).filter(
            pk=payload.project).first()
        if project is None:
            return 404, {"detail": _("No project of yours has this id for this platform."), "field": "project"}
    try:
        booking = services.booking_create(actor=user, instrument=instrument, start=payload.start, end=payload.end,
                                          cost_centre=payload.cost_centre, idempotency=claim, project=project)
    except idempotency.AlreadyClaimed:  # the same request, sent twice at once: the first one's answer
        return idempotency.raced(claim)
    # NotTrained and NotAllowed answer 403, the other BookingErrors 409 (config/api.py DOMAIN_ERRORS).
    return 201, _out(booking)


@router.post("/bookings/{booking_id}/cancel", response={200: BookingOut, **errors(401, 403, 404, 409, 422)},
             auth=MEMBERS_WRITE, summary="Cancel a booking",
             description="404: no such booking of yours (or of an instrument you manage). 409: too late to cancel, "
                         "or already cancelled or finished.")
def cancel_booking(request, booking_id: int = Path(..., ge=1, le=MAX_ID)):
    user = api_user(request)
    booking = visible_or_404(Booking.objects.select_related("instrument__platform").filter(pk=booking_id).first(),
                             lambda found: permissions.is_booking_party(user, found))
    services.booking_cancel(actor=user, booking=booking)  # 403 or 409 (config/api.py DOMAIN_ERRORS)
    return 200, _out(booking)
