"""The PDF impact report is drawn by a job (issue 9: report generation on the queue, not in the request):
asked for by POST, audited, its page follows it and survives a reload, the file is served once drawn; a
job delivered twice draws once, a dead worker's report is queued again, a failure writes no file."""

import io
from datetime import date, timedelta

import pytest
from django.test import TestCase
from django.utils import timezone, translation
from pypdf import PdfReader

from guichet.core.models import AuditEvent
from guichet.impact import services
from guichet.impact.models import ReportRun

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2025-01-01", "end": "2025-06-30", "as_of": "2025-06-30"}


def ask(client, language="en", run=False, **period):
    client.cookies["guichet_language"] = language
    query = "&".join(f"{k}={v}" for k, v in {**PERIOD, **period}.items())
    with TestCase.captureOnCommitCallbacks(execute=run):
        return client.post(f"/impact/reports/new/?{query}")


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_request_only_queues_the_report_and_its_page_follows_the_job(staff_client, staff):
    asked = ask(staff_client)  # no worker yet
    run = ReportRun.objects.get()
    assert asked.status_code == 302 and asked["Location"] == f"/impact/reports/{run.pk}/"
    assert run.status == "queued" and run.requested_by == staff and run.language == "en"
    assert (run.start, run.end, run.as_of) == (date(2025, 1, 1), date(2025, 6, 30), date(2025, 6, 30))
    assert bytes(run.content) == b""  # nothing drawn in the request
    event = AuditEvent.objects.get(action="impact_report.request")
    assert event.entity_key == str(run.pk) and event.actor_id == staff.pk
    page = staff_client.get(asked["Location"]).content.decode()  # a reload shows the same
    assert "Waiting for the worker" in page and f'hx-get="/impact/reports/{run.pk}/progress/"' in page
    assert staff_client.get(f"/impact/reports/{run.pk}/report.pdf").status_code == 404  # not drawn yet
    assert "HX-Refresh" not in staff_client.get(f"/impact/reports/{run.pk}/progress/")
    with translation.override("fr"):  # the worker's own language does not matter: the asker's does
        assert services.report_run_build(run.pk) == "done"
    assert services.report_run_build(run.pk) == "not queued"  # delivered twice: drawn once
    assert staff_client.get(f"/impact/reports/{run.pk}/progress/")["HX-Refresh"] == "true"
    page = staff_client.get(asked["Location"]).content.decode()
    assert f'href="/impact/reports/{run.pk}/report.pdf"' in page and "Download the report" in page
    response = staff_client.get(f"/impact/reports/{run.pk}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="guichet-impact-2025-01-01-2025-06-30.pdf"' in response["Content-Disposition"]
    text = text_of(response.content)
    assert "impact report" in text and "30 June 2025" in text and "Partnership funnel" in text


def test_the_report_speaks_the_language_it_was_asked_in(staff_client):
    ask(staff_client, language="fr", run=True)
    run = ReportRun.objects.get()
    text = text_of(bytes(run.content))
    assert "Entonnoir" in text or "entonnoir" in text
    assert "30 juin 2025" in text
    french = staff_client.get(f"/impact/reports/{run.pk}/").content.decode()
    assert "Télécharger le rapport" in french


def test_the_old_address_leads_to_the_new_page_and_bad_dates_are_refused(staff_client):
    moved = staff_client.get("/impact/report.pdf?start=2025-01-01&end=2025-06-30&as_of=2025-06-30")
    assert moved.status_code == 302 and moved["Location"].startswith("/impact/reports/new/?start=2025-01-01")
    page = staff_client.get(moved["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Prepare the report" in page and "Recent reports" not in page
    staff_client.cookies["guichet_language"] = "en"
    refused = staff_client.post("/impact/reports/new/?start=2025-07-01&end=2025-01-01")
    assert refused.status_code == 400 and ReportRun.objects.count() == 0  # the reversed period, named
    assert not AuditEvent.objects.filter(action="impact_report.request").exists()


def test_a_failing_draw_writes_no_file_retries_then_fails(staff_client, settings, monkeypatch):
    settings.GUICHET_JOB_MAX_ATTEMPTS = 2
    ask(staff_client)
    run = ReportRun.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("reportlab broke")

    monkeypatch.setattr(services.report, "pdf", broken)
    assert services.report_run_build(run.pk) == "retrying"
    run.refresh_from_db()
    assert run.status == "queued" and "reportlab broke" in run.error and bytes(run.content) == b""
    with pytest.raises(RuntimeError):
        services.report_run_build(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and bytes(run.content) == b""
    page = staff_client.get(f"/impact/reports/{run.pk}/").content.decode()
    assert "could not be drawn" in page and "report.pdf" not in page.split("Another report")[0].split("<main")[1]


def test_a_report_whose_worker_died_is_queued_again_by_the_clock(staff_client):
    ask(staff_client)
    run = ReportRun.objects.get()
    ReportRun.objects.filter(pk=run.pk).update(status="running", attempts=1)  # claimed, then SIGKILL
    assert services.report_runs_recover() == 0  # not stale yet
    ReportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.report_runs_recover() == 1
    run.refresh_from_db()
    assert run.status == "done" and run.attempts == 2 and bytes(run.content).startswith(b"%PDF")


def test_only_staff_ask_for_or_read_reports(client, member, staff_client):
    ask(staff_client, run=True)
    run = ReportRun.objects.get()
    client.force_login(member)
    for url in ("/impact/reports/new/", f"/impact/reports/{run.pk}/", f"/impact/reports/{run.pk}/progress/",
                f"/impact/reports/{run.pk}/report.pdf"):
        assert client.get(url).status_code == 403
    assert client.post("/impact/reports/new/").status_code == 403
    assert ReportRun.objects.count() == 1
