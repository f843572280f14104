"""E-mail through an outbox: rows written in the business transaction, sent by a job, retried with back-off.

`notify` renders each message in its recipient's language and writes it; `OutboxBackend` (the project's
EMAIL_BACKEND) does the same for anything sent with Django's own `send_mail` (password reset…). A job sends
each message through GUICHET_EMAIL_DELIVERY_BACKEND (SMTP in production) outside any database transaction,
so an SMTP server that is down or slow never fails nor holds up the user's action.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django_tasks import task

from .audit import audit_record
from .i18n import in_language
from .jobs import backoff, enqueue
from .models import OutboxMessage

logger = logging.getLogger("guichet.mail")
OUTBOX_BACKEND = "guichet.core.mail.OutboxBackend"
# The language a message was written in travels with it (RFC 3282), for mail clients and the outbox page.
LANGUAGE_HEADER = "Content-Language"


def one_line(text: str) -> str:
    """A subject on one line: runs of ordinary white space become one space; French no-break spaces stay."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip(" ")


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping (an apostrophe stays an apostrophe)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def render_mail(template: str, context: dict, language: str | None) -> tuple[str, str]:
    """(subject, body) of email/<template>_subject.txt and _body.txt in `language`, with the site's address:
    the one rendering of every e-mail, to an account (`notify`) or to a bare address."""
    def compose():
        ctx = {**context, "site_url": settings.SITE_URL}
        return (one_line(render_text(f"email/{template}_subject.txt", ctx)),
                render_text(f"email/{template}_body.txt", ctx))

    return in_language(language, compose)


def notify(users, template: str, context: dict) -> list[OutboxMessage]:
    """One e-mail per user (templates email/<template>_subject.txt and _body.txt), in their language."""
    recipients = {u.pk: u for u in users if u and u.is_active and u.email}.values()
    messages = []
    with transaction.atomic(savepoint=False):  # in the caller's transaction when in one: no savepoint to pay
        for user in recipients:
            language = getattr(user, "language", None) or settings.LANGUAGE_CODE
            subject, body = render_mail(template, {**context, "recipient": user}, language)
            messages.append(outbox_write(subject=subject, body=body, to=[user.email], template=template,
                                         headers={LANGUAGE_HEADER: language}))
    return messages


def outbox_write(*, subject: str, body: str, to: list[str], template: str = "", html_body: str = "",
                 from_email: str | None = None, cc=(), bcc=(), reply_to=(), headers=None) -> OutboxMessage:
    """Write one message in the caller's transaction; its sending job is enqueued when that commits."""
    message = OutboxMessage.objects.create(
        subject=subject[:998], body=body, html_body=html_body, from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to), cc=list(cc), bcc=list(bcc), reply_to=list(reply_to), headers=dict(headers or {}),
        template=template[:80])
    enqueue(deliver_message, message.pk)
    return message


class OutboxBackend(BaseEmailBackend):
    """EMAIL_BACKEND: Django's own senders write to the outbox too."""

    def send_messages(self, email_messages):
        with transaction.atomic():
            for message in email_messages:
                html = next((content for content, mimetype in getattr(message, "alternatives", [])
                             if mimetype == "text/html"), "")
                headers = dict(message.extra_headers)
                if translation.get_language():  # rendered in the active language (password reset…)
                    headers.setdefault(LANGUAGE_HEADER, translation.get_language())
                outbox_write(subject=str(message.subject), body=str(message.body), to=message.to, cc=message.cc,
                             bcc=message.bcc, reply_to=message.reply_to, headers=headers,
                             html_body=html, from_email=message.from_email)
        return len(email_messages)


def message_language(message: OutboxMessage) -> str:
    """The name of the language `message` was written in ("" when not recorded, as in older messages)."""
    code = (message.headers or {}).get(LANGUAGE_HEADER, "")
    names = dict(settings.LANGUAGES)
    return str(names.get(code) or names.get(code.split("-")[0], code))


def delivery_connection():
    """The real sender. Tests replace EMAIL_BACKEND by locmem: then that one delivers (mail.outbox)."""
    backend = settings.EMAIL_BACKEND
    if backend == OUTBOX_BACKEND:
        backend = settings.GUICHET_EMAIL_DELIVERY_BACKEND
    return get_connection(backend, fail_silently=False)


SENDABLE = (OutboxMessage.Status.PENDING, OutboxMessage.Status.RETRYING)


def deliver(message_id: int) -> str:
    """Send one due message; at most one sender holds it at a time (compare-and-set on its status)."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(pk=message_id, status__in=SENDABLE, next_attempt_at__lte=now).update(
        status=OutboxMessage.Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return "not due"
    message = OutboxMessage.objects.get(pk=message_id)
    email = EmailMultiAlternatives(message.subject, message.body, message.from_email, message.to, bcc=message.bcc,
                                   cc=message.cc, reply_to=message.reply_to, headers=message.headers)
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    try:
        with delivery_connection() as connection:
            connection.send_messages([email])
    except Exception as exc:  # SMTP refusals, timeouts, DNS… all mean "try again later"
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
        if message.attempts >= settings.GUICHET_OUTBOX_MAX_ATTEMPTS:
            OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED, last_error=error)
            logger.error("e-mail %s failed %s times, gave up: %s", message.pk, message.attempts, error)
            return "failed"
        retry_at = timezone.now() + backoff(message.attempts, settings.GUICHET_OUTBOX_RETRY_SECONDS)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.RETRYING, last_error=error, next_attempt_at=retry_at)
        logger.warning("e-mail %s not sent (attempt %s), retry at %s: %s", message.pk, message.attempts,
                       retry_at.isoformat(), error)
        enqueue(deliver_message, message.pk, run_after=retry_at)
        return "retrying"
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENT, sent_at=timezone.now(),
                                                       last_error="")
    return "sent"


@task()
def deliver_message(message_id: int) -> str:
    return deliver(message_id)


def outbox_recover() -> int:
    """Re-enqueue messages that are due but whose job was lost, and those a killed worker left `sending`.

    A message left `sending` may have reached the SMTP server before the worker died: the outbox delivers at
    least once, and says so (README).
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS)
    OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING, last_attempt_at__lt=stale).update(
        status=OutboxMessage.Status.RETRYING, last_error="interrupted (worker stopped)")
    # Due for a while with nobody on it: its job was lost (or the backend cannot defer).
    grace = now - timedelta(seconds=30)
    due = list(OutboxMessage.objects.filter(status__in=SENDABLE, next_attempt_at__lte=grace)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:500])
    for pk in due:
        enqueue(deliver_message, pk)
    return len(due)


def outbox_resend(*, actor, message: OutboxMessage) -> OutboxMessage:
    """Staff send a failed (or retrying) message again now, with a fresh budget of attempts; audited."""
    with transaction.atomic():
        changed = OutboxMessage.objects.filter(pk=message.pk, status__in=[
            OutboxMessage.Status.FAILED, OutboxMessage.Status.RETRYING]).update(
            status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
        if changed:
            audit_record(actor=actor, action="outbox.resend", entity_type="outbox", entity_key=str(message.pk),
                         entity_label=message.subject, changes={"status": [message.status, "pending"]})
            enqueue(deliver_message, message.pk)
    message.refresh_from_db()
    return message


def outbox_problems():
    """Messages staff should look at: failed, or waiting for a retry."""
    return OutboxMessage.objects.filter(Q(status=OutboxMessage.Status.FAILED) | Q(status=OutboxMessage.Status.RETRYING))
