import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for e-mail confirmation")
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    ROUTED = "routed", _("Routed")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.TRIAGED, Status.ROUTED, Status.ANSWERED)


class Outcome(models.TextChoices):
    SERVICE_ORDER = "service_order", _("Service order")
    BOOKING = "booking", _("Instrument booking")
    PARTNERSHIP = "partnership", _("Partnership")
    INTRODUCTION = "introduction", _("Introduction")
    NO_MATCH = "no_match", _("No match")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requester")


class Need(models.Model):
    """A need described in free text, followed from submission to its outcome."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("need"), max_length=5000)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="desk_requests",
                                  verbose_name=_("requester"))
    organization = models.ForeignKey("directory.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="desk_requests", verbose_name=_("organization"))
    confidential = models.BooleanField(_("confidential"), default=False, help_text=_(
        "Only you, the cluster team and the providers it is routed to will see it."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True, max_length=2000)
    outcome_key = models.CharField(_("what it produced"), max_length=120, blank=True, help_text=_(
        "Key of the record the request led to (service, order, booking, partnership)."))
    access_token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("desk request")
        verbose_name_plural = _("desk requests")
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="closed") | ~models.Q(outcome=""),
                                   name="desk_closed_has_outcome"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self):
        return reverse("desk:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"D-{self.created_at:%Y}-{self.pk:05d}"

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.first_response_at is None and self.first_response_due is not None
                and self.status in OPEN_STATUSES and now > self.first_response_due)


class Routing(models.Model):
    """The request sent to one provider of the directory, and what the provider said."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the provider")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        ANSWERED = "answered", _("Answered")

    request = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="routings")
    record_kind = models.CharField(_("kind"), max_length=20)
    record_key = models.CharField(_("provider"), max_length=80)
    record_name = models.CharField(_("name"), max_length=300)
    provider_organization = models.ForeignKey("directory.Organization", null=True, blank=True,
                                              on_delete=models.SET_NULL, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="desk_routings", verbose_name=_("assigned to"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    routed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    routed_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # Set when no account answers for the provider: the directory address the routing was e-mailed to. The
    # provider's link is bound to it (permissions.routing_reach says who is told; links.provider_token signs).
    contact_email = models.EmailField(_("directory contact e-mailed"), max_length=254, blank=True)
    contact_name = models.CharField(_("directory contact"), max_length=300, blank=True)
    contact_language = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["routed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "record_key"], name="desk_routing_unique")]

    def __str__(self):
        return f"{self.request_id} → {self.record_key}"


class Message(models.Model):
    request = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="messages")
    # No author for a provider who answered by its e-mailed link without an account: author_name says who.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    author_name = models.CharField(max_length=300, blank=True)
    routing = models.ForeignKey(Routing, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    body = models.TextField(_("message"), max_length=10000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.request_id}: {self.body[:40]}"

    @property
    def author_display(self) -> str:
        return self.author.get_full_name() if self.author_id else self.author_name


def attachment_path(instance, filename):
    return f"desk/{instance.request_id}/{secrets.token_hex(8)}/{filename}"


class Attachment(models.Model):
    request = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class StatusChange(models.Model):
    """The request's history: every transition, by whom, when. Never overwritten."""

    request = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.request_id}: {self.from_status} → {self.to_status}"


class VisitorSubmission(models.Model):
    """A need sent by a visitor without an account, kept aside until they confirm their e-mail address.

    No account is created, and nothing reaches the desk, before that: an address typed by someone else
    costs its owner nothing but one e-mail they can ignore.
    """

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200)
    text = models.TextField(_("need"), max_length=5000)
    confidential = models.BooleanField(_("confidential"), default=False)
    language = models.CharField(_("language"), max_length=2, default="fr")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    request = models.OneToOneField(Need, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="visitor_submission")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("visitor submission")
        verbose_name_plural = _("visitor submissions")

    def __str__(self):
        return f"{self.email} ({self.created_at:%Y-%m-%d})"
