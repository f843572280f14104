"""The staff journey of issue 11 in Chromium: staff open a declaration campaign, a member answers with
evidence (on a phone), staff validate, the dashboard's figure moves; staff write and generate the annual
report, and its PDF (pypdf) and DOCX (python-docx) hold the validated figure."""

import io
from datetime import date, timedelta

import docx
import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from guichet.accounts.models import Membership
from guichet.directory.models import Organization
from guichet.directory.services import directory_import

from ..conftest import load_example
from ..factories import UserFactory
from .conftest import login as e2e_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(browser, live_server, email, **viewport):
    return e2e_login(browser, live_server, email, timeout=20000, accept_downloads=True, **viewport)


def _proof(tmp_path):
    path = tmp_path / "effectifs-2025.pdf"
    page = canvas.Canvas(str(path))
    page.drawString(72, 760, "Effectifs 2025")
    page.save()
    return path


def _download(page, selector) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return open(info.value.path(), "rb").read()


def test_campaign_answered_validated_and_reported(browser, live_server, transactional_db, tmp_path):
    directory_import(actor=None, payload=load_example("valid-small.json"))
    # A transactional test before this one (same worker) flushed the templates the data migration wrote:
    # put them back as a fresh installation has them.
    from guichet.impact.models import ReportTemplate
    from guichet.impact.report_templates import DEFAULT_TEMPLATES

    for template in DEFAULT_TEMPLATES:
        ReportTemplate.objects.get_or_create(key=template["key"], defaults={
            k: v for k, v in template.items() if k != "key"})
    UserFactory(email="staff@e2e.example", staff=True)
    Membership.objects.create(user=UserFactory(email="lab@e2e.example"),
                              organization=Organization.objects.get(key="lab-tcell"))
    year = date.today().year - 1
    deadline = (date.today() + timedelta(days=30)).isoformat()
    kpi = f"/impact/?start={year}-01-01&end={year}-12-31"

    staff = login(browser, live_server, "staff@e2e.example")
    staff.goto(live_server.url + "/declarations/campaigns/")
    staff.fill("#id_title", f"Déclarations {year}")
    staff.fill("#id_year", str(year))
    staff.fill("#id_deadline", deadline)
    staff.fill("#id_cluster_funding_eur", "1000000")
    staff.click("#campaign-new button[type=submit]")
    staff.wait_for_selector("#open-campaign")
    staff.click("#open-campaign")
    staff.wait_for_selector("text=La campagne est ouverte")
    assert "Ouverte" in staff.inner_text("#campaign-status").capitalize()
    staff.goto(live_server.url + kpi)
    assert staff.inner_text("#kpi-jobs_created_in_period strong") == "0"

    # The member answers on a phone, from the menu, with a figure out of bounds first.
    member = login(browser, live_server, "lab@e2e.example", viewport={"width": 390, "height": 844})
    member.goto(live_server.url + "/declarations/")
    member.click(f"text=Déclarations {year}")
    member.fill("#id_headcount", "41")
    member.fill("#id_jobs_created", "7")
    member.fill("#id_jobs_maintained", "34")
    member.fill("#id_funds_private_eur", "1e30")
    # The browser refuses it first (the field's max); past the browser, the server refuses it too.
    assert member.evaluate("document.querySelector('#id_funds_private_eur').validity.rangeOverflow")
    member.evaluate("document.querySelector('#declaration-form').noValidate = true")
    member.click("#declaration-form button[type=submit]")
    member.wait_for_selector(".errorlist")
    assert member.evaluate("document.documentElement.scrollWidth") <= 390
    member.fill("#id_funds_private_eur", "250000")
    member.select_option("#id_satisfaction", "4")
    member.set_input_files("#id_evidence", str(_proof(tmp_path)))
    member.click("#declaration-form button[type=submit]")
    member.wait_for_selector("text=Vos chiffres sont envoyés")
    assert "effectifs-2025.pdf" in member.inner_text("#evidence")
    assert member.evaluate("document.documentElement.scrollWidth") <= 390

    # Not validated yet: the dashboard has not moved, and says 0 of 1 validated.
    staff.goto(live_server.url + kpi)
    assert staff.inner_text("#kpi-jobs_created_in_period strong") == "0"
    assert "0 sur 1 déclaré" in staff.inner_text("#kpi-jobs_created_in_period")
    staff.goto(live_server.url + "/declarations/campaigns/")
    staff.click(f"text=Déclarations {year}")
    staff.click("#board >> text=Laboratoire d'immunologie des lymphocytes T (exemple)")
    assert "effectifs-2025.pdf" in staff.inner_text("#evidence")
    staff.click("#validate")
    staff.wait_for_selector("text=Validée : ces chiffres comptent".replace(" :", "\u00a0:"))
    assert "Validée par Staff" in staff.inner_text("#trace")
    staff.goto(live_server.url + kpi)
    assert staff.inner_text("#kpi-jobs_created_in_period strong") == "7"

    # The annual report: France 2030, last year, in French; the narrative written in the page.
    staff.goto(live_server.url + "/impact/annual/")
    staff.select_option("#id_template", label="Rapport annuel France 2030")
    staff.fill("#id_year", str(year))
    staff.click("#report-new button[type=submit]")
    staff.wait_for_selector("#narrative-summary")
    staff.fill("#narrative-summary", "Une année de déclarations validées.")
    staff.click("#generate")
    staff.wait_for_selector("#download-pdf", timeout=60000)
    pdf = _download(staff, "#download-pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Une année de déclarations validées." in text
    assert "Emplois créés (déclarations validées, années de la période) 7 " in text
    assert "Effectif déclaré par les organisations membres (dernière année validée) 41 " in text
    document = docx.Document(io.BytesIO(_download(staff, "#download-docx")))
    rows = {r.cells[0].text: r.cells[1].text for t in document.tables for r in t.rows if len(r.cells) == 3}
    assert rows["Emplois créés (déclarations validées, années de la période)"] == "7"
    assert any("effectifs-2025.pdf" in p.text for p in document.paragraphs)
