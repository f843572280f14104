import io
import json

import pytest

from guichet.core.models import AuditEvent
from guichet.directory.exchange import read, records, xlsx
from guichet.directory.models import ImportBatch, Organization

from .conftest import EXAMPLES, load_example

pytestmark = pytest.mark.django_db


def upload(client, name, content):
    f = io.BytesIO(content)
    f.name = name
    return client.post("/directory/import/", {"file": f})


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
    response = upload(staff_client, "bad.json", (EXAMPLES / "invalid-dangling-reference.json").read_bytes())
    assert response.status_code == 400
    body = response.content.decode()
    assert "p1" in body and "does-not-exist" in body
    assert ImportBatch.objects.count() == 0


def test_staff_upload_xlsx(staff_client, small_directory):
    payload = records.export_payload()
    payload["organizations"][0]["city"] = "Luminy"
    response = upload(staff_client, "dir.xlsx", xlsx.export_xlsx(payload))
    assert response.status_code == 302
    plan = staff_client.get(response["Location"]).context["plan"]
    assert plan.summary == {"create": 0, "update": 1, "unchanged": 6}


def test_not_json_is_a_clear_error(staff_client, db):
    response = upload(staff_client, "dir.json", b"{not json")
    assert "JSON" in response.content.decode() and ImportBatch.objects.count() == 0


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
    response = upload(staff_client, "nested.json", content)
    assert response.status_code == 400
    issues = [str(i) for i in response.context["issues"]]
    assert issues and "16" in " ".join(issues)  # the depth limit, GUICHET_IMPORT_MAX_DEPTH, named
    assert ImportBatch.objects.count() == 0


def test_deeply_nested_json_is_refused_by_the_command_line_too(db):
    with pytest.raises(read.ImportRefused) as refused:
        read.parse_json("[" * 100_000 + "]" * 100_000)
    assert "16" in str(refused.value)
