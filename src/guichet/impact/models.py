from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.core.fields import TolerantDecimalField
from guichet.core.i18n import bilingual


class Target(models.Model):
    """A target the cluster is judged against. Data, edited by staff; defaults from the founding text."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    label = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True,
                                help_text=_("Shown on English pages; the French label is used when empty."))
    value = TolerantDecimalField(_("value"), max_digits=16, decimal_places=2, validators=[
        MinValueValidator(0), MaxValueValidator(bounds.MAX_TARGET_VALUE)])
    year = models.PositiveIntegerField(_("by the end of"), validators=[
        MinValueValidator(bounds.EARLIEST_TARGET_YEAR), MaxValueValidator(bounds.LATEST_TARGET_YEAR)])
    source = models.TextField(_("interpretation (French)"), blank=True,
                              help_text=_("How the target was read from its source document."))
    source_en = models.TextField(_("interpretation (English)"), blank=True,
                                 help_text=_("Shown on English pages; the French interpretation is used when empty."))
    reference = models.TextField(_("source document"), blank=True,
                                 help_text=_("The text the target comes from; shown once for all targets citing it."))

    class Meta:
        ordering = ["year", "key"]
        constraints = [
            models.CheckConstraint(condition=bounds.amount_in_bounds("value", bounds.MAX_TARGET_VALUE),
                                   name="target_value_in_bounds"),
            models.CheckConstraint(condition=models.Q(year__gte=bounds.EARLIEST_TARGET_YEAR,
                                                      year__lte=bounds.LATEST_TARGET_YEAR),
                                   name="target_year_in_bounds"),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.display_label} ({self.year})"

    # The French texts are the fields without a suffix (the first ones written): core.i18n.bilingual reads
    # <name>_fr and <name>_en.
    @property
    def label_fr(self) -> str:
        return self.label

    @property
    def source_fr(self) -> str:
        return self.source

    @property
    def display_label(self) -> str:
        """The label in the language of the page (French when no English label was written)."""
        return bilingual(self, "label")

    @property
    def display_source(self) -> str:
        """The interpretation in the language of the page (the other language's when only it was written)."""
        return bilingual(self, "source")

    @property
    def source_language(self) -> str:
        """The language `display_source` is written in, for the page's `lang` attribute."""
        return "en" if self.source_en and self.display_source == self.source_en else "fr"


class ReportRun(models.Model):
    """A PDF impact report asked for by staff, drawn by the `build_report` job (not in the request).

    Claimed by compare-and-set (`queued` → `running`, attempts + 1); the PDF and `done` are written in one
    update that checks the attempt still owns the row, so a job run twice or retried after a dead worker
    stores one file; `report_runs_recover` queues again a run whose worker stopped.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being drawn")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("asked by"))
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    as_of = models.DateField(_("as of"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("ready"), null=True, blank=True)
    content = models.BinaryField(blank=True, default=b"", editable=False)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("impact report")
        verbose_name_plural = _("impact reports")

    def __str__(self):
        return f"{self.start} – {self.end} ({self.as_of})"

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def filename(self) -> str:
        return f"guichet-impact-{self.start}-{self.end}.pdf"

# --- annual report ---
class ReportTemplate(models.Model):
    """A funder's template for the annual report: its sections, their indicators and their order are data.

    `sections` is a list of {"key", "kind", "title": {"fr", "en"}, "indicators": [KPI keys]}; kinds are
    `narrative` (text staff write for each report), `indicators` (a table of figures with their sources),
    `charts` (the dashboard's charts) and `evidence` (the annex of validated declarations). Checked by
    `services.report_template_check`.
    """

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    sections = models.JSONField(_("sections"), default=list)

    class Meta:
        ordering = ["name"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and (get_language() or "fr").startswith("en") else self.name


class AnnualReport(models.Model):
    """One annual report: a template, a year, the as-of date of its figures, the narrative staff wrote, and
    the PDF and DOCX the `generate_annual_report` job made (claimed by compare-and-set, safe to run twice)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("being generated")
        DONE = "done", _("generated")
        FAILED = "failed", _("failed")

    class Language(models.TextChoices):
        FR = "fr", _("French")
        EN = "en", _("English")

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="reports",
                                 verbose_name=_("template"))
    year = models.PositiveIntegerField(_("year reported"))
    as_of = models.DateField(_("figures as of"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FR)
    narratives = models.JSONField(_("narrative sections"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    docx = models.BinaryField(_("DOCX"), null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=bounds.EARLIEST_DATE.year,
                                                      year__lte=bounds.LATEST_DATE.year),
                                   name="annual_report_year_in_bounds"),
            models.CheckConstraint(condition=bounds.date_in_bounds("as_of"), name="annual_report_as_of_in_bounds"),
        ]

    def __str__(self):
        return f"{self.template} {self.year}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("impact:annual_report", args=[self.pk])
