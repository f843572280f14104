from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Assessment(models.Model):
    """A batch assessed for a user, kept in their private workspace (their organization's if they choose)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments")
    organization = models.ForeignKey("directory.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    shared_with_organization = models.BooleanField(_("share with my organization"), default=False)
    title = models.CharField(_("title"), max_length=200)
    cdr_scheme = models.CharField(_("CDR definition"), max_length=10, default="imgt")
    # The asker's language: the job writes the reports' errors and warnings in it (they are stored as text).
    language = models.CharField(_("language"), max_length=8, blank=True)
    # Results stored before issue 14 (the whole batch in one column); since then one AssessedAntibody row per
    # antibody, and this stays empty. selectors.py reads either.
    result = models.JSONField(default=list)
    programme = models.ForeignKey("programmes.Programme", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="assessments", verbose_name=_("antibody programme"))
    created_at = models.DateTimeField(default=timezone.now)
    # A batch above GUICHET_ANTIBODY_JOB_THRESHOLD antibodies is assessed by a job: its input waits here.
    status = models.CharField(_("status"), max_length=10, choices=[
        ("queued", _("Queued")), ("running", _("Assessing")), ("done", _("Done")), ("failed", _("Failed"))],
        default="done")
    input_text = models.TextField(blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The attempts limit counts attempts that stopped without writing a chunk: a batch that moves on at every
    # attempt is never failed by it. `attempt_progress_from` is the progress when the current attempt began.
    attempt_progress_from = models.PositiveIntegerField(default=0)
    attempts_without_progress = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("antibody assessment")
        verbose_name_plural = _("antibody assessments")

    def __str__(self):
        return self.title

    @property
    def is_working(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def percent(self) -> int:
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0


class AssessedAntibody(models.Model):
    """One antibody of a batch and its report, written by the job chunk by chunk (at most one row per place)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="antibodies")
    index = models.PositiveIntegerField()  # 0-based place in the batch, in input order
    name = models.CharField(max_length=200)
    report = models.JSONField()
    # What the batch's list shows of it (engine.summary), so a page of the list never reads 50 whole reports.
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["assessment", "index"]
        constraints = [models.UniqueConstraint(fields=["assessment", "index"], name="antibody_once_per_place")]
        verbose_name = _("assessed antibody")
        verbose_name_plural = _("assessed antibodies")

    def __str__(self):
        return self.name
