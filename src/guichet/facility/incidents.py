"""Incidents (issue 13, item 4): a manager declares an instrument down from now until it is expected back;
in one transaction the period is blocked, the bookings it hits are cancelled, and each of their users is
e-mailed at once (the outbox, in their language) with the nearest free slots of the same length after the
instrument is back, which they take from the offer's page. The log per instrument gives the usage report its
downtime."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.selectors import organization_of
from guichet.bookings import permissions as booking_permissions
from guichet.bookings.models import Booking
from guichet.bookings.services import (
    BookingError,
    NotAllowed,
    _aware,
    _booking_transition,
    _insert,
    booking_insert_within,
    check_rules,
)
from guichet.core import params
from guichet.core.audit import audit_record
from guichet.core.mail import notify
from guichet.core.workdays import PARIS

from .models import Incident, IncidentOffer

DESCRIPTION_MAX = 500
# How far an outage may be declared ahead (a longer one is a maintenance plan), and how many slots, within
# how many days after the return, each user is offered (PPMS's incident e-mail proposes a handful).
LONGEST_DAYS = 90
OFFERED_SLOTS = 3
SEARCH_DAYS = 30


class IncidentError(BookingError):
    """A refused incident step, naming the field (translated)."""


def _busy(instrument, start, end, held) -> bool:
    if any(s < end and start < e for s, e in held):
        return True
    return Booking.objects.filter(instrument=instrument, status__in=Booking.LIVE, start__lt=end + timedelta(
        minutes=instrument.buffer_minutes), blocked_until__gt=start).exists()


def nearest_slots(instrument, *, after: datetime, minutes: int, now: datetime, held=(), count=OFFERED_SLOTS):
    """The first `count` free slots of `minutes` from `after`, on the instrument's grid and rules."""
    found, held = [], list(held)
    step = timedelta(minutes=instrument.slot_minutes or 30)
    day = timezone.localtime(after, PARIS).date()
    for _d in range(SEARCH_DAYS):
        cursor = datetime.combine(day, instrument.opens_at, PARIS)
        closing = datetime.combine(day, instrument.closes_at, PARIS)
        while cursor + timedelta(minutes=minutes) <= closing and len(found) < count:
            end = cursor + timedelta(minutes=minutes)
            if cursor >= after:
                try:
                    check_rules(instrument, cursor, end, now)
                except BookingError:
                    pass
                else:
                    if not _busy(instrument, cursor, end, held):
                        found.append((cursor, end))
                        held.append((cursor, end))
            cursor += step
        if len(found) >= count:
            break
        day += timedelta(days=1)
    return found


