"""Declaration campaigns: staff ask each member organization for its yearly figures; staff validate them.

A declared figure counts in the KPIs only once validated (`impact/kpis_declarations.py`); every figure keeps
who declared it and who validated it, and when. The bounds of each figure are below, with their reasons; a
CHECK constraint stands behind each, so no stored figure can break a page (issue 9's 1e30).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.core.fields import TolerantDecimalField

# One organization of the cluster: a headcount, jobs created or maintained, people trained within a year
# stay below the largest payroll bound Guichet accepts (core.bounds.MAX_HEADCOUNT, 100,000 people).
MAX_PEOPLE = bounds.MAX_HEADCOUNT
# Publications acknowledging a platform, patents filed, trials: the most productive institutes of the cluster
# publish a few hundred papers a year; 10,000 is far above any one organization's year.
MAX_COUNT = 10_000
# Co-funding raised in a year: the same bound as a funding round (core.bounds.MAX_FUNDING_ROUND_EUR).
MAX_FUNDS_EUR = bounds.MAX_FUNDING_ROUND_EUR
# The partner satisfaction survey: a score from 1 (not satisfied) to 5 (very satisfied).
SATISFACTION_MIN, SATISFACTION_MAX = 1, 5
# Reminders before the deadline, in days (a week ahead, then the day before); run by the worker's clock.
REMINDER_DAYS = (7, 1)
# Evidence files (reports, payslip summaries, publication lists): as large as a partnership document.
EVIDENCE_MAX_MB = 20

# The figures an organization declares: name → (kind, bound). Counts are whole numbers, amounts euros.
COUNT_FIGURES = {
    "headcount": MAX_PEOPLE, "jobs_created": MAX_PEOPLE, "jobs_maintained": MAX_PEOPLE,
    "publications": MAX_COUNT, "patents": MAX_COUNT, "trials": MAX_COUNT, "people_trained": MAX_PEOPLE,
}
AMOUNT_FIGURES = {"funds_public_eur": MAX_FUNDS_EUR, "funds_private_eur": MAX_FUNDS_EUR}
FIGURES = (*COUNT_FIGURES, *AMOUNT_FIGURES, "implanted", "satisfaction")


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveIntegerField(_("year declared"))
    message = models.TextField(_("message to the organizations"), blank=True, max_length=4000)
    deadline = models.DateField(_("deadline"))
    cluster_funding_eur = TolerantDecimalField(
        _("cluster's own funding for the year (EUR)"), max_digits=16, decimal_places=2, null=True, blank=True,
        help_text=_("The denominator of the leverage indicators: co-funding declared per euro of the cluster's "
                    "own funding."))
    ask_satisfaction = models.BooleanField(_("ask the partner satisfaction survey"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("declaration campaign")
        verbose_name_plural = _("declaration campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=bounds.EARLIEST_DATE.year, year__lte=bounds.LATEST_DATE.year),
                                   name="campaign_year_in_bounds"),
            models.CheckConstraint(condition=bounds.date_in_bounds("deadline"), name="campaign_deadline_in_bounds"),
            models.CheckConstraint(condition=Q(cluster_funding_eur__isnull=True)
                                   | bounds.amount_in_bounds("cluster_funding_eur", MAX_FUNDS_EUR),
                                   name="campaign_funding_in_bounds"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("declarations:campaign", args=[self.pk])


class Declaration(models.Model):
    """One organization's answer to one campaign: its figures for the year, evidence, and who did what."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("to answer")
        SUBMITTED = "submitted", _("submitted, to validate")
        RETURNED = "returned", _("returned for correction")
        VALIDATED = "validated", _("validated")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="declarations",
                                 verbose_name=_("campaign"))
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT,
                                     related_name="declarations", verbose_name=_("organization"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    headcount = models.PositiveIntegerField(_("headcount at the end of the year"), null=True, blank=True)
    jobs_created = models.PositiveIntegerField(_("jobs created in the year"), null=True, blank=True)
    jobs_maintained = models.PositiveIntegerField(_("jobs maintained in the year"), null=True, blank=True)
    funds_public_eur = TolerantDecimalField(_("public co-funding raised in the year (EUR)"), max_digits=16,
                                            decimal_places=2, null=True, blank=True)
    funds_private_eur = TolerantDecimalField(_("private co-funding raised in the year (EUR)"), max_digits=16,
                                             decimal_places=2, null=True, blank=True)
    publications = models.PositiveIntegerField(_("publications acknowledging a platform"), null=True, blank=True)
    patents = models.PositiveIntegerField(_("patent applications filed"), null=True, blank=True)
    trials = models.PositiveIntegerField(_("clinical trials started"), null=True, blank=True)
    people_trained = models.PositiveIntegerField(_("people trained"), null=True, blank=True)
    implanted = models.BooleanField(_("set up in the territory this year"), default=False)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction with the cluster (1 to 5)"), null=True,
                                                    blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("declared by"))
    submitted_at = models.DateTimeField(_("declared"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("validated by"))
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    returned_reason = models.TextField(_("reason for returning it"), blank=True, max_length=2000)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    # How many of REMINDER_DAYS the clock has already sent (claimed by compare-and-set, so each once).
    reminder_step = models.PositiveSmallIntegerField(_("scheduled reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="declaration_unique"),
            *[models.CheckConstraint(condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": 0, f"{f}__lte": m}),
                                     name=f"declaration_{f}_in_bounds") for f, m in COUNT_FIGURES.items()],
            *[models.CheckConstraint(condition=Q(**{f"{f}__isnull": True}) | bounds.amount_in_bounds(f, m),
                                     name=f"declaration_{f}_in_bounds") for f, m in AMOUNT_FIGURES.items()],
            models.CheckConstraint(condition=Q(satisfaction__isnull=True)
                                   | Q(satisfaction__gte=SATISFACTION_MIN, satisfaction__lte=SATISFACTION_MAX),
                                   name="declaration_satisfaction_in_bounds"),
            # A validated figure always says who validated it and when.
            models.CheckConstraint(condition=~Q(status="validated") | Q(validated_at__isnull=False),
                                   name="declaration_validated_has_date"),
        ]

    def __str__(self):
        return f"{self.organization} — {self.campaign}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("declarations:declaration", args=[self.pk])


class Evidence(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="evidence",
                                    verbose_name=_("declaration"))
    file = models.FileField(_("file"), upload_to="declarations/%Y/")
    name = models.CharField(_("name"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.name
