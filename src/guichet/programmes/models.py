from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds


class Format(models.TextChoices):
    MAB = "monoclonal", _("Monoclonal antibody")
    BISPECIFIC = "bispecific", _("Bispecific")
    ADC = "adc", _("Antibody-drug conjugate")
    NANOBODY = "nanobody", _("Nanobody / VHH")
    FC_FUSION = "fc_fusion", _("Fc-fusion")
    OTHER = "other", _("Other")


class ProgrammeStage(models.TextChoices):
    TARGET = "target_validation", _("Target validation")
    DISCOVERY = "discovery", _("Discovery")
    LEAD_OPT = "lead_optimization", _("Lead optimization")
    PRECLINICAL = "preclinical", _("Preclinical")
    PHASE1 = "phase_1", _("Phase I")
    PHASE2 = "phase_2", _("Phase II")
    PHASE3 = "phase_3", _("Phase III")
    APPROVED = "approved", _("Approved")
    STOPPED = "stopped", _("Stopped")


STAGE_ORDER = [s.value for s in ProgrammeStage if s != ProgrammeStage.STOPPED]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members of the network")
    PRIVATE = "private", _("Owner and cluster staff only")


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="programmes",
                              verbose_name=_("owner"))
    target = models.CharField(_("target antigen"), max_length=120)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices,
                                  default=Visibility.PRIVATE)
    partners = models.ManyToManyField("directory.Organization", blank=True, related_name="partner_programmes",
                                      verbose_name=_("partners"))
    clinical_sites = models.ManyToManyField("directory.Organization", blank=True, related_name="site_programmes",
                                            verbose_name=_("clinical sites"))
    # The funds the programme runs on (an award of a call for projects, issue 16); none for one declared by its owner.
    budget_eur = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("antibody programme")
        verbose_name_plural = _("antibody programmes")
        constraints = [models.CheckConstraint(
            condition=models.Q(budget_eur__isnull=True) | models.Q(budget_eur__gt=0,
                                                                   budget_eur__lte=bounds.MAX_PARTNERSHIP_VALUE_EUR),
            name="programme_budget_in_bounds")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def stage_on(self, day=None):
        changes = [c for c in self.stage_changes.all() if day is None or c.on <= day]
        return max(changes, key=lambda c: (c.on, c.pk)).stage if changes else None

    @property
    def stage(self):
        return self.stage_on()

    def get_stage_label(self):
        return dict(ProgrammeStage.choices).get(self.stage, "—")


class Indication(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indications")
    name = models.CharField(_("indication"), max_length=200)
    therapeutic_area = models.CharField(_("therapeutic area"), max_length=20)

    def __str__(self):
        return self.name


class ProgrammeStageChange(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(_("stage"), max_length=20, choices=ProgrammeStage.choices)
    on = models.DateField(_("date"), validators=[bounds.past_date_validator])

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.CheckConstraint(condition=bounds.date_in_bounds("on"),
                                              name="programme_stage_date_in_bounds")]

    def __str__(self):
        return f"{self.programme_id} {self.stage} {self.on}"


class ProgrammeMilestone(models.Model):
    """A dated step the programme commits to (from an awarded proposal's milestones, completed by staff)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="milestones")
    due_on = models.DateField(_("due on"), validators=[bounds.planned_date_validator])
    title = models.CharField(_("milestone"), max_length=200)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("programme milestone")
        verbose_name_plural = _("programme milestones")
        constraints = [models.CheckConstraint(condition=bounds.date_in_bounds("due_on"),
                                              name="programme_milestone_date_in_bounds")]

    def __str__(self):
        return f"{self.due_on} {self.title}"
