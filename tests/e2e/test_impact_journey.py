"""Impact in Chromium: staff open the dashboard, change the period and download the XLSX; a visitor sees
the public showcase without private programmes."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from guichet.directory.models import Organization
from guichet.programmes.models import Indication, Programme, ProgrammeStageChange
from guichet.startups.models import Startup

from ..factories import UserFactory
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(transactional_db):
    owner = Organization.objects.create(key="s1", name="S1", kind="startup")
    Startup.objects.create(organization=owner, founded_on=date(2021, 3, 1), origin="lab_spinoff")
    Startup.objects.create(organization=Organization.objects.create(key="s2", name="S2", kind="startup"),
                           founded_on=date(2024, 3, 1), origin="other")
    for code, name, visibility in [("PUB-1", "Openumab", "public"), ("PRIV-1", "Secretumab", "private"),
                                   ("MEM-1", "Membumab", "members")]:
        p = Programme.objects.create(code=code, name=name, owner=owner, target="CD3", format="bispecific",
                                     visibility=visibility)
        Indication.objects.create(programme=p, name="lupus", therapeutic_area="autoimmune")
        ProgrammeStageChange.objects.create(programme=p, stage="discovery", on=date(2022, 1, 1))
    UserFactory(email="staff@e2e.example", staff=True)


def test_staff_dashboard_period_and_xlsx(browser, live_server, data):
    page = login(browser, live_server, "staff@e2e.example")
    page.goto(live_server.url + "/impact/")
    assert page.locator("#kpi-startups_total strong").inner_text() == "2"
    page.fill("input[name=start]", "2021-01-01")
    page.fill("input[name=end]", "2021-12-31")
    page.fill("input[name=as_of]", "2021-12-31")
    page.click("#period button[type=submit]")
    page.wait_for_url("**as_of=2021-12-31*")
    assert page.locator("#kpi-startups_total strong").inner_text() == "1"
    assert page.locator("#kpi-startups_in_period strong").inner_text() == "1"
    assert page.locator(".chart svg").count() >= 4
    with page.expect_download() as info:
        page.click("#export-xlsx")
    workbook = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert workbook.sheetnames[0] == "Indicateurs"  # the page was in French: so is the workbook
    # Row 1: titles in the reader's language; row 2: machine names; data from row 3 (core.exports).
    values = {row[0]: row[2] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert values["startups_total"] == 1 and values["startups_in_period"] == 1


def test_visitor_sees_the_showcase_without_private_programmes(browser, live_server, data):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/programmes/")
    text = page.locator("main").inner_text()
    assert "Openumab" in text and "Secretumab" not in text and "Membumab" not in text
    context.close()
