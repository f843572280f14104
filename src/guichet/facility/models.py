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
