"""Actual use: check-in and check-out at the instrument (kiosk page, QR code), auto-release of no-shows on the
worker's clock, managers' audited corrections, and what a booking costs under its instrument's BillingRule
(booked, used or the greater of both, with a minimum; late-cancellation and no-show fees)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.bookings import permissions as booking_permissions
from guichet.bookings.models import Booking
from guichet.bookings.selectors import booked_amount
from guichet.bookings.services import BookingError, NotAllowed
from guichet.core import params
from guichet.core.audit import audit_record
from guichet.core.mail import notify

from .models import BillingRule, Usage

# A member may check in this long before the start (the instrument is usually free a little earlier);
# PPMS and iLab kiosks allow 10 to 15 minutes.
EARLY_CHECK_IN_MINUTES = 15
CENT = Decimal("0.01")
REASON_MAX = 300


def rule_for(instrument) -> BillingRule:
    """The instrument's rule, or the default one (booked time, nothing else), unsaved."""
    try:
        return instrument.billing_rule
    except BillingRule.DoesNotExist:
        return BillingRule(instrument=instrument)


RULE_FIELDS = ("mode", "minimum_minutes", "release_after_minutes", "late_cancel_hours", "late_cancel_fee_percent",
               "no_show_fee_percent")


def billing_rule_save(*, actor, instrument, **values) -> BillingRule:
    if not booking_permissions.can_manage_instrument(actor, instrument):
        raise NotAllowed(_("Only the platform's managers set how an instrument is billed."))
    with transaction.atomic(durable=True):
        rule = BillingRule.objects.select_for_update().filter(instrument=instrument).first() or \
            BillingRule(instrument=instrument)
        before = {f: getattr(rule, f) for f in RULE_FIELDS}
        for name in RULE_FIELDS:
            setattr(rule, name, values[name])
        rule.save()
        audit_record(actor=actor, action="billing_rule.save", entity_type="instrument", entity_key=instrument.key,
                     entity_label=str(instrument),
                     changes={f: [before[f], getattr(rule, f)] for f in RULE_FIELDS if before[f] != getattr(rule, f)})
    return rule


def _party(actor, booking):
    if not booking_permissions.is_booking_party(actor, booking):
        raise NotAllowed(_("You can check in for your own bookings only."))


def check_in(*, actor, booking: Booking, now: datetime | None = None) -> Usage:
    now = now or timezone.now()
    _party(actor, booking)
    if booking.kind != Booking.Kind.BOOKING or booking.status != Booking.Status.CONFIRMED:
        raise BookingError(_("Only a confirmed booking can be checked in."), "status")
    if now < booking.start - timedelta(minutes=EARLY_CHECK_IN_MINUTES):
        raise BookingError(_("Check in at most %(n)d minutes before the start.") % {"n": EARLY_CHECK_IN_MINUTES},
                           "start")
    if now >= booking.end:
        raise BookingError(_("This booking is over."), "end")
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                usage = Usage.objects.create(booking=booking, checked_in_at=max(now, booking.start),
                                             checked_in_by=actor)
        except IntegrityError:
            raise BookingError(_("This booking is already checked in."), "status") from None
        audit_record(actor=actor, action="usage.check_in", entity_type="booking", entity_key=str(booking.pk),
                     entity_label=str(booking), changes={"checked_in_at": [None, usage.checked_in_at.isoformat()]})
    return usage


def check_out(*, actor, booking: Booking, now: datetime | None = None) -> Usage:
    """The end of use; the booking is completed (for the statements)."""
    now = now or timezone.now()
    _party(actor, booking)
    with transaction.atomic(durable=True):
        usage = Usage.objects.select_for_update().filter(booking=booking).first()
        if usage is None:
            raise BookingError(_("Check in first."), "status")
        if usage.checked_out_at is not None:
            raise BookingError(_("This booking is already checked out."), "status")
        usage.checked_out_at = max(now, usage.checked_in_at)
        usage.save(update_fields=["checked_out_at"])
        Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).update(
            status=Booking.Status.COMPLETED)
        audit_record(actor=actor, action="usage.check_out", entity_type="booking", entity_key=str(booking.pk),
                     entity_label=str(booking), changes={"checked_out_at": [None, usage.checked_out_at.isoformat()]})
    return usage


