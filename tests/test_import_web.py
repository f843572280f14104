import io
import json

import pytest
from django.test import TestCase

from guichet.core.models import AuditEvent
from guichet.directory.exchange import read, records, xlsx
from guichet.directory.models import ImportBatch, Organization

from .conftest import EXAMPLES, load_example

pytestmark = pytest.mark.django_db


def upload(client, name, content, *, run_check=True, language="en"):
    """POST the file; its check job runs when the upload commits (as a worker would take it at once)."""
    client.cookies["guichet_language"] = language
    f = io.BytesIO(content)
    f.name = name
    with TestCase.captureOnCommitCallbacks(execute=run_check):
        return client.post("/directory/import/", {"file": f})


def checked(client, name, content):
    """The file's page once its check is over: the plan, or every problem found."""
    response = upload(client, name, content)
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


def test_staff_upload_json_preview_then_confirm(staff_client, small_directory, django_capture_on_commit_callbacks):
    payload = load_example("valid-small.json")
    payload["organizations"][1]["city"] = "Marseille"
    payload["organizations"].append({"key": "newco", "name": "NewCo", "kind": "startup"})
    response = upload(staff_client, "dir.json", json.dumps(payload).encode())
    assert response.status_code == 302
    preview = staff_client.get(response["Location"])
    body = preview.content.decode()
    assert preview.context["plan"].summary == {"create": 1, "update": 1, "unchanged": 6}
    assert "NewCo" in body and "Aix-en-Provence" in body
    assert not Organization.objects.filter(key="newco").exists()  # nothing written before confirming
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the import job runs when the confirmation commits
        confirmed = staff_client.post(f"/directory/import/{batch.pk}/confirm/")
    assert confirmed.status_code == 302
    assert Organization.objects.get(key="acme-bio").city == "Marseille"
    assert Organization.objects.filter(key="newco").exists()
    assert AuditEvent.objects.filter(action="import.apply", entity_key=str(batch.pk)).count() == 1
    # A second confirmation (double click) does not apply it again.
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/directory/import/{batch.pk}/confirm/")
    assert AuditEvent.objects.filter(action="import.apply").count() == 1


def test_upload_with_errors_shows_them_and_keeps_nothing(staff_client, small_directory):
    before = records.export_payload()
    page = checked(staff_client, "bad.json", (EXAMPLES / "invalid-dangling-reference.json").read_bytes())
    body = page.content.decode()
    assert "p1" in body and "does-not-exist" in body and "Upload a corrected file" in body
    assert "Confirm the import" not in body
    batch = ImportBatch.objects.get()
    assert batch.status == "refused" and batch.payload == {} and bytes(batch.source) == b""  # errors kept, not the file
    assert records.export_payload() == before


def test_staff_upload_xlsx(staff_client, small_directory):
    payload = records.export_payload()
    payload["organizations"][0]["city"] = "Luminy"
    response = upload(staff_client, "dir.xlsx", xlsx.export_xlsx(payload))
    assert response.status_code == 302
    plan = staff_client.get(response["Location"]).context["plan"]
    assert plan.summary == {"create": 0, "update": 1, "unchanged": 6}


def test_not_json_is_a_clear_error(staff_client, db):
    page = checked(staff_client, "dir.json", b"{not json")
    assert "not valid JSON" in page.content.decode() and ImportBatch.objects.get().status == "refused"


def test_members_cannot_import_or_export(member_client, small_directory):
    assert upload(member_client, "dir.json", b"{}").status_code == 403
    assert member_client.get("/directory/export.json").status_code == 403


def test_staff_export_json_and_xlsx(staff_client, small_directory):
    exported = staff_client.get("/directory/export.json")
    assert exported.content.decode() == records.canonical_json(records.export_payload())
    workbook = staff_client.get("/directory/export.xlsx")
    parsed = xlsx.parse_xlsx(workbook.content)
    assert [o["key"] for o in parsed["organizations"]] == ["acme-bio", "hosp-rheum", "lab-tcell"]


@pytest.mark.parametrize("content", [
    b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON decoder's recursion: RecursionError (issue 9)
    b'{"format": "directory-v1", "organizations": ' + b"[" * 900 + b"]" * 900 + b"}",  # decoded, too deep
])
def test_deeply_nested_json_is_a_clear_error_not_a_500(staff_client, db, content):
    page = checked(staff_client, "nested.json", content)
    assert page.status_code == 200
    issues = [str(i) for i in page.context["issues"]]
    assert issues and "16" in " ".join(issues)  # the depth limit, GUICHET_IMPORT_MAX_DEPTH, named
    assert ImportBatch.objects.get().status == "refused"


def test_deeply_nested_json_is_refused_by_the_command_line_too(db):
    with pytest.raises(read.ImportRefused) as refused:
        read.parse_json("[" * 100_000 + "]" * 100_000)
    assert "16" in str(refused.value)


# --- the upload's check and plan run as a job (issue 9) ---

