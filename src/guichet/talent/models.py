"""Jobs and talent: postings by member organizations (jobs, internships, PhD and post-doctoral positions) and the
applications they draw, each with a CV only the poster and the cluster team may read.

A posting is written in one language (French or English), open until its expiry date (the worker's clock marks
it expired the day after, `services.postings_expire`), and closed by its poster as filled or withdrawn; "jobs
offered" and "jobs filled" are counted from `published_at` and `closed_at` (`kpis.py`), so they read the same for
any past date.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


def cv_path(application, filename: str) -> str:
    # The stored name is random: the file is served by the checked view only, never by its name.
    extension = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"talent/cv/{timezone.now():%Y}/{secrets.token_hex(16)}.{extension}"


class Posting(models.Model):
    class Kind(models.TextChoices):
        JOB = "job", _("Job")
        INTERNSHIP = "internship", _("Internship")
        PHD = "phd", _("PhD position")
        POSTDOC = "postdoc", _("Post-doctoral position")

    class Contract(models.TextChoices):
        PERMANENT = "permanent", _("Permanent contract")
        FIXED_TERM = "fixed_term", _("Fixed-term contract")
        INTERNSHIP = "internship", _("Internship agreement")
        DOCTORAL = "doctoral", _("Doctoral contract")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FILLED = "filled", _("Filled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    CLOSED = (Status.FILLED, Status.WITHDRAWN, Status.EXPIRED)

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="postings",
                                     verbose_name=_("organization"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="postings",
                                  verbose_name=_("posted by"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    contract = models.CharField(_("contract"), max_length=12, choices=Contract.choices, default=Contract.OTHER)
    language = models.CharField(_("language of the posting"), max_length=2,
                                choices=settings.LANGUAGES, default="fr")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=8000)
    location = models.CharField(_("location"), max_length=200, blank=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    expires_on = models.DateField(_("open until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    # Folded words of title, description, organization and location: the search reads this (accents ignored).
    search_text = models.TextField(default="", editable=False)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    expiry_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        constraints = [
            models.CheckConstraint(condition=models.Q(status="open", closed_at__isnull=True)
                                   | (~models.Q(status="open") & models.Q(closed_at__isnull=False)),
                                   name="posting_closed_has_date"),
        ]

    def __str__(self):
        return f"{self.title} · {self.organization.name}"


class Application(models.Model):
    """One person's application: an account's at once, a visitor's once the e-mailed link is followed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for e-mail confirmation")
        RECEIVED = "received", _("Received")
        DECLINED = "declined", _("Declined")
        HIRED = "hired", _("Hired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE = (Status.PENDING, Status.RECEIVED)

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="applications",
                                verbose_name=_("posting"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="job_applications")
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200)
    letter = models.TextField(_("cover letter"), max_length=8000, blank=True)
    cv = models.FileField(_("CV"), upload_to=cv_path)
    cv_name = models.CharField(max_length=255)
    # When the clock deleted the CV (GUICHET_TALENT_CV_RETENTION_DAYS after the posting closed); cv is empty then.
    cv_purged_at = models.DateTimeField(_("CV deleted"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, default="fr")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    token = models.CharField(max_length=43, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("job application")
        verbose_name_plural = _("job applications")
        constraints = [
            # One live application per person and posting, whoever races.
            models.UniqueConstraint(fields=["posting", "email"], condition=models.Q(status__in=["pending", "received"]),
                                    name="application_one_live_per_email"),
        ]

    def __str__(self):
        return f"{self.full_name} · {self.posting.title}"
