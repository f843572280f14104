"""Calls for projects: a call (text, eligibility rules, a deadline in Paris time, a scoring grid), the proposals
answering it (a short standardised form, attachments, a budget table), reviewers assigned with a declared conflict
of interest, their scores, and the committee's decision with its reasons.

A proposal is confidential: its applicant, the reviewers assigned to it who declared no conflict, and the cluster
team see it (`permissions.can_view_proposal`, read by pages, API, exports and e-mails). A reviewer never sees a
proposal of their own organization: such an assignment is refused. The deadline is an instant: submitting is a
compare-and-set against the database's clock (`services.proposal_submit`), so no app server's clock decides.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guichet.core.i18n import bilingual
from guichet.directory.models import OrganizationKind


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        REVIEW = "review", _("Under review")
        DECIDED = "decided", _("Decided")

    key = models.SlugField(_("key"), max_length=80, unique=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    text_fr = models.TextField(_("text (French)"), max_length=20000)
    text_en = models.TextField(_("text (English)"), max_length=20000, blank=True)
    funder = models.ForeignKey("directory.Organization", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="calls", verbose_name=_("funder"))
    opens_at = models.DateTimeField(_("opens"))
    deadline = models.DateTimeField(_("deadline"))
    eligible_kinds = models.JSONField(_("kinds of lead organization eligible"), default=list, blank=True,
                                      help_text=_("Empty: every kind."))
    consortium_required = models.BooleanField(_("public-private consortium required"), default=False)
    budget_ceiling_eur = models.DecimalField(_("budget ceiling per proposal (EUR)"), max_digits=12, decimal_places=2)
    total_budget_eur = models.DecimalField(_("funds of the call (EUR)"), max_digits=14, decimal_places=2,
                                           null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-deadline", "-id"]
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        constraints = [
            models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("deadline")), name="call_opens_before_deadline"),
            models.CheckConstraint(condition=models.Q(budget_ceiling_eur__gt=0), name="call_ceiling_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self, "title")

    @property
    def text(self) -> str:
        return bilingual(self, "text")

    def eligible_kind_labels(self) -> list[str]:
        return [str(OrganizationKind(k).label) for k in self.eligible_kinds if k in OrganizationKind.values]


class Criterion(models.Model):
    """One line of the scoring grid: a score from 0 to `max_score`, counted with its weight."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=Decimal("1"))
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=models.Q(max_score__gte=1, max_score__lte=100),
                                   name="criterion_max_score_in_bounds"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return bilingual(self, "label")


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", pgettext_lazy("proposal", "Submitted")
        AWARDED = "awarded", _("Awarded")
        REJECTED = "rejected", _("Not retained")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("call"))
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals",
                                  verbose_name=_("applicant"))
    lead = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="proposals_led",
                             verbose_name=_("lead organization"))
    partners = models.ManyToManyField("directory.Organization", blank=True, related_name="proposals_joined",
                                      verbose_name=_("partner organizations"))
    acronym = models.CharField(_("acronym"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=3000)
    objectives = models.TextField(_("objectives and work plan"), max_length=6000, blank=True)
    impact = models.TextField(_("expected impact"), max_length=3000, blank=True)
    milestones = models.TextField(_("milestones (one per line)"), max_length=3000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_reason = models.TextField(_("reasons of the decision"), max_length=3000, blank=True)
    awarded_eur = models.DecimalField(_("amount awarded (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    partnership = models.OneToOneField("partnerships.Partnership", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="proposal")
    # An award may also become an antibody programme (issue 16), with its budget and milestones.
    programme = models.OneToOneField("programmes.Programme", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="proposal")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["call", "applicant", "acronym"], name="proposal_acronym_once_per_applicant"),
            models.CheckConstraint(condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                                   name="proposal_submitted_has_date"),
            models.CheckConstraint(condition=~models.Q(status="awarded") | models.Q(awarded_eur__gt=0),
                                   name="proposal_awarded_has_amount"),
        ]

    def __str__(self):
        return f"{self.acronym} · {self.call.key}"

    def organizations(self) -> list:
        return [self.lead, *self.partners.all()]

    @property
    def budget_total(self) -> Decimal:
        return sum((line.amount_eur for line in self.budget_lines.all()), Decimal("0"))


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        STAFF = "staff", _("Staff")
        EQUIPMENT = "equipment", _("Equipment")
        CONSUMABLES = "consumables", _("Consumables")
        SERVICES = "services", _("Services and subcontracting (platforms included)")
        TRAVEL = "travel", _("Travel")
        OTHER = "other", _("Other costs")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [models.CheckConstraint(condition=models.Q(amount_eur__gt=0), name="budget_line_positive")]

    def __str__(self):
        return f"{self.get_category_display()} {self.amount_eur}"


class ProposalDocument(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="calls/%Y/")
    name = models.CharField(max_length=255)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """A reviewer assigned to a proposal. Until they declare, they see the consortium's organizations only; a
    declared conflict ends their access for good; no conflict opens the proposal and its review form."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Conflict of interest to declare")
        CONFLICT = "conflict", _("Conflict of interest declared")
        ACCEPTED = "accepted", _("To review")
        REVIEWED = "reviewed", _("Reviewed")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments",
                                 verbose_name=_("reviewer"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    assigned_at = models.DateTimeField(default=timezone.now)
    declared_at = models.DateTimeField(null=True, blank=True)
    conflict_note = models.CharField(_("conflict of interest"), max_length=500, blank=True)
    scores = models.JSONField(default=dict, blank=True)  # criterion id (as text) -> score
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # A review is amended until the committee decides (issue 16): the last amendment and how many, shown to the
    # reviewer and the team; each amendment's before and after are in the audit log.
    amended_at = models.DateTimeField(_("amended"), null=True, blank=True, editable=False)
    amendments = models.PositiveSmallIntegerField(_("amendments"), default=0, editable=False)

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [models.UniqueConstraint(fields=["proposal", "reviewer"], name="assignment_once_per_reviewer")]

    def __str__(self):
        return f"{self.reviewer} · {self.proposal}"
