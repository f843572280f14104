"""The antibody batch journey in Chromium, as the new-user trial of issue 14 walked it: a 10 MB file refused
with a sentence (not the live server's bare 500), a batch with bad entries uploaded on a phone in English and
read back in its list and its CSV, another member refused."""

import csv
import io

import pytest

from ..factories import UserFactory
from ..test_antibodies import TRASTUZUMAB_VH, TRASTUZUMAB_VL
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_batch_journey_with_bad_entries_an_oversized_file_and_another_member(browser, live_server, tmp_path):
    UserFactory(email="batch@e2e.example")
    UserFactory(email="other@e2e.example")

    page = login(browser, live_server, "batch@e2e.example")
    big = tmp_path / "big.fasta"
    record = f">big_VH\n{TRASTUZUMAB_VH}\n>big_VL\n{TRASTUZUMAB_VL}\n"
    big.write_text("".join(record.replace("big", f"big{i}") for i in range(10 * 1024 * 1024 // len(record) + 1)))
    page.goto(live_server.url + "/antibodies/")
    page.fill("#id_title", "Trop gros")
    page.set_input_files("#id_file", str(big))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "Les séquences dépassent 8192 Ko au total" in page.locator("main [role=alert]").inner_text()
    assert page.locator("#id_title").is_visible()  # the form again, to send a smaller file

    phone = login(browser, live_server, "batch@e2e.example", viewport={"width": 390, "height": 844},
                  accept_downloads=True)
    phone.context.add_cookies([{"name": "guichet_language", "value": "en", "url": live_server.url}])  # EN button
    odd = TRASTUZUMAB_VH[:20] + "B123" + TRASTUZUMAB_VH[24:]
    batch = tmp_path / "batch.fasta"
    batch.write_text("".join(f">ab{i}_VH\n{TRASTUZUMAB_VH}\n>ab{i}_VL\n{TRASTUZUMAB_VL}\n" for i in range(20))
                     + f">empty_VH\n\n>empty_VL\n\n>odd_VH\n{odd}\n>odd_VL\n{TRASTUZUMAB_VL}\n>lone_VH\n{TRASTUZUMAB_VH}\n")
    phone.goto(live_server.url + "/antibodies/")
    phone.fill("#id_title", "Panel with bad entries")
    phone.set_input_files("#id_file", str(batch))
    # The live server's first assessment loads the humanness index (several seconds on a busy machine).
    with phone.expect_navigation(url="**/antibodies/*/", timeout=90000):
        phone.click("main form button[type=submit]")
    rows = phone.locator("table.table tbody tr")
    assert rows.count() == 23  # above 20, a job (run at once by the tests' queue) and a list
    assert "1 domain not assessed" in rows.nth(20).text_content() and "empty" in rows.nth(20).text_content()
    assert "1 domain not assessed" in rows.nth(21).text_content() and "1 domain" not in rows.nth(22).text_content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls in its own box
    # The "#" column takes its figures' width, not a text column's 11rem (176 px pushed names and badges off the box).
    assert phone.eval_on_selector(".batch .table td.num", "cell => cell.getBoundingClientRect().width") < 80
    batch_url = phone.url
    with phone.expect_download() as info:
        phone.click(f"a[href$='{batch_url.rstrip('/').rsplit('/', 1)[1]}.csv']")
    # The export's first row names the columns by label, the second by code, then a row per domain.
    codes, *table = csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8-sig").read()))
    assert codes["Antibody"] == "antibody" and codes["Errors"] == "errors"
    assert [r["Antibody"] for r in table] == [f"ab{i // 2}" for i in range(40)] + ["empty", "odd", "odd", "lone"]
    assert table[40]["Errors"] == "missing sequence"
    assert table[41]["Errors"] == "not amino-acid letters: 1, 2, 3, B"  # in English, as asked, not the worker's
    phone.goto(batch_url + "21/")
    assert "missing sequence" in phone.locator("main").inner_text()

    other = login(browser, live_server, "other@e2e.example")
    for path in ("", "21/", "21.pdf"):
        assert other.goto(batch_url + path).status == 404
    csv_url = batch_url.rstrip("/") + ".csv"
    assert other.request.get(csv_url).status == 404
