"""The main journeys in real headless Chromium against a live server."""

import pytest

from guichet.directory.exchange import records, xlsx
from guichet.directory.models import Organization

from ..conftest import load_example

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory(transactional_db):
    from guichet.directory.services import directory_import

    directory_import(actor=None, payload=load_example("valid-small.json"))


def result_names(page):
    return page.locator("#results .result-name").all_inner_texts()


def test_search_in_french_with_and_without_accents_then_switch_to_english(page, live_server, directory):
    page.goto(live_server.url + "/directory/")
    assert page.locator("h1").inner_text() == "Annuaire"
    page.fill("#q", "cytométrie")
    page.wait_for_url("**q=cytom*")
    page.wait_for_selector("#results .result-name")
    with_accent = result_names(page)
    assert "Plateforme de cytométrie (exemple)" in with_accent
    page.fill("#q", "cytometrie")
    page.wait_for_url("**q=cytometrie*")
    page.wait_for_selector("#results .result-name")
    assert result_names(page) == with_accent
    page.fill("#q", "anticorps humanisés")
    page.wait_for_url("**q=anticorps*")
    page.wait_for_selector("#results")
    page.select_option("select[name=kind]", "hospital")
    page.fill("#q", "lupus")
    page.wait_for_url("**q=lupus*")
    page.wait_for_function("() => document.querySelectorAll('#results .result-name').length === 1")
    assert result_names(page) == ["Service de rhumatologie (exemple)"]
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Directory"
    assert page.locator("label:has(select[name=kind])").inner_text().startswith("Kind of organization")


def test_staff_uploads_xlsx_and_confirms_the_preview(page, live_server, directory, staff, tmp_path, settings):
    staff.set_password("correct-horse-battery")
    staff.save()
    payload = records.export_payload()
    payload["organizations"].append({"key": "newco", "name": "NewCo Immuno", "kind": "startup", "city": "Marseille"})
    workbook = tmp_path / "annuaire.xlsx"
    workbook.write_bytes(xlsx.export_xlsx(payload))

    page.goto(live_server.url + "/accounts/login/?next=/directory/import/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url("**/directory/import/")
    page.set_input_files("input[type=file]", str(workbook))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/directory/import/*/")
    assert page.locator("#n-create").inner_text() == "1"
    assert page.locator("#n-unchanged").inner_text() == "7"
    assert "NewCo Immuno" in page.locator("table.preview").inner_text()
    assert not Organization.objects.filter(key="newco").exists()
    page.click("text=Confirmer l'importation")
    page.wait_for_url("**/directory/")
    assert "1 créés" in page.locator(".messages").inner_text()
    assert Organization.objects.get(key="newco").name == "NewCo Immuno"
