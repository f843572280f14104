from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit_labels import action_label


class InsertOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise InsertOnlyError("The audit log is insert-only.")

    def delete(self):
        raise InsertOnlyError("The audit log is insert-only.")


class AuditEvent(models.Model):
    """One change made through a service: who, what, when, and the fields before/after.

    Insert-only: the model refuses updates and deletes, and a database trigger
    refuses UPDATE (and DELETE on PostgreSQL) behind the ORM's back.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    entity_type = models.CharField(_("record type"), max_length=80, db_index=True)
    entity_key = models.CharField(_("record"), max_length=120, db_index=True)
    entity_label = models.CharField(_("record name"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        # Paris time, as every page shows it (the admin's title read an hour or two off the "when" beneath it).
        at = timezone.localtime(self.at) if timezone.is_aware(self.at) else self.at
        return f"{at:%Y-%m-%d %H:%M} {self.actor_label} {action_label(self.action)} {self.entity_key}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise InsertOnlyError("The audit log is insert-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InsertOnlyError("The audit log is insert-only.")


class IdempotencyKey(models.Model):
    """A write the API already did for an `Idempotency-Key`: a retry gets the same answer, not a second write.

    The row is inserted first in the write's own transaction and completed before it commits, so a committed
    row always holds its answer; the unique constraint makes a concurrent duplicate wait for it (PostgreSQL's
    unique index, SQLite's write lock) and then fail, which `core.idempotency` turns into a replay.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(_("operation"), max_length=80)
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True)
    response = models.JSONField(_("response"), null=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_unique")]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self):
        return f"{self.scope} {self.key}"


class OutboxMessage(models.Model):
    """One e-mail, written in the transaction of the action that causes it and sent later by a job.

    A failed attempt is retried with exponential back-off (GUICHET_OUTBOX_RETRY_SECONDS, doubling) up to
    GUICHET_OUTBOX_MAX_ATTEMPTS; then the message is `failed` and staff may resend it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Failed, retry scheduled")
        FAILED = "failed", _("Failed, gave up")

    created_at = models.DateTimeField(_("written"), default=timezone.now, db_index=True)
    template = models.CharField(_("template"), max_length=80, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML text"), blank=True)
    from_email = models.CharField(_("from"), max_length=254)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    bcc = models.JSONField(_("bcc"), default=list, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self):
        return f"{', '.join(self.to)}: {self.subject}"


class Schedule(models.Model):
    """When a periodic job is next due; claimed by compare-and-set so that one worker runs it at a time."""

    name = models.CharField(max_length=80, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class RateCount(models.Model):
    """Attempts counted by a rate limit (core/ratelimit.py) in one time window, when no shared cache is
    configured: the database is what every app process shares. Counters, not data: never audited, and
    deleted once their window is over."""

    scope = models.CharField(max_length=40)
    digest = models.CharField(max_length=32)  # sha256 of the normalised key: no e-mail address in clear
    window = models.BigIntegerField()         # the window's number since the epoch
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "digest", "window"], name="ratecount_unique")]

    def __str__(self):
        return f"{self.scope} {self.window}: {self.count}"