def test_the_check_runs_on_the_worker_and_its_page_follows_it(staff_client, small_directory):
    from guichet.directory.services import import_batch_check

    payload = load_example("valid-small.json")
    payload["organizations"].append({"key": "newco", "name": "NewCo", "kind": "startup"})
    response = upload(staff_client, "dir.json", json.dumps(payload).encode(), run_check=False)  # no worker yet
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == "checking" and batch.phase == "queued" and bytes(batch.source).startswith(b"{")
    page = staff_client.get(response["Location"]).content.decode()  # a reload shows the same: the row says it
    assert "Waiting for the worker to check the file" in page and "Confirm the import" not in page
    assert f'hx-get="/directory/import/{batch.pk}/progress/"' in page
    polled = staff_client.get(f"/directory/import/{batch.pk}/progress/")
    assert "HX-Refresh" not in polled  # still checking: the fragment keeps polling
    # Confirming before the check is over does nothing.
    staff_client.post(f"/directory/import/{batch.pk}/confirm/")
    assert ImportBatch.objects.get().status == "checking"
    assert import_batch_check(batch.pk) == "checked"  # what the worker runs
    assert import_batch_check(batch.pk) == "not queued"  # delivered twice: done once
    assert staff_client.get(f"/directory/import/{batch.pk}/progress/")["HX-Refresh"] == "true"
    preview = staff_client.get(response["Location"])
    assert preview.context["plan"].summary == {"create": 1, "update": 0, "unchanged": 7}
    assert "Confirm the import" in preview.content.decode()
    batch.refresh_from_db()
    assert batch.status == "pending" and bytes(batch.source) == b"" and batch.attempts == 0
    assert AuditEvent.objects.filter(action="import.check", entity_key=str(batch.pk)).count() == 1
    assert not Organization.objects.filter(key="newco").exists()


def test_each_step_of_the_check_is_shown(staff_client, db):
    from django.template.loader import render_to_string
    from django.utils import translation

    batch = ImportBatch(pk=1, filename="x.json", payload={}, status="checking")
    for phase, english, french in (("reading", "Step 1 of 3", "Étape 1 sur 3"),
                                   ("checking", "Step 2 of 3", "Étape 2 sur 3"),
                                   ("planning", "Step 3 of 3", "Étape 3 sur 3")):
        batch.phase = phase
        for language, text in (("en", english), ("fr", french)):
            with translation.override(language):
                assert text in render_to_string("directory/_import_progress.html", {"batch": batch})


def test_the_errors_are_in_the_uploaders_language_whatever_the_worker_speaks(staff_client, small_directory):
    from django.utils import translation

    from guichet.directory.services import import_batch_check

    upload(staff_client, "bad.json", (EXAMPLES / "invalid-dangling-reference.json").read_bytes(), run_check=False,
           language="fr")
    batch = ImportBatch.objects.get()
    assert batch.language == "fr"
    with translation.override("en"):  # the worker's own language
        assert import_batch_check(batch.pk) == "refused"
    [issue] = ImportBatch.objects.get().issues
    assert issue[0] == "p1" and issue[1] == "organization"  # the record and the field
    assert "ne désigne aucune organisation" in issue[2]
    page = staff_client.get(f"/directory/import/{batch.pk}/").content.decode()
    assert "does-not-exist" in page and "rien n'a été importé" in page


def test_a_check_that_breaks_writes_nothing_and_is_retried_then_failed(staff_client, small_directory, settings,
                                                                       monkeypatch):
    from guichet.directory import services

    settings.GUICHET_JOB_MAX_ATTEMPTS = 2
    before = records.export_payload()
    upload(staff_client, "dir.json", json.dumps(load_example("valid-small.json")).encode(), run_check=False)
    batch = ImportBatch.objects.get()

    def broken(payload):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "plan_import", broken)
    assert services.import_batch_check(batch.pk) == "retrying"
    batch.refresh_from_db()
    assert batch.status == "checking" and batch.phase == "queued" and "database went away" in batch.error
    assert batch.plan == [] and batch.payload == {} and bytes(batch.source)  # nothing half-written, file kept
    with pytest.raises(RuntimeError):
        services.import_batch_check(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed" and bytes(batch.source) == b"" and batch.plan == []
    assert records.export_payload() == before
    page = staff_client.get(f"/directory/import/{batch.pk}/").content.decode()
    assert "nothing was written" in page and "Confirm the import" not in page


def test_a_check_whose_worker_died_is_queued_again_by_the_clock(staff_client, small_directory):
    from datetime import timedelta

    from django.utils import timezone

    from guichet.directory.services import import_batch_check, import_batches_recover

    upload(staff_client, "dir.json", json.dumps(load_example("valid-small.json")).encode(), run_check=False)
    batch = ImportBatch.objects.get()
    # A worker claimed it, then was killed with SIGKILL during the check: its step's heartbeat grows old.
    ImportBatch.objects.filter(pk=batch.pk).update(phase="checking", attempts=1)
    assert import_batch_check(batch.pk) == "not queued"  # claimed by the dead worker
    assert import_batches_recover() == 0  # not yet stale
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert import_batches_recover() == 1
    batch.refresh_from_db()
    assert batch.status == "pending" and batch.summary == {"create": 0, "update": 0, "unchanged": 7}