def incident_declare(*, actor, instrument, description: str, expected_back_at: datetime,
                     now: datetime | None = None) -> Incident:
    if not booking_permissions.can_manage_instrument(actor, instrument):
        raise NotAllowed(_("Only the platform's managers declare an incident."))
    now = now or timezone.now()
    description = (description or "").strip()
    if not description:
        raise IncidentError(_("Say what happened."), "description")
    if message := params.text_error(description, max_length=DESCRIPTION_MAX, label=_("What happened")):
        raise IncidentError(message, "description")
    back = _aware(expected_back_at, "expected_back_at")
    if back <= now:
        raise IncidentError(_("The instrument is expected back later than now."), "expected_back_at")
    if back > now + timedelta(days=LONGEST_DAYS):
        raise IncidentError(_("An incident lasts at most %(n)d days: plan a maintenance period instead.")
                            % {"n": LONGEST_DAYS}, "expected_back_at")
    with transaction.atomic(durable=True):
        if Incident.objects.select_for_update().filter(instrument=instrument, ended_at__isnull=True).exists():
            raise IncidentError(_("An incident is already open on this instrument: end it first."), "instrument")
        hit = list(Booking.objects.filter(instrument=instrument, kind=Booking.Kind.BOOKING, status__in=Booking.LIVE,
                                          start__lt=back, end__gt=now).select_related("user").order_by("start"))
        for booking in hit:
            _booking_transition(booking, actor=actor, to=Booking.Status.CANCELLED, allowed_from=Booking.LIVE,
                                template="", cancelled_at=now, decided_by=actor)
        blackout = _insert(Booking(instrument=instrument, kind=Booking.Kind.BLACKOUT, user=actor, start=now, end=back,
                                   blocked_until=back, status=Booking.Status.CONFIRMED,
                                   note=description[:300]))
        incident = Incident.objects.create(instrument=instrument, description=description, started_at=now,
                                           expected_back_at=back, declared_by=actor, blackout=blackout)
        held = []
        for booking in hit:
            minutes = int((booking.end - booking.start).total_seconds() // 60)
            slots = nearest_slots(instrument, after=back, minutes=minutes, now=now, held=held)
            held += slots
            offer = IncidentOffer.objects.create(incident=incident, cancelled=booking, user=booking.user, slots=[
                [s.isoformat(), e.isoformat()] for s, e in slots])
            notify([booking.user], "incident_offer", {"incident": incident, "booking": booking, "offer": offer,
                                                      "slots": slots})
        audit_record(actor=actor, action="incident.declare", entity_type="instrument", entity_key=instrument.key,
                     entity_label=str(instrument), changes={
                         "expected_back_at": [None, back.isoformat()], "description": [None, description],
                         "cancelled_bookings": [None, [b.pk for b in hit]]})
    return incident


def incident_end(*, actor, incident: Incident, now: datetime | None = None) -> Incident:
    """The instrument is back: the incident ends now and what is left of its blocked period is freed."""
    if not booking_permissions.can_manage_instrument(actor, incident.instrument):
        raise NotAllowed(_("Only the platform's managers declare an incident."))
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        if not Incident.objects.filter(pk=incident.pk, ended_at__isnull=True).update(ended_at=max(now,
                                                                                                 incident.started_at)):
            raise IncidentError(_("This incident is already over."), "ended_at")
        if incident.blackout_id:
            Booking.objects.filter(pk=incident.blackout_id, status__in=Booking.LIVE, end__gt=now).update(
                end=max(now, incident.started_at + timedelta(minutes=1)),
                blocked_until=max(now, incident.started_at + timedelta(minutes=1)))
        audit_record(actor=actor, action="incident.end", entity_type="instrument", entity_key=incident.instrument.key,
                     entity_label=str(incident.instrument), changes={"ended_at": [None, now.isoformat()]})
    incident.refresh_from_db()
    return incident


def offer_slots(offer: IncidentOffer) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in offer.slots]


def offer_take(*, actor, offer: IncidentOffer, index: int, now: datetime | None = None) -> Booking:
    """Book one of the offered slots: the offer goes open → taken by compare-and-set and the slot is taken
    under the no-overlap rule, in one transaction (a slot booked meanwhile is refused, the offer stays open)."""
    if offer.user_id != actor.pk:
        raise NotAllowed(_("This offer is someone else's."))
    slots = offer_slots(offer)
    if not 0 <= index < len(slots):
        raise IncidentError(_("Choose one of the slots offered."), "slot")
    now = now or timezone.now()
    start, end = slots[index]
    instrument = offer.incident.instrument
    check_rules(instrument, start, end, now)
    status = Booking.Status.REQUESTED if instrument.approval_required else Booking.Status.CONFIRMED
    with transaction.atomic(durable=True):
        if not IncidentOffer.objects.filter(pk=offer.pk, status=IncidentOffer.Status.OPEN).update(
                status=IncidentOffer.Status.TAKEN):
            raise IncidentError(_("You have already taken a slot from this offer."), "slot")
        cancelled = offer.cancelled
        booking = booking_insert_within(actor=actor, instrument=instrument, start=start, end=end, status=status,
                                        organization=cancelled.organization or organization_of(actor),
                                        cost_centre=cancelled.cost_centre, now=now)
        IncidentOffer.objects.filter(pk=offer.pk).update(booking=booking)
        audit_record(actor=actor, action="incident.offer_take", entity_type="booking", entity_key=str(booking.pk),
                     entity_label=str(booking), changes={"replaces": [None, cancelled.pk]})
        notify([actor], "booking_confirmed" if status == Booking.Status.CONFIRMED else "booking_requested",
               {"booking": booking})
    offer.status, offer.booking = IncidentOffer.Status.TAKEN, booking
    return booking


def downtime_hours(instrument, start: datetime, end: datetime, now: datetime | None = None):
    """Hours the instrument was down within [start, end): each incident from its start to its end (to its
    expected return, or now, while it is open)."""
    from decimal import Decimal

    now = now or timezone.now()
    total = 0.0
    for incident in Incident.objects.filter(instrument=instrument, started_at__lt=end):
        stop = incident.ended_at or min(incident.expected_back_at, max(now, incident.started_at))
        overlap = (min(stop, end) - max(incident.started_at, start)).total_seconds()
        total += max(overlap, 0)
    return (Decimal(total) / 3600).quantize(Decimal("0.01"))
