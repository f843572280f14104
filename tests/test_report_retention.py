"""Impact PDF reports (`impact.ReportRun`) as personal data: who asked is in their privacy export and goes
with their erasure; reports are purged after GUICHET_REPORT_RETENTION_DAYS by the tick's daily schedule;
staff list and delete them in the admin through an audited service."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from guichet.accounts.models import Role
from guichet.core.jobs import run_periodic
from guichet.core.models import AuditEvent, Schedule
from guichet.impact.models import ReportRun
from guichet.privacy import services as privacy

from .conftest import make_user

pytestmark = pytest.mark.django_db


def report(user, *, days_ago=0, status=ReportRun.Status.DONE, start=date(2025, 1, 1)):
    run = ReportRun.objects.create(requested_by=user, start=start, end=date(2025, 6, 30), as_of=date(2025, 6, 30),
                                   language="fr", status=status, content=b"%PDF-1.4 sample")
    # requested_at is auto_now_add: moved back afterwards, as time would.
    ReportRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() - timedelta(days=days_ago))
    return run


def test_the_reports_a_person_asked_for_are_in_their_export_and_no_one_elses(staff, admin_user):
    report(staff, start=date(2025, 1, 1))
    report(admin_user, start=date(2024, 1, 1))
    part = privacy.person_export(actor=staff, person=staff)["parts"]["impact"]
    assert [(r["from"], r["to"], r["status"], r["language"]) for r in part["reports_requested"]] == [
        ("2025-01-01", "2025-06-30", "done", "fr")]
    assert part["reports_requested"][0]["requested_at"] and "content" not in part["reports_requested"][0]


def test_erasing_a_person_removes_the_reports_they_asked_for_only(staff, admin):
    other = make_user("other-staff@test.example", Role.STAFF)
    report(staff)
    kept = report(other)
    done = privacy.person_erase(actor=admin, person=staff)
    assert done["impact"]["reports_requested"] == 1
    assert list(ReportRun.objects.values_list("pk", flat=True)) == [kept.pk]


def test_reports_past_the_retention_delay_go_with_the_daily_purge(staff, settings):
    settings.GUICHET_REPORT_RETENTION_DAYS = 10
    old_done, old_failed = report(staff, days_ago=11), report(staff, days_ago=40, status=ReportRun.Status.FAILED)
    old_queued = report(staff, days_ago=11, status=ReportRun.Status.QUEUED)  # its job has not run yet: it waits
    recent = report(staff, days_ago=9)
    done = run_periodic()
    assert done["purged_reports"] == 2
    assert set(ReportRun.objects.values_list("pk", flat=True)) == {old_queued.pk, recent.pk}
    assert not ReportRun.objects.filter(pk__in=[old_done.pk, old_failed.pk]).exists()
    event = AuditEvent.objects.get(action="impact_report.purge")
    assert event.changes == {"reports": [2, 0], "retention_days": [None, 10]}
    # Once a day: the next ticks of the day leave the schedule alone, even with old reports about.
    report(staff, days_ago=30)
    assert "purged_reports" not in run_periodic()
    assert Schedule.objects.get(name="purge").next_run_at > timezone.now() + timedelta(hours=23)
    Schedule.objects.filter(name="purge").update(next_run_at=timezone.now() - timedelta(seconds=1))
    assert run_periodic()["purged_reports"] == 1


def test_staff_delete_a_report_in_the_admin_through_the_audited_service(client, admin):
    run = report(admin)
    client.force_login(admin)
    listing = client.get("/admin/impact/reportrun/")
    assert listing.status_code == 200 and str(admin) in listing.content.decode()
    page = client.get(f"/admin/impact/reportrun/{run.pk}/change/")  # shown, never edited
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(f"/admin/impact/reportrun/{run.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ReportRun.objects.filter(pk=run.pk).exists()
    event = AuditEvent.objects.get(action="impact_report.delete")
    assert event.entity_key == str(run.pk) and event.actor == admin and event.changes == {"status": ["done", None]}
    assert client.get("/admin/impact/reportrun/add/").status_code == 403
