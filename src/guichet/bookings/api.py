from datetime import date, datetime, timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from guichet.core import params
from guichet.core.api_auth import api_user
from guichet.core.workdays import PARIS
from guichet.directory.selectors import valid_key_or_404
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


class BookingIn(Schema):
    instrument: str = Field(..., description="the instrument's key")
    start: datetime
    end: datetime
    cost_centre: str = Field("", max_length=60)


class BookingOut(Schema):
    id: int
    instrument: str
    start: datetime
    end: datetime
    status: str
    cost_centre: str


class Problem(Schema):
    detail: str
    field: str = ""


def _out(b: Booking) -> dict:
    return {"id": b.pk, "instrument": b.instrument.key, "start": b.start, "end": b.end, "status": b.status,
            "cost_centre": b.cost_centre}


@router.get("/instruments/{key}/availability", response={200: Availability, 400: Problem},
            summary="Busy slots of an instrument's week")
def availability(request, key: str, week: date | None = Query(None, description="any day of the week")):
    instrument = get_object_or_404(Instrument, key=valid_key_or_404(key))
    try:
        monday = selectors.week_start(params.check_day(week or date.today(), field="week"))
    except params.BadParameter as exc:
        return 400, {"detail": exc.message, "field": "week"}
    start = datetime.combine(monday, datetime.min.time(), PARIS)
    user = api_user(request)
    busy = selectors.busy(instrument, start, start + timedelta(days=7))
    return 200, {"instrument": instrument.key, "week": monday, "opens_at": instrument.opens_at.strftime("%H:%M"),
            "closes_at": instrument.closes_at.strftime("%H:%M"), "open_weekdays": instrument.open_weekdays,
            "busy": [{"start": b.start, "end": b.blocked_until, "kind": b.kind,
                      "mine": bool(user.is_authenticated and b.user_id == user.pk)} for b in busy]}


@router.get("/bookings", response={200: list[BookingOut], 401: Problem}, summary="Your bookings")
def my_bookings(request):
    user = api_user(request)
    if not user.is_authenticated:
        return 401, {"detail": "Authentication required."}
    return 200, [_out(b) for b in Booking.objects.filter(user=user, kind=Booking.Kind.BOOKING)
                 .select_related("instrument").order_by("-start")[:200]]


@router.post("/bookings", response={201: BookingOut, 400: Problem, 401: Problem, 403: Problem, 409: Problem},
             summary="Book a slot (409 when it is taken)")
def create_booking(request, payload: BookingIn):
    user = api_user(request)
    if not user.is_authenticated:
        return 401, {"detail": "Authentication required."}
    try:
        instrument = Instrument.objects.get(key=valid_key_or_404(payload.instrument))
    except (Instrument.DoesNotExist, Http404):
        return 400, {"detail": "Unknown instrument.", "field": "instrument"}
    try:
        booking = services.booking_create(actor=user, instrument=instrument, start=payload.start, end=payload.end,
                                          cost_centre=payload.cost_centre)
    except services.SlotUnavailable as exc:
        return 409, {"detail": str(exc), "field": exc.field}
    except (services.NotTrained, services.NotAllowed) as exc:
        return 403, {"detail": str(exc), "field": exc.field}
    except services.BookingError as exc:
        return 400, {"detail": str(exc), "field": exc.field}
    return 201, _out(booking)


@router.post("/bookings/{booking_id}/cancel", response={200: BookingOut, 400: Problem, 404: Problem},
             summary="Cancel a booking")
def cancel_booking(request, booking_id: int):
    user = api_user(request)
    booking = Booking.objects.select_related("instrument__platform").filter(pk=booking_id).first()
    if booking is None or not user.is_authenticated or (
            booking.user_id != user.pk and not permissions.can_manage_instrument(user, booking.instrument)):
        return 404, {"detail": "Not found."}
    try:
        services.booking_cancel(actor=user, booking=booking)
    except services.BookingError as exc:
        return 400, {"detail": str(exc), "field": exc.field}
    return 200, _out(booking)
