"""Work too long or too big for a request (issue 9, defect 7; issue 15, defect 10): crafted files get a
translated error naming the limit, never a 500; a large preview is counts and pages, not every record."""

import io
import json

import pytest
from django.test import TestCase
from django.utils import translation

from guichet.directory.exchange import check, xlsx
from guichet.directory.models import ImportBatch, Organization

pytestmark = pytest.mark.django_db


def upload(client, name, content, language="en"):
    """The file's page once its check job (run when the upload commits) is over."""
    client.cookies["guichet_language"] = language
    f = io.BytesIO(content)
    f.name = name
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/directory/import/", {"file": f})
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


@pytest.mark.slow
def test_a_crafted_workbook_of_200000_rows_is_refused_by_its_row_count(staff_client):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("organizations")
    sheet.append(["key", "name", "kind"])
    for i in range(200_000):
        sheet.append([f"o{i}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(buffer.getvalue()) < 3_000_000  # small on disk, large once read
    response = upload(staff_client, "rows.xlsx", buffer.getvalue())
    assert "150000" in response.content.decode() and "split it" in response.content.decode()
    assert ImportBatch.objects.get().status == "refused"


def test_a_workbook_that_unpacks_to_too_much_is_refused(staff_client, settings):
    settings.GUICHET_IMPORT_MAX_XLSX_UNPACKED_BYTES = 1024 * 1024
    payload = {"organizations": [{"key": f"o{i}", "name": "x" * 200, "kind": "company"} for i in range(6000)]}
    data = xlsx.export_xlsx(payload)
    response = upload(staff_client, "big.xlsx", data)
    assert "unpacks to more than 1 MB" in response.content.decode()
    assert ImportBatch.objects.get().status == "refused"


@pytest.mark.parametrize("depth", [50, 200_000])
def test_deeply_nested_json_is_a_translated_error(staff_client, depth):
    data = ("[" * depth + "]" * depth).encode()
    response = upload(staff_client, "deep.json", data, language="fr")
    assert "niveaux" in response.content.decode()  # French: "… plus de 16 niveaux …"
    assert ImportBatch.objects.get().status == "refused"


def test_too_many_records_are_refused_before_the_schema_check(settings):
    settings.GUICHET_IMPORT_MAX_RECORDS = 10
    payload = {"format": "guichet-directory", "version": 1,
               "organizations": [{"key": f"o{i}", "name": "O", "kind": "company"} for i in range(11)]}
    with translation.override("en"):
        [issue] = check.check_payload(payload)
    assert "more than 10 records" in issue.message


def test_thousands_of_errors_are_all_readable_page_by_page(staff_client):
    payload = {"format": "guichet-directory", "version": 1,
               "organizations": [{"key": f"o{i}", "name": "O", "kind": "castle"} for i in range(120)]}
    response = upload(staff_client, "bad.json", json.dumps(payload).encode())
    body = response.content.decode()
    assert "120 problems" in body
    refused = ImportBatch.objects.get(status="refused")
    assert refused.payload == {}  # the errors are kept, not the file
    pages = [staff_client.get(f"/directory/import/{refused.pk}/?errors={n}").content.decode() for n in (1, 2, 3)]
    for n in range(120):
        assert sum(f"<code>o{n}</code>" in page for page in pages) == 1
    assert Organization.objects.count() == 0


def test_a_large_preview_shows_counts_and_pages_not_every_record(staff_client):
    payload = {"format": "guichet-directory", "version": 1,
               "organizations": [{"key": f"org-{i:04d}", "name": f"Organisation {i}", "kind": "company"}
                                 for i in range(1000)]}
    preview = upload(staff_client, "many.json", json.dumps(payload).encode())
    body = preview.content.decode()
    assert preview.context["plan"].summary == {"create": 1000, "update": 0, "unchanged": 0}
    assert "org-0000" in body and "org-0019" in body and "org-0020" not in body
    assert len(body) < 60_000  # the old page listed all 1,000 rows (about 200 bytes each)
    url = f"/directory/import/{ImportBatch.objects.get().pk}/"
    second = staff_client.get(url + "?create=2").content.decode()
    assert "org-0020" in second and "org-0000" not in second
    assert staff_client.get(url + "?create=2").context["creates"].paginator.num_pages == 50
