"""The e-mail outbox: written with the action, sent by a job, retried with back-off, resent by staff.

SMTP is real: a closed port refuses connections (the server is down), then an aiosmtpd server on the same
port receives what Guichet sends, as bytes on the wire.
"""

import email
import socket
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from guichet.core import mail as outbox
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.desk.models import Need

pytestmark = pytest.mark.django_db
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_down(settings):
    """Guichet's delivery goes to real SMTP on a port where nothing listens (connection refused)."""
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    return settings


def smtp_up(port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def test_smtp_down_never_fails_the_action_and_schedules_a_retry(smtp_down, member_client, staff,
                                                                django_capture_on_commit_callbacks):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post("/desk/", {"text": "Nous cherchons l'accès à un trieur de cellules"})
    assert response.status_code == 302  # the request is submitted although no e-mail could be sent
    assert Need.objects.count() == 1
    messages = list(OutboxMessage.objects.all())
    assert {m.to[0] for m in messages} == {"member@test.example", "staff@test.example"}
    for message in messages:
        assert message.status == OutboxMessage.Status.RETRYING and message.attempts == 1
        assert "Connection" in message.last_error or "refused" in message.last_error.lower()
        # First retry one base period later (60 s by default), doubling after that.
        assert before + timedelta(seconds=55) < message.next_attempt_at < timezone.now() + timedelta(seconds=65)
    assert mail.outbox == []


def test_backoff_doubles_then_gives_up(smtp_down):
    smtp_down.GUICHET_OUTBOX_MAX_ATTEMPTS = 3
    message = outbox.outbox_write(subject="s", body="b", to=["x@test.example"])
    waits = []
    for _attempt in range(3):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        outcome = outbox.deliver(message.pk)
        message.refresh_from_db()
        waits.append(round((message.next_attempt_at - before).total_seconds() / 60))
    assert outcome == "failed" and message.status == OutboxMessage.Status.FAILED and message.attempts == 3
    assert waits[:2] == [1, 2]  # 60 s, then 120 s
    # Not due: a duplicate job does nothing.
    assert outbox.deliver(message.pk) == "not due"


def test_retry_is_a_deferred_job_on_the_database_queue(smtp_down, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    smtp_down.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    message = outbox.outbox_write(subject="s", body="b", to=["x@test.example"])
    with django_capture_on_commit_callbacks(execute=True):
        outbox.deliver(message.pk)
    message.refresh_from_db()
    # The write's own job (written in its transaction: the test's) and the retry's, deferred.
    jobs = list(DBTaskResult.objects.filter(task_path="guichet.core.mail.deliver_message"))
    assert len(jobs) == 2 and all(job.args_kwargs == {"args": [message.pk], "kwargs": {}} for job in jobs)
    assert sorted(abs((job.run_after - message.next_attempt_at).total_seconds()) < 1 for job in jobs) == [False, True]


def test_staff_see_failed_messages_and_resend_them_audited(smtp_down, staff_client, member,
                                                          django_capture_on_commit_callbacks):
    smtp_down.GUICHET_OUTBOX_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        outbox.notify([member], "partnership_to_confirm", {"partnership": {"pk": 1, "title": "tri", "created_by": {"get_full_name": "Camille"}}})
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.FAILED
    page = staff_client.get("/staff/outbox/").content.decode()
    assert "member@test.example" in page and message.subject in page
    controller, inbox = smtp_up(smtp_down.EMAIL_PORT)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(f"/staff/outbox/{message.pk}/resend/")
    finally:
        controller.stop()
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.sent_at is not None
    assert [m["To"] for m in inbox.messages] == ["member@test.example"]
    event = AuditEvent.objects.get(action="outbox.resend")
    assert event.entity_key == str(message.pk) and event.actor_label == "staff@test.example"
    # Members never see the outbox.
    staff_client.force_login(member)
    assert staff_client.get("/staff/outbox/").status_code == 403
    assert staff_client.post(f"/staff/outbox/{message.pk}/resend/").status_code == 403


def test_plain_text_is_not_html_escaped_on_the_wire(settings, member, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    controller, inbox = smtp_up(settings.EMAIL_PORT)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outbox.notify([member], "partnership_to_confirm", {"partnership": {
                "pk": 1, "title": "L'équipe <Dupont> & fils", "created_by": {"get_full_name": "Quelqu'un"}}})
    finally:
        controller.stop()
    [received] = inbox.messages
    body = received.get_content()
    assert "&#x27;" not in body and "&amp;" not in body and "&lt;" not in body
    assert "«\u00a0L'équipe <Dupont> & fils\u00a0»" in body  # the member's French
    # The French template's own apostrophes arrive as apostrophes too.
    assert body.startswith("Quelqu'un")


def test_django_send_mail_goes_through_the_outbox(settings, django_capture_on_commit_callbacks):
    """Django's own senders (password reset…) use EMAIL_BACKEND, which is the outbox in production."""
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = outbox.OUTBOX_BACKEND
    settings.GUICHET_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Réinitialisation", "Bonjour, voici l'adresse", "guichet@test.example", ["a@test.example"])
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.SENT and message.body == "Bonjour, voici l'adresse"
    assert [m.subject for m in mail.outbox] == ["Réinitialisation"]


def test_a_message_left_sending_by_a_killed_worker_is_recovered(settings, django_capture_on_commit_callbacks):
    message = outbox.outbox_write(subject="s", body="b", to=["x@test.example"])
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, attempts=1,
        last_attempt_at=timezone.now() - timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS + 5),
        next_attempt_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_recover() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and [m.to for m in mail.outbox] == [["x@test.example"]]


def test_staff_resend_from_the_admin(staff_client, member, settings, django_capture_on_commit_callbacks):
    settings.GUICHET_OUTBOX_MAX_ATTEMPTS = 1
    message = outbox.outbox_write(subject="Relance", body="b", to=["x@test.example"])
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED, attempts=1)
    assert staff_client.get("/admin/core/outboxmessage/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/core/outboxmessage/", {
            "action": "resend", "_selected_action": [message.pk]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and [m.subject for m in mail.outbox] == ["Relance"]
    assert AuditEvent.objects.filter(action="outbox.resend", entity_key=str(message.pk)).count() == 1
