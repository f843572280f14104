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
