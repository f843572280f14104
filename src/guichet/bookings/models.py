import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.core.fields import TolerantDecimalField


def booked_hours(length: timedelta) -> Decimal:
    """The hours a booking of this length counts, to the hundredth: `Booking.hours`, and the usage KPIs that
    group bookings by length in the database."""
    return (Decimal(length.total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))


class TrainingAuthorization(models.Model):
    """A user may book an instrument that requires training: granted by a manager, until it expires."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainings")
    instrument = models.ForeignKey("platforms.Instrument", on_delete=models.CASCADE, related_name="trainings")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("training authorization")
        verbose_name_plural = _("training authorizations")

    def __str__(self):
        return f"{self.user} · {self.instrument}"

    def is_valid(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


class Booking(models.Model):
    """A slot of an instrument: a user's booking, or a manager's blackout (maintenance).

    Live rows (requested or confirmed) never overlap for one instrument, counting the instrument's buffer:
    PostgreSQL enforces it with an exclusion constraint on tstzrange(start, blocked_until) (migration
    0002); SQLite serializes writers (BEGIN IMMEDIATE) and booking_create checks inside that transaction.
    """

    class Kind(models.TextChoices):
        BOOKING = "booking", _("Booking")
        BLACKOUT = "blackout", _("Unavailable (maintenance)")
        EVENT = "event", _("Event session")  # a room held by an event's session (events.services)
        # --- hosting spaces (issue 13) --- an office or bench let to a company (hosting.services)
        CONTRACT = "contract", _("Hosting contract")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")

    LIVE = (Status.REQUESTED, Status.CONFIRMED)

    instrument = models.ForeignKey("platforms.Instrument", on_delete=models.PROTECT, related_name="bookings")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BOOKING)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    organization = models.ForeignKey("directory.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="bookings", verbose_name=_("organization"))
    cost_centre = models.CharField(_("cost centre"), max_length=60, blank=True)
    # --- groups (issue 12) --- the project (grant) that pays; checked by groups.services.project_charge.
    project = models.ForeignKey("groups.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="bookings", verbose_name=_("project"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    blocked_until = models.DateTimeField(help_text="end + the instrument's buffer: what the no-overlap rule uses")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["instrument", "start"], name="booking_instrument_start")]
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="booking_start_before_end"),
            models.CheckConstraint(condition=models.Q(end__lte=models.F("blocked_until")),
                                   name="booking_blocked_after_end"),
        ]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self):
        # In the platform's time (Paris), as every page says it: the audit log's labels showed UTC.
        return f"{self.instrument} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> Decimal:
        return booked_hours(self.end - self.start)


class FeedToken(models.Model):
    """An unguessable, revocable address for an ICS feed (a user's bookings, or an instrument's)."""

    token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="feed_tokens")
    instrument = models.ForeignKey("platforms.Instrument", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="feed_tokens")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(user__isnull=False, instrument__isnull=True)
            | models.Q(user__isnull=True, instrument__isnull=False), name="feed_token_one_subject")]

    def __str__(self):
        return f"feed {self.token[:6]}…"


class ServiceOrder(models.Model):
    """A staff-run service ordered by a member: request → quote → accepted → in progress → delivered."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        QUOTED = "quoted", _("Quoted")
        ACCEPTED = "accepted", _("Quote accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    service = models.ForeignKey("platforms.Service", on_delete=models.PROTECT, related_name="orders")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_orders")
    organization = models.ForeignKey("directory.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="service_orders")
    cost_centre = models.CharField(_("cost centre"), max_length=60, blank=True)
    # --- groups (issue 12) --- the project (grant) that pays; checked by groups.services.project_charge.
    project = models.ForeignKey("groups.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="service_orders", verbose_name=_("project"))
    customer_category = models.CharField(_("price list"), max_length=10)
    description = models.TextField(_("work to do"), max_length=5000)
    quantity = TolerantDecimalField(_("quantity"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    desk_request = models.ForeignKey("desk.Need", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="service_orders")
    attachment = models.FileField(upload_to="orders/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(quantity__gt=0, quantity__lte=bounds.MAX_ORDER_QUANTITY),
            name="service_order_quantity_in_bounds")]
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")

    def __str__(self):
        return f"{self.reference} {self.service}"

    @property
    def reference(self) -> str:
        return f"O-{self.created_at:%Y}-{self.pk:05d}"

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.quote_lines.all()), Decimal("0.00"))


class QuoteLine(models.Model):
    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="quote_lines")
    label = models.CharField(_("line"), max_length=200)
    # Tolerant: a row stored out of range before the constraints must not take the statements down.
    quantity = TolerantDecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = TolerantDecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = TolerantDecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="quote_line_non_negative"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0, quantity__lte=bounds.MAX_ORDER_QUANTITY,
                                                      unit_price__gte=0, unit_price__lte=bounds.MAX_UNIT_PRICE_EUR),
                                   name="quote_line_in_bounds"),
        ]

    def __str__(self):
        return self.label


class OrderStatusChange(models.Model):
    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order_id}: {self.get_to_status_display()}"

    def get_to_status_display(self):
        return dict(ServiceOrder.Status.choices).get(self.to_status, self.to_status)