def usage_correct(*, actor, booking: Booking, checked_in_at: datetime, checked_out_at: datetime, reason: str) -> Usage:
    """A manager records or corrects the times of use, with a reason (kept on the usage and in the log)."""
    if not booking_permissions.can_manage_instrument(actor, booking.instrument):
        raise NotAllowed(_("Only the platform's managers correct a usage."))
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(_("Say why the usage is corrected."), "reason")
    if message := params.text_error(reason, max_length=REASON_MAX, label=_("Reason")):
        raise BookingError(message, "reason")
    if checked_out_at < checked_in_at:
        raise BookingError(_("The check-out comes after the check-in."), "checked_out_at")
    if checked_out_at - checked_in_at > timedelta(days=1):
        raise BookingError(_("A usage lasts at most one day."), "checked_out_at")
    if booking.kind != Booking.Kind.BOOKING or booking.status == Booking.Status.CANCELLED:
        raise BookingError(_("A cancelled booking has no usage."), "status")
    with transaction.atomic(durable=True):
        usage = Usage.objects.select_for_update().filter(booking=booking).first()
        before = [usage.checked_in_at.isoformat(), usage.checked_out_at.isoformat() if usage.checked_out_at
                  else None] if usage else [None, None]
        if usage is None:
            usage = Usage(booking=booking, checked_in_by=actor)
        usage.checked_in_at, usage.checked_out_at, usage.correction_reason = checked_in_at, checked_out_at, reason
        usage.save()
        # A booking marked no-show that was in fact used is completed.
        Booking.objects.filter(pk=booking.pk, status__in=[Booking.Status.CONFIRMED, Booking.Status.NO_SHOW]).update(
            status=Booking.Status.COMPLETED)
        audit_record(actor=actor, action="usage.correct", entity_type="booking", entity_key=str(booking.pk),
                     entity_label=str(booking), changes={
                         "checked_in_at": [before[0], checked_in_at.isoformat()],
                         "checked_out_at": [before[1], checked_out_at.isoformat()], "reason": [None, reason]})
    return usage


def release_no_shows(*, now: datetime | None = None) -> int:
    """The clock's step: a confirmed booking not checked in `release_after_minutes` after its start becomes a
    no-show (compare-and-set, audited, its holder told); the slot is free again for the waitlist's sweep."""
    now = now or timezone.now()
    released = 0
    for rule in BillingRule.objects.filter(release_after_minutes__gt=0).select_related("instrument"):
        late = Booking.objects.filter(instrument=rule.instrument, kind=Booking.Kind.BOOKING,
                                      status=Booking.Status.CONFIRMED, usage__isnull=True,
                                      start__lte=now - timedelta(minutes=rule.release_after_minutes), end__gt=now)
        for booking in late.select_related("user", "instrument__platform"):
            with transaction.atomic():
                if not Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED,
                                              usage__isnull=True).update(status=Booking.Status.NO_SHOW):
                    continue
                audit_record(actor=None, action="booking.no_show", entity_type="booking", entity_key=str(booking.pk),
                             entity_label=str(booking), changes={"status": [Booking.Status.CONFIRMED,
                                                                            Booking.Status.NO_SHOW]})
                notify([booking.user], "booking_released", {"booking": booking,
                                                            "minutes": rule.release_after_minutes})
                released += 1
    return released


@dataclass
class Charge:
    booked_minutes: int
    used_minutes: int | None
    billed_minutes: int
    amount: Decimal  # the use
    fee: Decimal  # late cancellation or no-show
    fee_kind: str  # "", "late_cancel" or "no_show"

    @property
    def total(self) -> Decimal:
        return self.amount + self.fee


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _price(instrument, minutes: int, category: str) -> Decimal:
    return booked_amount(instrument, Decimal(minutes) / Decimal(60), category)


def charge(booking: Booking, category: str, rule: BillingRule | None = None) -> Charge:
    """What a booking costs the customer of this price list under its instrument's rule."""
    rule = rule or rule_for(booking.instrument)
    booked = _minutes(booking.end - booking.start)
    try:
        usage = booking.usage
    except Usage.DoesNotExist:
        usage = None
    used = None
    if usage is not None:
        used = _minutes((usage.checked_out_at or booking.end) - usage.checked_in_at)
    zero = Decimal("0.00")
    if booking.status == Booking.Status.CANCELLED:
        late = rule.late_cancel_hours and booking.cancelled_at and \
            booking.cancelled_at > booking.start - timedelta(hours=rule.late_cancel_hours)
        if late and rule.late_cancel_fee_percent:
            fee = (_price(booking.instrument, booked, category) * rule.late_cancel_fee_percent / 100).quantize(
                CENT, ROUND_HALF_UP)
            return Charge(booked, None, 0, zero, fee, "late_cancel")
        return Charge(booked, None, 0, zero, zero, "")
    if booking.status == Booking.Status.NO_SHOW and usage is None:
        fee = (_price(booking.instrument, booked, category) * rule.no_show_fee_percent / 100).quantize(
            CENT, ROUND_HALF_UP)
        return Charge(booked, None, 0, zero, fee, "no_show" if fee else "")
    if rule.mode == BillingRule.Mode.USED:
        billed = used if used is not None else booked
    elif rule.mode == BillingRule.Mode.GREATER:
        billed = max(booked, used or 0)
    else:
        billed = booked
    billed = max(billed, rule.minimum_minutes)
    return Charge(booked, used, billed, _price(booking.instrument, billed, category), zero, "")
