from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.core.fields import TolerantDecimalField


class Origin(models.TextChoices):
    SPINOFF = "lab_spinoff", _("Lab spin-off")
    TTO = "tto_licence", _("Licence from the tech-transfer office")
    OTHER = "other", _("Other")


class StartupStage(models.TextChoices):
    CREATION = "creation", _("Creation")
    SEED = "seed", _("Seed")
    PRECLINICAL = "preclinical", _("Preclinical")
    CLINICAL = "clinical", _("Clinical")
    MARKET = "market", _("On the market")
    CLOSED = "closed", _("Closed")


class Startup(models.Model):
    """A start-up of the programme: an organization of the directory with its programme data."""

    organization = models.OneToOneField("directory.Organization", on_delete=models.PROTECT,
                                        related_name="startup", verbose_name=_("organization"))
    founded_on = models.DateField(_("founded on"), validators=[bounds.past_date_validator])
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    support = models.ManyToManyField("directory.Organization", blank=True, related_name="supported_startups",
                                     verbose_name=_("support received (incubator, tech-transfer office, funds)"))
    stage = models.CharField(_("stage"), max_length=12, choices=StartupStage.choices, default=StartupStage.CREATION)
    founders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="founded_startups",
                                      verbose_name=_("founders"))

    class Meta:
        ordering = ["organization__name"]
        constraints = [models.CheckConstraint(condition=bounds.date_in_bounds("founded_on"),
                                              name="startup_founded_in_bounds")]
        verbose_name = _("start-up")
        verbose_name_plural = _("start-ups")

    def __str__(self):
        return self.organization.name


class FundingRound(models.Model):
    startup = models.ForeignKey(Startup, on_delete=models.CASCADE, related_name="rounds")
    on = models.DateField(_("date"), validators=[bounds.past_date_validator])
    amount_eur = TolerantDecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2, validators=[
        MinValueValidator(0), MaxValueValidator(bounds.MAX_FUNDING_ROUND_EUR)])
    kind = models.CharField(_("round"), max_length=40, blank=True)
    investors = models.CharField(_("investors"), max_length=300, blank=True)
    # As a headcount: a founder's round counts in the funds-raised KPIs only once the cluster team validated it
    # (issue 11), from its validation; the team's own entries and imports stand validated as written. A round
    # the team returns says why, and counts nowhere (the founder declares the corrected one).
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("validated by"))
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_reason = models.TextField(_("reason for returning it"), blank=True, max_length=2000)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            # Validated or returned, never both.
            models.CheckConstraint(condition=models.Q(validated_at__isnull=True) | models.Q(returned_at__isnull=True),
                                   name="funding_round_validated_or_returned"),
            models.CheckConstraint(condition=bounds.amount_in_bounds("amount_eur", bounds.MAX_FUNDING_ROUND_EUR),
                                   name="funding_round_amount_in_bounds"),
            models.CheckConstraint(condition=bounds.date_in_bounds("on"), name="funding_round_date_in_bounds"),
        ]

    def __str__(self):
        return f"{self.startup} {self.on} {self.amount_eur}"


class Milestone(models.Model):
    startup = models.ForeignKey(Startup, on_delete=models.CASCADE, related_name="milestones")
    on = models.DateField(_("date"), validators=[bounds.planned_date_validator])
    title = models.CharField(_("milestone"), max_length=200)

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.CheckConstraint(condition=bounds.date_in_bounds("on"), name="milestone_date_in_bounds")]

    def __str__(self):
        return self.title


class Headcount(models.Model):
    """Declared headcount of an organization (start-up or member) on a date: the jobs KPI sums the latest."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.CASCADE,
                                     related_name="headcounts")
    on = models.DateField(_("date"), validators=[bounds.past_date_validator])
    headcount = models.PositiveIntegerField(_("headcount"), validators=[MaxValueValidator(bounds.MAX_HEADCOUNT)])
    # A founder's figure counts in the jobs KPI only once the cluster team validated it (issue 11: "a declared
    # figure counts in KPIs only once validated"); the team's own entries and imports are validated as written.
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("validated by"))
    # As a funding round: a figure the team returns says why and counts nowhere; the founder declares the
    # corrected one (the same day's declaration replaces it and waits again).
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_reason = models.TextField(_("reason for returning it"), blank=True, max_length=2000)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "on"], name="headcount_one_per_day"),
            # Validated or returned, never both.
            models.CheckConstraint(condition=models.Q(validated_at__isnull=True) | models.Q(returned_at__isnull=True),
                                   name="headcount_validated_or_returned"),
            models.CheckConstraint(condition=models.Q(headcount__lte=bounds.MAX_HEADCOUNT),
                                   name="headcount_in_bounds"),
            models.CheckConstraint(condition=bounds.date_in_bounds("on"), name="headcount_date_in_bounds"),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.on} {self.headcount}"
