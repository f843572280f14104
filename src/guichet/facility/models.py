"""Facility operations around the bookings engine: recurring series (more to come: waitlists, usage)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .recurrence import RULE_MAX


class BookingSeries(models.Model):
    """A recurring booking: an RFC 5545 rule from a first start, each occurrence booked as a
    bookings.Booking (the no-overlap rule of every booking applies to each one)."""

    instrument = models.ForeignKey("platforms.Instrument", on_delete=models.PROTECT, related_name="booking_series",
                                   verbose_name=_("instrument"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="booking_series",
                             verbose_name=_("booked by"))
    rule = models.CharField(_("recurrence rule"), max_length=RULE_MAX, help_text="RFC 5545 RRULE, Paris time")
    first_start = models.DateTimeField(_("first start"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    cost_centre = models.CharField(_("cost centre"), max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(duration_minutes__gt=0),
                                              name="series_duration_positive")]
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")

    def __str__(self):
        return f"{self.instrument} · {self.rule}"


class SeriesOccurrence(models.Model):
    """One booked occurrence of a series (an occurrence that was taken or outside the rules is not booked)."""

    series = models.ForeignKey(BookingSeries, on_delete=models.CASCADE, related_name="occurrences")
    booking = models.OneToOneField("bookings.Booking", on_delete=models.PROTECT, related_name="series_occurrence")

    class Meta:
        ordering = ["booking__start"]

    def __str__(self):
        return f"{self.series_id}: {self.booking}"


class WaitlistEntry(models.Model):
    """A member waiting for a taken slot. When it frees, the first in line is offered it for a limited time
    (facility.waitlist.waitlist_sweep, on the worker's clock), then the next; one offer per slot at a time."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered")
        BOOKED = "booked", _("Booked")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE = (Status.WAITING, Status.OFFERED)

    instrument = models.ForeignKey("platforms.Instrument", on_delete=models.CASCADE, related_name="waitlist",
                                   verbose_name=_("instrument"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING,
                              db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    booking = models.OneToOneField("bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="waitlist_entry")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="waitlist_start_before_end"),
            # One place in line per person and slot; one offer per slot at a time: two clocks racing to
            # offer the same freed slot cannot both succeed.
            models.UniqueConstraint(fields=["instrument", "user", "start", "end"],
                                    condition=models.Q(status__in=["waiting", "offered"]),
                                    name="waitlist_one_live_entry_per_user"),
            models.UniqueConstraint(fields=["instrument", "start", "end"], condition=models.Q(status="offered"),
                                    name="waitlist_one_offer_per_slot"),
        ]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")

    def __str__(self):
        return f"{self.instrument} {self.start:%Y-%m-%d %H:%M} · {self.user}"


class BillingRule(models.Model):
    """How an instrument's use is billed and what it costs to miss it (set by its platform's managers);
    an instrument without one bills booked time, with no minimum, no auto-release and no fee."""

    class Mode(models.TextChoices):
        BOOKED = "booked", _("Booked time")
        USED = "used", _("Used time")
        GREATER = "greater", _("The greater of booked and used time")

    instrument = models.OneToOneField("platforms.Instrument", on_delete=models.CASCADE, related_name="billing_rule",
                                      verbose_name=_("instrument"))
    mode = models.CharField(_("billing on"), max_length=8, choices=Mode.choices, default=Mode.BOOKED)
    minimum_minutes = models.PositiveIntegerField(_("minimum billed (minutes)"), default=0)
    release_after_minutes = models.PositiveIntegerField(
        _("release a booking not checked in after (minutes; 0: never)"), default=0)
    late_cancel_hours = models.PositiveIntegerField(_("late cancellation: less than (hours before)"), default=0)
    late_cancel_fee_percent = models.PositiveIntegerField(_("late cancellation fee (percent of the booked price)"),
                                                          default=0)
    no_show_fee_percent = models.PositiveIntegerField(_("no-show fee (percent of the booked price)"), default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(late_cancel_fee_percent__lte=100,
                                                                 no_show_fee_percent__lte=100,
                                                                 minimum_minutes__lte=24 * 60,
                                                                 release_after_minutes__lte=24 * 60),
                                              name="billing_rule_in_bounds")]
        verbose_name = _("billing rule")
        verbose_name_plural = _("billing rules")

    def __str__(self):
        return f"{self.instrument} · {self.mode}"


class Usage(models.Model):
    """What happened at the instrument: check-in and check-out (kiosk or QR code), or a manager's correction."""

    booking = models.OneToOneField("bookings.Booking", on_delete=models.CASCADE, related_name="usage")
    checked_in_at = models.DateTimeField(_("checked in"))
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(checked_out_at__isnull=True) | models.Q(checked_out_at__gte=models.F("checked_in_at")),
            name="usage_out_after_in")]
        verbose_name = _("usage")
        verbose_name_plural = _("usages")

    def __str__(self):
        return f"{self.booking_id}: {self.checked_in_at:%H:%M}"
