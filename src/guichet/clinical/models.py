"""Clinical transfer: investigation sites, feasibility questionnaires on the desk, trials and their contracts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.directory.models import TherapeuticArea

# ClinicalTrials.gov identifiers: "NCT" and eight digits (e.g. NCT04243499, ImCheck's ICT01 trial).
NCT_PATTERN = r"^NCT\d{8}$"
# EU CTR (Regulation 536/2014) numbers: year, "5" and five digits, two digits, two digits (2022-500014-26-00).
EU_CT_PATTERN = r"^(19|20)\d{2}-5\d{5}-\d{2}-\d{2}$"
nct_validator = RegexValidator(NCT_PATTERN, _("An NCT number is NCT followed by 8 digits (NCT04243499)."))
eu_ct_validator = RegexValidator(EU_CT_PATTERN, _("An EU CT number reads YYYY-5NNNNN-NN-NN (2022-500014-26-00)."))
MAX_PATIENTS = 100_000  # more than any single trial enrols; a larger figure is a typing error
MAX_BEDS = 10_000  # AP-HM, the largest hospital here, has about 3,200 beds (ecosystem facts)


class SiteKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital or cancer centre (as a whole)")
    DEPARTMENT = "department", _("Hospital department")
    CIC = "cic", _("Clinical investigation centre (CIC)")
    PHASE_I = "phase_i", _("Phase I unit")


class Phase(models.TextChoices):
    I = "1", _("Phase I")  # noqa: E741 (the phase's name)
    I_II = "1_2", _("Phase I/II")
    II = "2", _("Phase II")
    III = "3", _("Phase III")
    IV = "4", _("Phase IV")


class Site(models.Model):
    """A site's capability profile; the site itself is an organization of the directory (who answers for it)."""

    organization = models.OneToOneField("directory.Organization", on_delete=models.PROTECT,
                                        related_name="clinical_site", verbose_name=_("organization"))
    kind = models.CharField(_("kind of site"), max_length=12, choices=SiteKind.choices)
    indications = models.TextField(_("indications"), blank=True, max_length=5000, help_text=_("One per line."))
    areas = models.JSONField(_("therapeutic areas"), default=list, blank=True)
    phases = models.JSONField(_("phases run"), default=list, blank=True,
                              help_text=_("Codes: 1, 1_2, 2, 3, 4."))
    investigators = models.TextField(_("investigators"), blank=True, max_length=5000)
    beds = models.PositiveIntegerField(_("beds"), default=0, validators=[MaxValueValidator(MAX_BEDS)])
    phase_i_beds = models.PositiveIntegerField(_("phase I beds"), default=0, validators=[MaxValueValidator(MAX_BEDS)])
    biobank_collections = models.TextField(_("biobank collections"), blank=True, max_length=5000)
    certifications = models.TextField(_("certifications"), blank=True, max_length=2000)

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("clinical site")
        verbose_name_plural = _("clinical sites")
        constraints = [models.CheckConstraint(condition=models.Q(beds__lte=MAX_BEDS, phase_i_beds__lte=MAX_BEDS),
                                              name="clinical_site_beds_in_bounds")]

    def __str__(self):
        return self.organization.name

    @property
    def indication_list(self) -> list[str]:
        return [line.strip() for line in self.indications.splitlines() if line.strip()]

    def phase_labels(self) -> list[str]:
        labels = dict(Phase.choices)
        return [str(labels.get(p, p)) for p in self.phases]


