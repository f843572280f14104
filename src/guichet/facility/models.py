"""Facility operations around the bookings engine: recurring series (more to come: waitlists, usage)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.core.i18n import in_reader_language
from guichet.platforms.models import CustomerCategory

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


# --- invoices (issue 13, item 7) ---
class VatRate(models.Model):
    """The VAT a price list pays (staff set it; a price list without one pays invoicing.DEFAULT_VAT_PERCENT)."""

    category = models.CharField(_("price list"), max_length=10, choices=CustomerCategory.choices, unique=True)
    percent = models.DecimalField(_("VAT (percent)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["category"]
        constraints = [models.CheckConstraint(condition=models.Q(percent__gte=0, percent__lte=100),
                                              name="vat_rate_percent_in_bounds")]
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")

    def __str__(self):
        return f"{self.get_category_display()} · {self.percent} %"


class AccountingCode(models.Model):
    """The revenue account a platform's sales to one price list are booked to (the finance office's code)."""

    platform = models.ForeignKey("platforms.Platform", on_delete=models.CASCADE, related_name="accounting_codes",
                                 verbose_name=_("platform"))
    category = models.CharField(_("price list"), max_length=10, choices=CustomerCategory.choices)
    code = models.CharField(_("accounting code"), max_length=30)

    class Meta:
        ordering = ["platform__name", "category"]
        constraints = [models.UniqueConstraint(fields=["platform", "category"], name="accounting_code_once")]
        verbose_name = _("accounting code")
        verbose_name_plural = _("accounting codes")

    def __str__(self):
        return f"{self.platform} · {self.get_category_display()} · {self.code}"


class BillingProfile(models.Model):
    """What an invoice to an organization carries: its language, billing address and purchase order number
    (external clients' finance offices pay only invoices that quote their order)."""

    organization = models.OneToOneField("directory.Organization", on_delete=models.CASCADE,
                                        related_name="billing_profile", verbose_name=_("organization"))
    language = models.CharField(_("language of its invoices"), max_length=2, choices=settings.LANGUAGES,
                                default="fr")
    purchase_order = models.CharField(_("purchase order number"), max_length=60, blank=True)
    address = models.TextField(_("billing address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")

    def __str__(self):
        return str(self.organization)


class AccountingExport(models.Model):
    """The finance office's column mapping for the accounting CSV: one `Header = field` a line (a single row)."""

    columns = models.TextField(_("columns"), max_length=4000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("accounting export")
        verbose_name_plural = _("accounting export")

    def __str__(self):
        return str(_("accounting export"))


class InvoiceCounter(models.Model):
    """The last number given in a year: locked (select_for_update) by the transaction that issues the next one,
    so numbers follow each other without a gap even when staff close months at the same moment."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class MonthClosing(models.Model):
    """A month whose statements became invoices (once: the unique month refuses a second closing)."""

    year = models.PositiveIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    closed_at = models.DateTimeField(_("closed"), default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="month_closed_once"),
                       models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12),
                                              name="month_closing_month_valid")]
        verbose_name = _("month closing")
        verbose_name_plural = _("month closings")

    def __str__(self):
        return f"{self.year}-{self.month:02d}"


class Invoice(models.Model):
    """An invoice or a credit note: issued once, never edited (a correction is a credit note that refers to
    the invoice it cancels). The customer's details are copied in, as they were on the day it was issued."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit", _("Credit note")

    number = models.CharField(_("number"), max_length=20, unique=True)
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.INVOICE)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes",
                                 verbose_name=_("corrects"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    closing = models.ForeignKey(MonthClosing, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="invoices")
    period = models.CharField(_("period"), max_length=7)  # YYYY-MM: the month billed
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="invoices",
                                     verbose_name=_("customer"))
    customer_name = models.CharField(_("customer"), max_length=300)
    customer_address = models.TextField(_("billing address"), max_length=500, blank=True)
    category = models.CharField(_("price list"), max_length=10, choices=CustomerCategory.choices)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fr")
    purchase_order = models.CharField(_("purchase order number"), max_length=60, blank=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    net = models.DecimalField(_("amount excluding VAT"), max_digits=14, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2)
    gross = models.DecimalField(_("amount including VAT"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_sequence_once"),
            # One credit note cancels an invoice, once.
            models.UniqueConstraint(fields=["corrects"], condition=models.Q(kind="credit"),
                                    name="invoice_credited_once"),
            models.CheckConstraint(condition=models.Q(kind="invoice", corrects__isnull=True)
                                   | models.Q(kind="credit", corrects__isnull=False),
                                   name="credit_note_corrects_an_invoice"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self):
        return f"{self.number} · {self.customer_name}"


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        BOOKING = "booking", _("Booking")
        NO_SHOW = "no_show", _("No-show fee")
        LATE_CANCEL = "late_cancel", _("Late cancellation fee")
        SERVICE = "service", _("Service")
        CONSUMABLE = "consumable", _("Consumable")  # --- consumables (issue 13, item 6) ---
        RENT = "rent", _("Rent")  # --- hosting rent (issue 13, item 8) --- a contract's monthly price

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateTimeField(_("date"))
    label = models.CharField(_("label"), max_length=400)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    net = models.DecimalField(_("amount excluding VAT"), max_digits=14, decimal_places=2)
    vat_percent = models.DecimalField(_("VAT (percent)"), max_digits=5, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2)
    platform = models.ForeignKey("platforms.Platform", on_delete=models.SET_NULL, null=True, related_name="+")
    accounting_code = models.CharField(_("accounting code"), max_length=30, blank=True)
    cost_centre = models.CharField(_("cost centre"), max_length=60, blank=True)
    project = models.CharField(_("project"), max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    booking = models.ForeignKey("bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    order = models.ForeignKey("bookings.ServiceOrder", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_once")]

    def __str__(self):
        return f"{self.invoice.number} #{self.position}"

    @property
    def full_label(self) -> str:
        """The label, with the fee it is in the reader's language (a booking's or a service's is its own)."""
        if self.kind in (self.Kind.NO_SHOW, self.Kind.LATE_CANCEL, self.Kind.RENT):
            return f"{self.get_kind_display()} — {self.label}"
        return self.label


# --- incidents (issue 13, item 4) ---
class Incident(models.Model):
    """An instrument down from `started_at`, expected back at `expected_back_at` (over at `ended_at`); its
    period is held by a blackout booking, so nobody books it; the log feeds the usage report's downtime."""

    instrument = models.ForeignKey("platforms.Instrument", on_delete=models.CASCADE, related_name="incidents",
                                   verbose_name=_("instrument"))
    description = models.CharField(_("what happened"), max_length=500)
    started_at = models.DateTimeField(_("down since"))
    expected_back_at = models.DateTimeField(_("expected back"))
    ended_at = models.DateTimeField(_("back since"), null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    blackout = models.OneToOneField("bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="incident")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expected_back_at__gt=models.F("started_at")),
                                   name="incident_back_after_start"),
            models.CheckConstraint(condition=models.Q(ended_at__isnull=True)
                                   | models.Q(ended_at__gte=models.F("started_at")), name="incident_ends_after_start"),
        ]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self):
        return f"{self.instrument} · {self.started_at:%Y-%m-%d %H:%M}"


class IncidentOffer(models.Model):
    """What an incident's user is offered for a booking it cancelled: the nearest free slots of the same length
    after the instrument is expected back; they take one (compare-and-set) or leave it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TAKEN = "taken", _("Taken")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="offers")
    cancelled = models.OneToOneField("bookings.Booking", on_delete=models.CASCADE, related_name="incident_offer")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_offers")
    slots = models.JSONField(default=list)  # [[start ISO, end ISO], ...], nearest first
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    booking = models.OneToOneField("bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="from_incident_offer")

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"{self.incident_id}: {self.user}"


# --- sample submission forms (issue 13, item 5) ---
def lines_of(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SampleField(models.Model):
    """One question of a service's sample submission form, set by the platform's managers; ordering the service
    asks it (facility.samples.answers_check validates the answers, for the page and any other door alike)."""

    class Kind(models.TextChoices):
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Number")
        TEXT = "text", _("Text")
        CHOICE = "choice", _("Choice from a list")
        FILE = "file", _("File")

    service = models.ForeignKey("platforms.Service", on_delete=models.CASCADE, related_name="sample_fields",
                                verbose_name=_("service"))
    position = models.PositiveIntegerField(_("position"), default=1)
    # --- bilingual questions (issue 13) --- `label` and `choices` are the French texts, `label_en` and
    # `choices_en` the English ones; one language may be empty (the reader then sees the other), not both.
    label = models.CharField(_("question (French)"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    choices = models.TextField(_("choices in French (one a line)"), max_length=4000, blank=True)
    min_value = models.DecimalField(_("smallest value"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("largest value"), max_digits=12, decimal_places=2, null=True, blank=True)
    help_text = models.CharField(_("help (French)"), max_length=300, blank=True)
    label_en = models.CharField(_("question (English)"), max_length=200, blank=True)
    choices_en = models.TextField(_("choices in English (one a line, in the French order)"), max_length=4000,
                                  blank=True)
    # --- bilingual help texts (issue 13) --- `help_text` is the French help, `help_text_en` the English one
    help_text_en = models.CharField(_("help (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["service", "position", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(min_value__isnull=True) | models.Q(max_value__isnull=True)
            | models.Q(min_value__lte=models.F("max_value")), name="sample_field_bounds_ordered")]
        verbose_name = _("sample form question")
        verbose_name_plural = _("sample form questions")

    def __str__(self):
        return f"{self.service} · {self.shown_label}"

    @property
    def shown_label(self) -> str:
        """The question in the reader's language, else in the other one."""
        return in_reader_language(self.label, self.label_en)

    @property
    def shown_help(self) -> str:
        """The help text in the reader's language, else in the other one."""
        return in_reader_language(self.help_text, self.help_text_en)

    @property
    def choice_list(self) -> list[str]:
        """The choices in the reader's language, else in the other one."""
        return in_reader_language(lines_of(self.choices), lines_of(self.choices_en))

    @property
    def choice_lists(self) -> tuple[list[str], list[str]]:
        """The French and the English choices (either may be empty)."""
        return lines_of(self.choices), lines_of(self.choices_en)


class SampleAnswer(models.Model):
    """An order's answer to one question, the question's label copied in (the form may change later)."""

    order = models.ForeignKey("bookings.ServiceOrder", on_delete=models.CASCADE, related_name="sample_answers")
    field = models.ForeignKey(SampleField, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers")
    position = models.PositiveIntegerField(default=1)
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("type"), max_length=8, choices=SampleField.Kind.choices)
    value = models.TextField(_("answer"), max_length=5000, blank=True)
    file = models.FileField(_("file"), upload_to="samples/%Y/%m/", blank=True)

    class Meta:
        ordering = ["order", "position", "id"]
        verbose_name = _("sample form answer")
        verbose_name_plural = _("sample form answers")

    def __str__(self):
        return f"{self.order_id}: {self.label}"

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class SampleReceipt(models.Model):
    """The order's samples arrived at the platform (a manager's step): the turnaround runs from here to
    the order's delivery."""

    order = models.OneToOneField("bookings.ServiceOrder", on_delete=models.CASCADE, related_name="sample_receipt")
    received_at = models.DateTimeField(_("samples received"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("samples received")
        verbose_name_plural = _("samples received")

    def __str__(self):
        return f"{self.order_id}: {self.received_at:%Y-%m-%d %H:%M}"


# --- consumables (issue 13, item 6) ---
class Consumable(models.Model):
    """An item a platform sells with its work (tubes, antibodies, chips...): a unit price per price list and a
    stock that each use takes from (facility.consumables.consumable_take, in the use's transaction); below
    `alert_below` its managers are e-mailed."""

    platform = models.ForeignKey("platforms.Platform", on_delete=models.CASCADE, related_name="consumables",
                                 verbose_name=_("platform"))
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=10, default="unit")  # an invoice line's unit holds 10
    price_academic = models.DecimalField(_("academic price"), max_digits=12, decimal_places=2, null=True, blank=True)
    price_startup = models.DecimalField(_("start-up price"), max_digits=12, decimal_places=2, null=True, blank=True)
    price_industry = models.DecimalField(_("industry price"), max_digits=12, decimal_places=2, null=True,
                                         blank=True)
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    alert_below = models.PositiveIntegerField(_("alert below"), default=0)
    members_may_add = models.BooleanField(_("members may add it to their own orders and bookings"), default=False)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["platform__name", "name", "id"]
        constraints = [
            # The stock never goes below zero: the database refuses it, whatever races.
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="consumable_stock_non_negative"),
            models.CheckConstraint(
                condition=(models.Q(price_academic__isnull=True) | models.Q(price_academic__gte=0))
                & (models.Q(price_startup__isnull=True) | models.Q(price_startup__gte=0))
                & (models.Q(price_industry__isnull=True) | models.Q(price_industry__gte=0)),
                name="consumable_prices_non_negative"),
            models.UniqueConstraint(fields=["platform", "name"], name="consumable_name_once_per_platform"),
        ]
        verbose_name = _("consumable")
        verbose_name_plural = _("consumables")

    def __str__(self):
        return f"{self.platform} · {self.name}"

    def price(self, category: str):
        return getattr(self, f"price_{category}", None)


class ConsumableUse(models.Model):
    """Units of a consumable taken for an order or a booking, priced from its price list when taken (billed in
    the month it was taken, to the order's or the booking's organization)."""

    consumable = models.ForeignKey(Consumable, on_delete=models.PROTECT, related_name="uses",
                                   verbose_name=_("consumable"))
    order = models.ForeignKey("bookings.ServiceOrder", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="consumable_uses")
    booking = models.ForeignKey("bookings.Booking", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="consumable_uses")
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    category = models.CharField(_("price list"), max_length=10, choices=CustomerCategory.choices)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(order__isnull=False, booking__isnull=True)
                                   | models.Q(order__isnull=True, booking__isnull=False),
                                   name="consumable_use_one_target"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0, unit_price__gte=0, amount__gte=0),
                                   name="consumable_use_in_bounds"),
        ]
        verbose_name = _("consumable used")
        verbose_name_plural = _("consumables used")

    def __str__(self):
        return f"{self.quantity} × {self.consumable.name}"
