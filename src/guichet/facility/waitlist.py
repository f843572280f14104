"""Waitlists: a member waits for a taken slot; when it frees, the first in line is offered it for
GUICHET_WAITLIST_OFFER_MINUTES by e-mail, then the next. Every step is a compare-and-set on the entry's
status, and one offer per slot is a unique constraint, so of two clocks (or a double click) one wins; the
claim then takes the slot under the no-overlap rule of every booking: one slot, one taker.

waitlist_sweep runs on the worker's clock (core.jobs.run_periodic): a slot freed by any cancellation is
offered at the next tick.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.selectors import organization_of
from guichet.bookings import permissions as booking_permissions
from guichet.bookings.models import Booking
from guichet.bookings.services import (
    BookingError,
    NotAllowed,
    NotTrained,
    _aware,
    booking_insert_within,
    check_rules,
    is_trained,
)
from guichet.core.audit import audit_record
from guichet.core.mail import notify

from .models import WaitlistEntry

Status = WaitlistEntry.Status


class WaitlistError(BookingError):
    """A refused waitlist step, naming the field."""


def offer_minutes() -> int:
    return settings.GUICHET_WAITLIST_OFFER_MINUTES


def _taken(instrument, start, end) -> bool:
    buffer = timedelta(minutes=instrument.buffer_minutes)
    found = Booking.objects.filter(instrument=instrument, status__in=Booking.LIVE, start__lt=end + buffer,
                                   blocked_until__gt=start)
    return found.exists()


def _audit(entry, action, changes, actor=None):
    audit_record(actor=actor, action=f"waitlist.{action}", entity_type="waitlist_entry", entity_key=str(entry.pk),
                 entity_label=str(entry), changes=changes)


def waitlist_join(*, actor, instrument, start: datetime, end: datetime, now: datetime | None = None) -> WaitlistEntry:
    """Wait for a taken slot (on the instrument's rules, as a booking of it would be)."""
    now = now or timezone.now()
    start, end = _aware(start), _aware(end, "end")
    if not booking_permissions.can_book(actor):
        raise NotAllowed(_("Log in as a member of the network to book."))
    if not booking_permissions.can_manage_instrument(actor, instrument) and not is_trained(actor, instrument, start):
        raise NotTrained(_("You are not trained on this instrument (or your training has expired). Ask the "
                           "platform's managers for a training session."), "instrument")
    check_rules(instrument, start, end, now)
    if not _taken(instrument, start, end):
        raise WaitlistError(_("This slot is free: book it directly."), "start")
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                entry = WaitlistEntry.objects.create(instrument=instrument, user=actor, start=start, end=end,
                                                     created_at=now)
        except IntegrityError:
            raise WaitlistError(_("You are already on the waitlist of this slot."), "start") from None
        _audit(entry, "join", {"start": [None, start.isoformat()], "end": [None, end.isoformat()]}, actor)
    return entry


def position(entry: WaitlistEntry) -> int:
    """1 for the first in line."""
    return WaitlistEntry.objects.filter(instrument=entry.instrument_id, start=entry.start, end=entry.end,
                                        status__in=WaitlistEntry.LIVE, created_at__lte=entry.created_at
                                        ).exclude(created_at=entry.created_at, pk__gt=entry.pk).count()


def waitlist_leave(*, actor, entry: WaitlistEntry) -> WaitlistEntry:
    if entry.user_id != actor.pk:
        raise NotAllowed(_("You can leave your own waitlists only."))
    with transaction.atomic(durable=True):
        if not WaitlistEntry.objects.filter(pk=entry.pk, status__in=WaitlistEntry.LIVE).update(
                status=Status.WITHDRAWN):
            raise WaitlistError(_("You are no longer on this waitlist."), "status")
        _audit(entry, "leave", {"status": [entry.status, Status.WITHDRAWN]}, actor)
    entry.status = Status.WITHDRAWN
    return entry


def waitlist_claim(*, actor, entry: WaitlistEntry, now: datetime | None = None) -> Booking:
    """Take the slot offered: the entry goes offered → booked by compare-and-set (the offer must not have
    expired), and the slot is taken under the no-overlap rule, in one transaction: a slot booked by
    someone else meanwhile is refused (SlotUnavailable) and the offer stays until the clock moves on."""
    now = now or timezone.now()
    if entry.user_id != actor.pk:
        raise NotAllowed(_("This offer is someone else's."))
    instrument = entry.instrument
    status = Booking.Status.REQUESTED if instrument.approval_required and not \
        booking_permissions.can_manage_instrument(actor, instrument) else Booking.Status.CONFIRMED
    with transaction.atomic(durable=True):
        if not WaitlistEntry.objects.filter(pk=entry.pk, user=actor, status=Status.OFFERED,
                                            offer_expires_at__gt=now).update(status=Status.BOOKED):
            raise WaitlistError(_("This offer has expired or was already taken."), "status")
        booking = booking_insert_within(actor=actor, instrument=instrument, start=entry.start, end=entry.end,
                                        status=status, organization=organization_of(actor), now=now)
        WaitlistEntry.objects.filter(pk=entry.pk).update(booking=booking)
        _audit(entry, "claim", {"status": [Status.OFFERED, Status.BOOKED], "booking": [None, booking.pk]}, actor)
        notify([actor], "booking_confirmed" if status == Booking.Status.CONFIRMED else "booking_requested",
               {"booking": booking})
    entry.status, entry.booking = Status.BOOKED, booking
    return booking


def _offer(entry: WaitlistEntry, now: datetime) -> bool:
    """Offer the slot to this entry (waiting → offered), unless another offer for the slot stands."""
    try:
        with transaction.atomic():
            expires = now + timedelta(minutes=offer_minutes())
            if not WaitlistEntry.objects.filter(pk=entry.pk, status=Status.WAITING).update(
                    status=Status.OFFERED, offered_at=now, offer_expires_at=expires):
                return False
            entry.status, entry.offered_at, entry.offer_expires_at = Status.OFFERED, now, expires
            _audit(entry, "offer", {"status": [Status.WAITING, Status.OFFERED],
                                    "offer_expires_at": [None, expires.isoformat()]})
            notify([entry.user], "waitlist_offer", {"entry": entry, "minutes": offer_minutes()})
    except IntegrityError:  # another clock offered this slot a moment ago
        return False
    return True


def waitlist_sweep(*, now: datetime | None = None) -> dict:
    """The clock's step: lapse the offers past their time and the entries whose slot has begun, put back in
    line an offer whose slot was booked meanwhile, and offer each freed slot to the first in line."""
    now = now or timezone.now()
    done = {"expired": 0, "requeued": 0, "offered": 0}
    with transaction.atomic():
        for entry in WaitlistEntry.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now):
            if WaitlistEntry.objects.filter(pk=entry.pk, status=Status.OFFERED).update(status=Status.EXPIRED):
                _audit(entry, "expire", {"status": [Status.OFFERED, Status.EXPIRED]})
                notify([entry.user], "waitlist_expired", {"entry": entry})
                done["expired"] += 1
        # A slot released after its start (a no-show) can still be used until its end.
        done["expired"] += WaitlistEntry.objects.filter(status__in=WaitlistEntry.LIVE, end__lte=now).update(
            status=Status.EXPIRED)
    offered_slot = WaitlistEntry.objects.filter(instrument=OuterRef("instrument"), start=OuterRef("start"),
                                                end=OuterRef("end"), status=Status.OFFERED)
    for entry in WaitlistEntry.objects.filter(status=Status.OFFERED).select_related("instrument"):
        if _taken(entry.instrument, entry.start, entry.end):
            with transaction.atomic():
                if WaitlistEntry.objects.filter(pk=entry.pk, status=Status.OFFERED).update(
                        status=Status.WAITING, offered_at=None, offer_expires_at=None):
                    _audit(entry, "requeue", {"status": [Status.OFFERED, Status.WAITING]})
                    done["requeued"] += 1
    seen = set()
    waiting = (WaitlistEntry.objects.filter(status=Status.WAITING).exclude(Exists(offered_slot))
               .select_related("instrument__platform", "user").order_by("created_at", "id"))
    for entry in waiting:
        slot = (entry.instrument_id, entry.start, entry.end)
        if slot in seen:
            continue
        seen.add(slot)
        if not _taken(entry.instrument, entry.start, entry.end) and _offer(entry, now):
            done["offered"] += 1
    return done


def waitlist_remove(*, actor, entry: WaitlistEntry) -> WaitlistEntry:
    """The instrument's managers (or staff, from the admin) take a place out of line; the member is told."""
    if not booking_permissions.can_manage_instrument(actor, entry.instrument):
        raise NotAllowed(_("Only the platform's managers take a place out of a waitlist."))
    with transaction.atomic(durable=True):
        if not WaitlistEntry.objects.filter(pk=entry.pk, status__in=WaitlistEntry.LIVE).update(
                status=Status.WITHDRAWN):
            raise WaitlistError(_("This place is no longer in line."), "status")
        _audit(entry, "remove", {"status": [entry.status, Status.WITHDRAWN]}, actor)
    entry.status = Status.WITHDRAWN
    return entry