class Interest(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    NONE = "none", _("Not interested")


class Feasibility(models.Model):
    """The structured questionnaire of a feasibility request; the request itself lives on the desk."""

    request = models.OneToOneField("desk.Need", on_delete=models.CASCADE, related_name="feasibility")
    indication = models.CharField(_("indication"), max_length=200)
    area = models.CharField(_("therapeutic area"), max_length=30, choices=TherapeuticArea.choices)
    phase = models.CharField(_("phase"), max_length=4, choices=Phase.choices)
    population = models.TextField(_("population"), max_length=2000)
    inclusion_criteria = models.TextField(_("inclusion criteria"), max_length=5000)
    patients_needed = models.PositiveIntegerField(_("patients needed"), validators=[
        MinValueValidator(1), MaxValueValidator(MAX_PATIENTS)])
    recruitment_start = models.DateField(_("recruitment start"))
    recruitment_months = models.PositiveSmallIntegerField(_("recruitment period (months)"), validators=[
        MinValueValidator(1), MaxValueValidator(120)])
    deadline = models.DateField(_("answers due by"))

    class Meta:
        verbose_name = _("feasibility request")
        verbose_name_plural = _("feasibility requests")

    def __str__(self):
        return f"{self.request.reference} {self.indication}"


class FeasibilityAnswer(models.Model):
    """One site's answer: how many patients it expects to include, and its interest."""

    feasibility = models.ForeignKey(Feasibility, on_delete=models.CASCADE, related_name="answers")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="feasibility_answers")
    routing = models.OneToOneField("desk.Routing", on_delete=models.CASCADE, related_name="feasibility_answer")
    estimate = models.PositiveIntegerField(_("patients the site expects to include"),
                                           validators=[MaxValueValidator(MAX_PATIENTS)])
    interest = models.CharField(_("interest"), max_length=8, choices=Interest.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    chosen = models.BooleanField(_("chosen"), default=False)

    class Meta:
        ordering = ["answered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["feasibility", "site"], name="feasibility_answer_unique")]

    def __str__(self):
        return f"{self.feasibility_id} ← {self.site}"


class TrialStatus(models.TextChoices):
    PLANNED = "planned", _("In preparation")
    OPEN = "open", _("Open to inclusions")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed to inclusions")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated early")


class Trial(models.Model):
    title = models.CharField(_("title"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    nct_id = models.CharField(_("NCT number"), max_length=11, blank=True, validators=[nct_validator])
    eu_ct_number = models.CharField(_("EU CT number"), max_length=17, blank=True, validators=[eu_ct_validator])
    sponsor = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="sponsored_trials",
                                verbose_name=_("sponsor"))
    programme = models.ForeignKey("programmes.Programme", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="trials", verbose_name=_("programme"))
    phase = models.CharField(_("phase"), max_length=4, choices=Phase.choices)
    feasibility = models.ForeignKey(Feasibility, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="trials", verbose_name=_("from the feasibility request"))
    fictional = models.BooleanField(_("fictional example"), default=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("clinical trial")
        verbose_name_plural = _("clinical trials")
        constraints = [
            models.UniqueConstraint(fields=["nct_id"], condition=~models.Q(nct_id=""), name="trial_nct_unique"),
            models.UniqueConstraint(fields=["eu_ct_number"], condition=~models.Q(eu_ct_number=""),
                                    name="trial_eu_ct_unique"),
        ]

    def __str__(self):
        return self.acronym or self.title


class TrialStatusChange(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=12, choices=TrialStatus.choices)
    on = models.DateField(_("on"))

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("trial status change")
        verbose_name_plural = _("trial status changes")

    def __str__(self):
        return f"{self.trial}: {self.status} ({self.on})"


class TrialSite(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="trial_sites")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="trial_sites", verbose_name=_("site"))
    target_inclusions = models.PositiveIntegerField(_("target inclusions"), default=0,
                                                    validators=[MaxValueValidator(MAX_PATIENTS)])

    class Meta:
        ordering = ["trial", "site__organization__name"]
        verbose_name = _("trial site")
        verbose_name_plural = _("trial sites")
        constraints = [models.UniqueConstraint(fields=["trial", "site"], name="trial_site_unique")]

    def __str__(self):
        return f"{self.trial} @ {self.site}"


class InclusionCount(models.Model):
    """Patients included at a site so far, as counted on a date (cumulative; the history is kept)."""

    trial_site = models.ForeignKey(TrialSite, on_delete=models.CASCADE, related_name="inclusions")
    on = models.DateField(_("counted on"))
    total = models.PositiveIntegerField(_("patients included to date"), validators=[MaxValueValidator(MAX_PATIENTS)])

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("inclusion count")
        verbose_name_plural = _("inclusion counts")
        constraints = [models.UniqueConstraint(fields=["trial_site", "on"], name="inclusion_count_unique")]

    def __str__(self):
        return f"{self.trial_site}: {self.total} ({self.on})"


class ContractStep(models.TextChoices):
    # The single contract ("convention unique", French decree of 2016 for industry-sponsored trials in
    # public hospitals): the clock runs from the complete dossier to the last signature.
    DOSSIER = "dossier", _("Complete dossier received by the site")
    COSTS = "costs", _("Additional costs agreed")
    SENT = "sent", _("Sent for signature")
    SIGNED = "signed", _("Signed by all parties")


class ContractMilestone(models.Model):
    trial_site = models.ForeignKey(TrialSite, on_delete=models.CASCADE, related_name="contract_milestones")
    step = models.CharField(_("step"), max_length=8, choices=ContractStep.choices)
    on = models.DateField(_("on"))

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("single-contract milestone")
        verbose_name_plural = _("single-contract milestones")
        constraints = [models.UniqueConstraint(fields=["trial_site", "step"], name="contract_milestone_unique")]

    def __str__(self):
        return f"{self.trial_site}: {self.step} ({self.on})"


# The target for the single contract's signature, in days from the complete dossier (the figure issue 11 of
# the cluster's plan states, against which the KPI and the trial page measure each site).
CONTRACT_TARGET_DAYS = 60
