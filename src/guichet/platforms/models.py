import datetime

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guichet.directory.models import PUBLIC_KINDS, KeyedRecord, Organization


class CustomerCategory(models.TextChoices):
    ACADEMIC = "academic", _("Academic")
    STARTUP = "startup", _("Start-up")
    INDUSTRY = "industry", _("Industry")


class ServiceUnit(models.TextChoices):
    HOUR = "hour", _("hour")
    DAY = "day", _("day")
    SAMPLE = "sample", _("sample")
    PROJECT = "project", _("project")


def customer_category(organization) -> str:
    """The price list an organization pays: academic bodies, start-ups, and industry for everyone else."""
    return kind_category(organization.kind if organization is not None else None)


def kind_category(kind: str | None) -> str:
    """The price list of an organization's kind (None: no organization, industry's); read by `customer_category`
    and by the revenue KPI, which groups bookings by their organization's kind in the database."""
    if kind in PUBLIC_KINDS:
        return CustomerCategory.ACADEMIC
    if kind == "startup":
        return CustomerCategory.STARTUP
    return CustomerCategory.INDUSTRY


class Platform(KeyedRecord):
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="platforms")
    description = models.TextField(_("description"), blank=True, max_length=20000)
    managers = models.ManyToManyField("accounts.User", blank=True, related_name="managed_platforms",
                                      verbose_name=_("managers"))

    class Meta(KeyedRecord.Meta):
        verbose_name = _("technology platform")
        verbose_name_plural = _("technology platforms")

    def get_absolute_url(self):
        return reverse("platforms:detail", args=[self.key])


class Service(KeyedRecord):
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.CASCADE,
                                 related_name="services")
    description = models.TextField(_("description"), blank=True, max_length=20000)
    unit = models.CharField(_("unit"), max_length=10, choices=ServiceUnit.choices, blank=True)
    price_academic = models.DecimalField(_("academic price"), max_digits=12, decimal_places=2, null=True, blank=True)
    price_startup = models.DecimalField(_("start-up price"), max_digits=12, decimal_places=2, null=True, blank=True)
    price_industry = models.DecimalField(_("industry price"), max_digits=12, decimal_places=2, null=True,
                                         blank=True)

    class Meta(KeyedRecord.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(price_academic__isnull=True) | models.Q(price_academic__gte=0))
                & (models.Q(price_startup__isnull=True) | models.Q(price_startup__gte=0))
                & (models.Q(price_industry__isnull=True) | models.Q(price_industry__gte=0)),
                name="service_prices_non_negative",
            )
        ]


class Instrument(KeyedRecord):
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.CASCADE,
                                 related_name="instruments")
    description = models.TextField(_("description"), blank=True, max_length=20000)
    requires_training = models.BooleanField(_("requires training"), default=False)
    # Booking rules, set by the platform's managers (not part of directory-v1).
    bookable = models.BooleanField(_("bookable"), default=True)
    approval_required = models.BooleanField(_("approval required"), default=False)
    opens_at = models.TimeField(_("opens at"), default=datetime.time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=datetime.time(20, 0))
    open_weekdays = models.CharField(_("open weekdays"), max_length=7, default="12345",
                                     help_text=_("ISO weekday numbers, 1 = Monday … 7 = Sunday."))
    min_duration = models.PositiveIntegerField(_("minimum duration (minutes)"), default=30)
    max_duration = models.PositiveIntegerField(_("maximum duration (minutes)"), default=8 * 60)
    slot_minutes = models.PositiveIntegerField(_("slot length (minutes)"), default=30)
    min_notice = models.PositiveIntegerField(_("minimum notice (minutes)"), default=60)
    max_advance_days = models.PositiveIntegerField(_("maximum advance (days)"), default=90)
    cancel_deadline_hours = models.PositiveIntegerField(_("cancellation deadline (hours before)"), default=24)
    buffer_minutes = models.PositiveIntegerField(_("buffer between bookings (minutes)"), default=0)
    hourly_academic = models.DecimalField(_("hourly rate, academic"), max_digits=10, decimal_places=2, default=0)
    hourly_startup = models.DecimalField(_("hourly rate, start-up"), max_digits=10, decimal_places=2, default=0)
    hourly_industry = models.DecimalField(_("hourly rate, industry"), max_digits=10, decimal_places=2, default=0)

    class Meta(KeyedRecord.Meta):
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.CheckConstraint(condition=models.Q(min_duration__lte=models.F("max_duration")),
                                   name="instrument_durations_ordered"),
            models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")),
                                   name="instrument_hours_ordered"),
        ]

    def hourly_rate(self, category: str):
        return getattr(self, f"hourly_{category}")


# What a platform's managers set on an instrument (bookings.forms.InstrumentRulesForm edits exactly these).
RULE_FIELDS = ("bookable", "requires_training", "approval_required", "opens_at", "closes_at", "open_weekdays",
               "slot_minutes", "min_duration", "max_duration", "min_notice", "max_advance_days",
               "cancel_deadline_hours", "buffer_minutes", "hourly_academic", "hourly_startup", "hourly_industry")


def instrument_rules(instrument: Instrument) -> dict:
    """The rules as plain values, for the audit diff (rates and hours included)."""
    return {f: (str(v) if v is not None and not isinstance(v, (bool, int, str)) else v)
            for f in RULE_FIELDS for v in [getattr(instrument, f)]}
