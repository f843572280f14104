"""Recurring bookings: preview each occurrence (free, taken, outside the rules), book the free ones or all,
cancel the rest of a series. Each occurrence is taken by bookings.services.booking_insert_within, so the
no-overlap rule of every booking (the exclusion constraint on PostgreSQL, the write lock on SQLite) holds
against a single booking made at the same moment: the loser of that race is told the slot is taken.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guichet.accounts.selectors import organization_of
from guichet.bookings import permissions as booking_permissions
from guichet.bookings.models import Booking
from guichet.bookings.services import (
    COST_CENTRE_MAX,
    BookingError,
    NotAllowed,
    NotTrained,
    SlotUnavailable,
    _aware,
    booking_insert_within,
    bookings_insert_many_within,
    check_rules,
    is_trained,
)
from guichet.core import params
from guichet.core.audit import audit_record
from guichet.core.mail import notify

from . import permissions, recurrence
from .models import BookingSeries, SeriesOccurrence

FREE, TAKEN, OUTSIDE = "free", "taken", "outside"


class SeriesError(BookingError):
    """A refused series, naming the field (rule, start, duration...)."""


@dataclass
class Occurrence:
    start: datetime
    end: datetime
    state: str  # free, taken or outside
    reason: str = ""
    booking: Booking | None = field(default=None, repr=False)


def _checked(*, actor, instrument, first_start: datetime, duration_minutes: int, rule: str, cost_centre: str):
    if not booking_permissions.can_book(actor):
        raise NotAllowed(_("Log in as a member of the network to book."))
    if not instrument.bookable:
        raise BookingError(_("This instrument cannot be booked online."), "instrument")
    if not 0 < duration_minutes <= 24 * 60:
        raise SeriesError(_("Give a duration in minutes, of at most one day."), "duration")
    if message := params.text_error(cost_centre or "", max_length=COST_CENTRE_MAX, label=_("Cost centre")):
        raise SeriesError(message, "cost_centre")
    first_start = _aware(first_start)
    try:
        starts = recurrence.occurrences(rule, first_start)
        rule = recurrence.normalize(rule)
    except recurrence.RuleError as exc:
        raise SeriesError(str(exc), exc.field) from None
    return first_start, starts, rule


def _classify(*, actor, instrument, starts, duration_minutes: int, now) -> list[Occurrence]:
    """Each occurrence against the instrument's rules, the actor's training on its day, and the slots
    already taken (one query for the whole series)."""
    manager = booking_permissions.can_manage_instrument(actor, instrument)
    duration, buffer = timedelta(minutes=duration_minutes), timedelta(minutes=instrument.buffer_minutes)
    live = list(Booking.objects.filter(instrument=instrument, status__in=Booking.LIVE, start__lt=starts[-1] + duration
                                       + buffer, blocked_until__gt=starts[0]).values_list("start", "blocked_until"))
    result = []
    for start in starts:
        end = start + duration
        try:
            check_rules(instrument, start, end, now)
            if not manager and not is_trained(actor, instrument, start):
                raise NotTrained(_("Your training on this instrument is not valid on this day."), "instrument")
        except BookingError as exc:
            result.append(Occurrence(start, end, OUTSIDE, str(exc)))
            continue
        if any(s < end + buffer and until > start for s, until in live):
            result.append(Occurrence(start, end, TAKEN, _("This slot is taken: choose another one.")))
        else:
            result.append(Occurrence(start, end, FREE))
    return result


def series_preview(*, actor, instrument, first_start: datetime, duration_minutes: int, rule: str,
                   cost_centre: str = "", now: datetime | None = None) -> tuple[str, list[Occurrence]]:
    """What booking the series would do: (the stored rule, each occurrence with its state). Writes nothing."""
    now = now or timezone.now()
    first_start, starts, rule = _checked(actor=actor, instrument=instrument, first_start=first_start,
                                         duration_minutes=duration_minutes, rule=rule, cost_centre=cost_centre)
    return rule, _classify(actor=actor, instrument=instrument, starts=starts, duration_minutes=duration_minutes,
                           now=now)


def series_create(*, actor, instrument, first_start: datetime, duration_minutes: int, rule: str,
                  only_free: bool = True, cost_centre: str = "", note: str = "",
                  now: datetime | None = None) -> tuple[BookingSeries, list[Occurrence]]:
    """Book a series in one transaction. `only_free`: book the free occurrences and skip the others (a slot
    taken meanwhile, even by a booking committed a moment ago, is skipped too); otherwise every occurrence
    must be free or nothing is written. At least one occurrence must be booked."""
    now = now or timezone.now()
    cost_centre = (cost_centre or "").strip()
    first_start, starts, rule = _checked(actor=actor, instrument=instrument, first_start=first_start,
                                         duration_minutes=duration_minutes, rule=rule, cost_centre=cost_centre)
    manager = booking_permissions.can_manage_instrument(actor, instrument)
    status = Booking.Status.REQUESTED if instrument.approval_required and not manager else Booking.Status.CONFIRMED
    organization = organization_of(actor)
    with transaction.atomic(durable=True):
        # Classified inside the transaction: on SQLite it holds the write lock, on PostgreSQL the constraint
        # has the last word below.
        planned = _classify(actor=actor, instrument=instrument, starts=starts, duration_minutes=duration_minutes,
                            now=now)
        unavailable = [o for o in planned if o.state != FREE]
        if unavailable and not only_free:
            raise SlotUnavailable(ngettext(
                "%(n)d occurrence is taken or outside the instrument's rules: book the free ones, or change the "
                "series.", "%(n)d occurrences are taken or outside the instrument's rules: book the free ones, or "
                "change the series.", len(unavailable)) % {"n": len(unavailable)}, "rule")
        if not any(o.state == FREE for o in planned):
            raise SlotUnavailable(_("No occurrence of this series is free."), "rule")
        series = BookingSeries.objects.create(instrument=instrument, user=actor, rule=rule, first_start=first_start,
                                              duration_minutes=duration_minutes, cost_centre=cost_centre,
                                              created_at=now)
        free = [o for o in planned if o.state == FREE]
        many = bookings_insert_many_within(actor=actor, instrument=instrument, slots=[(o.start, o.end) for o in free],
                                           status=status, organization=organization, cost_centre=cost_centre,
                                           note=note, now=now)
        if many is not None:  # all in one statement (PostgreSQL); else one by one, skipping the taken ones
            for occurrence, booking in zip(free, many, strict=True):
                occurrence.booking = booking
            SeriesOccurrence.objects.bulk_create([SeriesOccurrence(series=series, booking=b) for b in many])
        for occurrence in planned if many is None else ():
            if occurrence.state != FREE:
                continue
            try:
                occurrence.booking = booking_insert_within(
                    actor=actor, instrument=instrument, start=occurrence.start, end=occurrence.end, status=status,
                    organization=organization, cost_centre=cost_centre, note=note, now=now)
            except SlotUnavailable as exc:  # taken between the look and the insert (PostgreSQL)
                if not only_free:
                    raise
                occurrence.state, occurrence.reason = TAKEN, str(exc)
                continue
            SeriesOccurrence.objects.create(series=series, booking=occurrence.booking)
        booked = [o for o in planned if o.booking is not None]
        if not booked:
            raise SlotUnavailable(_("No occurrence of this series is free."), "rule")
        audit_record(actor=actor, action="series.create", entity_type="booking_series", entity_key=str(series.pk),
                     entity_label=str(series), changes={
                         "rule": [None, rule], "first_start": [None, first_start.isoformat()],
                         "duration_minutes": [None, duration_minutes],
                         "booked": [None, [o.booking.pk for o in booked]],
                         "skipped": [None, [o.start.isoformat() for o in planned if o.booking is None]]})
        notify([actor], "series_booked", {"series": series, "booked": booked,
                                          "skipped": [o for o in planned if o.booking is None], "status": status})
        if status == Booking.Status.REQUESTED:
            notify(instrument.platform.managers.all(), "series_to_approve", {"series": series, "booked": booked})
    return series, planned


def series_cancel_rest(*, actor, series: BookingSeries, from_booking: Booking,
                       now: datetime | None = None) -> list[Booking]:
    """Cancel `from_booking` and every later live occurrence of the series, all or none: each must still be
    cancellable by the actor (the booker until the instrument's deadline, its managers always)."""
    now = now or timezone.now()
    if not permissions.can_see_series(actor, series):
        raise NotAllowed(_("You can cancel your own bookings only."))
    with transaction.atomic(durable=True):
        rest = list(Booking.objects.filter(series_occurrence__series=series, status__in=Booking.LIVE,
                                           start__gte=from_booking.start).select_related("instrument__platform")
                    .order_by("start"))
        if not rest or from_booking.pk not in {b.pk for b in rest}:
            raise BookingError(_("This booking can no longer change this way."), "status")
        late = [b for b in rest if not booking_permissions.can_cancel_booking(actor, b, now)]
        if late:
            raise BookingError(_("Too late to cancel: ask the platform's managers (deadline %(h)d hours before).")
                               % {"h": series.instrument.cancel_deadline_hours}, "status")
        updated = Booking.objects.filter(pk__in=[b.pk for b in rest], status__in=Booking.LIVE).update(
            status=Booking.Status.CANCELLED, cancelled_at=now)
        if updated != len(rest):  # one changed meanwhile: nothing is cancelled, the page is shown again
            raise BookingError(_("This booking can no longer change this way."), "status")
        for booking in rest:
            audit_record(actor=actor, action="booking.cancelled", entity_type="booking", entity_key=str(booking.pk),
                         entity_label=str(booking), changes={"status": [booking.status, Booking.Status.CANCELLED]})
            booking.status, booking.cancelled_at = Booking.Status.CANCELLED, now
        audit_record(actor=actor, action="series.cancel_rest", entity_type="booking_series",
                     entity_key=str(series.pk), entity_label=str(series),
                     changes={"cancelled": [None, [b.pk for b in rest]]})
        notify([series.user], "series_cancelled", {"series": series, "cancelled": rest})
    return rest
