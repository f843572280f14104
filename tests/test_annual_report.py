"""The annual report: a funder's template (data) filled with the figures as of the report's date, generated
by a job as PDF and DOCX; read back with pypdf and python-docx."""

import io
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import docx
import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from guichet.accounts.models import Membership
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.declarations import services as declarations
from guichet.declarations.models import Declaration
from guichet.directory.models import Organization
from guichet.impact import annual, kpis, services
from guichet.impact.models import AnnualReport, ReportTemplate
from guichet.impact.report_templates import DEFAULT_TEMPLATES

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    # Table cells wrap their text over lines: compare words, not line breaks (no-break spaces become spaces).
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def declared(small_directory, member, outsider, staff):
    """Last year's campaign: lab-tcell validated (jobs created 7, publications 13), acme-bio submitted only
    (jobs created 500: must appear nowhere)."""
    year = timezone.localdate().year - 1
    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    Membership.objects.create(user=outsider, organization=Organization.objects.get(key="acme-bio"))
    campaign = declarations.campaign_create(actor=staff, title="Campagne 2025", year=year,
                                            deadline=timezone.localdate() + timedelta(days=20),
                                            cluster_funding_eur=Decimal("2000000"))
    declarations.campaign_open(actor=staff, campaign=campaign)
    lab = Declaration.objects.get(campaign=campaign, organization__key="lab-tcell")
    declarations.declaration_submit(actor=member, declaration=lab, figures={
        "jobs_created": 7, "jobs_maintained": 31, "publications": 13, "funds_public_eur": "700000"})
    validated_at = datetime.combine(timezone.localdate() - timedelta(days=5), time(11), PARIS)
    declarations.declaration_validate(actor=staff, declaration=lab, now=validated_at)
    acme = Declaration.objects.get(campaign=campaign, organization__key="acme-bio")
    declarations.declaration_submit(actor=outsider, declaration=acme, figures={"jobs_created": 500})
    return {"year": year, "validated_on": validated_at.date(), "staff": staff}


def _report(declared, language="fr", as_of=None, key="france-2030") -> AnnualReport:
    report = services.annual_report_create(actor=declared["staff"], template=ReportTemplate.objects.get(key=key),
                                           year=declared["year"], language=language, as_of=as_of)
    services.annual_report_write(actor=declared["staff"], report=report, narratives={
        "summary": "Une année de transfert.\n\nDeuxième paragraphe.", "outlook": "Cap sur 2030.",
        "not-a-section": "ignored"})
    return report


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Jobs enqueued on commit run when the block ends (the immediate backend of the tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _generate(report, staff, run_jobs) -> AnnualReport:
    with run_jobs():
        services.annual_report_generate(actor=staff, report=report)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE, report.error
    return report


def test_the_default_templates_are_seeded_and_every_indicator_has_a_label_a_source_and_a_method():
    assert set(ReportTemplate.objects.values_list("key", flat=True)) >= {t["key"] for t in DEFAULT_TEMPLATES}
    rep = kpis.compute()
    for template in ReportTemplate.objects.all():
        services.report_template_check(template)
        for section in template.sections:
            for key in section.get("indicators", []):
                assert key in rep.values, key
                assert annual.source_of(key), key
                assert rep.methods.get(key) or key in ("members", "startups_total", "startups_in_period", "jobs",
                                                       "partnerships_signed_in_period", "public_private_share",
                                                       "partnerships_value_total", "platform_hours",
                                                       "platform_revenue", "desk_answered", "economic_impact",
                                                       "people_trained_in_period", "training_hours_in_period",
                                                       "events_held_in_period", "event_participants_in_period"), key


def test_the_pdf_and_the_docx_hold_the_validated_figures_the_narrative_and_the_evidence_annex(declared, run_jobs):
    report = _generate(_report(declared), declared["staff"], run_jobs)
    pdf, text_docx = _pdf_text(bytes(report.pdf)), _docx_text(bytes(report.docx))
    for text in (pdf, text_docx):
        assert "Rapport annuel France 2030" in text and "Indicateurs du programme France 2030" in text
        assert "Une année de transfert." in text and "Cap sur 2030." in text and "ignored" not in text
        assert "Emplois créés (déclarations validées, années de la période)" in text
        assert "Publications remerciant une plateforme (déclarations validées)" in text
        assert "Annexe" in text, text[-3000:]
        assert "Laboratoire d'immunologie des lymphocytes T (exemple)" in text  # the validated declaration
        assert "Déclarations annuelles des organisations membres, validées" in text  # each figure's source
    document = docx.Document(io.BytesIO(bytes(report.docx)))
    rows = {r.cells[0].text: r.cells[1].text for t in document.tables for r in t.rows if len(r.cells) == 3}
    assert rows["Emplois créés (déclarations validées, années de la période)"] == "7"
    assert rows["Emplois maintenus (déclarations validées, années de la période)"] == "31"
    assert rows["Publications remerciant une plateforme (déclarations validées)"] == "13"
    assert rows["Effet de levier : cofinancements publics par euro de financement propre du biocluster".replace(
        " :", "\u00a0:")] == "0,35"
    assert len(document.inline_shapes) == 4  # the dashboard's four charts, as pictures
    # acme-bio's 500 jobs (submitted, never validated) are counted nowhere; the coverage says so.
    assert "Emplois créés (déclarations validées, années de la période) 7 " in pdf
    # The annex's figures in the PDF read as French: a capital first, " ; " between them (seen by the new-user
    # trial: "effectif en fin d’année : 42; emplois créés…").
    annex = pdf[pdf.index("Annexe"):]
    assert "Emplois créés dans l’année : 7 ; Emplois maintenus dans l’année : 31 ; Publications" in annex, annex[:600]
    assert re.search(r"\d ; ", annex) and not re.search(r"\d; ", annex), annex[:600]
    # Said as what it is (issue 11): the figure counts the validated figures only, not "declarations received".
    assert "Seuls les chiffres validés sont comptés : 1 sur 2 déclarés." in pdf
    assert "Seuls les chiffres validés sont comptés\u00a0: 1 sur 2 déclarés." in text_docx
    assert "déclarations validées sur" not in pdf and "reçues validées" not in pdf
    assert "Aucun chiffre déclaré pour l’instant." in pdf and "sur 0 déclaré" not in pdf  # nothing declared
    assert AuditEvent.objects.filter(action="annual_report.generated", entity_key=str(report.pk)).exists()


def test_the_report_in_english(declared, run_jobs):
    report = _generate(_report(declared, language="en"), declared["staff"], run_jobs)
    for text in (_pdf_text(bytes(report.pdf)), _docx_text(bytes(report.docx))):
        assert "France 2030 annual report" in text and "France 2030 programme indicators" in text
        assert "Jobs created (validated declarations, years of the period)" in text
        assert "Annex: validated declarations and their evidence" in text
        assert "Only validated figures are counted: 1 of the 2 declared figures." in text
        assert "declarations received" not in text


def test_figures_as_of_a_date_before_the_validation_do_not_count_it(declared, run_jobs):
    report = _report(declared, as_of=declared["validated_on"] - timedelta(days=1))
    report = _generate(report, declared["staff"], run_jobs)
    document = docx.Document(io.BytesIO(bytes(report.docx)))
    rows = {r.cells[0].text: r.cells[1].text for t in document.tables for r in t.rows if len(r.cells) == 3}
    assert rows["Emplois créés (déclarations validées, années de la période)"] == "0"
    assert "Aucune déclaration validée pour cette année à ce jour." in _pdf_text(bytes(report.pdf))


def test_template_checks_name_what_is_wrong(staff):
    good = {"key": "s", "kind": "narrative", "title": {"fr": "Titre", "en": "Title"}}
    for sections, says in (
            ([], "at least one section"),
            ([good, good], "used twice"),
            ([{**good, "kind": "poem"}], "kind is one of"),
            ([{**good, "title": {"fr": "Titre"}}], "French and in English"),
            ([{**good, "kind": "indicators", "indicators": ["nope"]}], "unknown indicator nope"),
            ([{**good, "kind": "indicators"}], "list its indicators")):
        with pytest.raises(services.ReportError) as refused, translation.override("en"):
            services.report_template_save(actor=staff, record=ReportTemplate(key="x", name="X", sections=sections),
                                          is_new=True)
        assert says in str(refused.value)
    assert not ReportTemplate.objects.filter(key="x").exists()


def test_the_admin_refuses_a_broken_template_on_its_field(staff, client):
    client.force_login(staff)
    response = client.post("/admin/impact/reporttemplate/add/", {
        "key": "broken", "name": "Cassé", "name_en": "", "funder": "",
        "sections": '[{"key": "a", "kind": "indicators", "title": {"fr": "A", "en": "A"}, "indicators": ["nope"]}]'})
    assert response.status_code == 200 and "indicateur inconnu nope" in response.content.decode()
    assert not ReportTemplate.objects.filter(key="broken").exists()


def test_pages_write_generate_and_download(declared, client, member, run_jobs):
    client.force_login(member)
    assert client.get("/impact/annual/").status_code == 403
    client.force_login(declared["staff"])
    bad = client.post("/impact/annual/", {"template": ReportTemplate.objects.get(key="france-2030").pk,
                                          "year": 1980, "language": "fr"})
    assert bad.status_code == 400 and not AnnualReport.objects.exists()
    response = client.post("/impact/annual/", {"template": ReportTemplate.objects.get(key="france-2030").pk,
                                               "year": declared["year"], "language": "fr"})
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and report.as_of == timezone.localdate()
    assert client.get(f"/impact/annual/{report.pk}/report.pdf").status_code == 404  # nothing generated yet
    with run_jobs():
        client.post(f"/impact/annual/{report.pk}/", {"narrative-summary": "Texte écrit dans la page.",
                                                     "generate": "1"})
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE
    pdf = client.get(f"/impact/annual/{report.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and "Texte écrit dans la page." in _pdf_text(pdf.content)
    docx_response = client.get(f"/impact/annual/{report.pk}/report.docx")
    assert "Texte écrit dans la page." in _docx_text(docx_response.content)
    page = client.get(f"/impact/annual/{report.pk}/").content.decode()
    assert "Télécharger le PDF" in page and "Texte écrit dans la page." in page
    too_long = client.post(f"/impact/annual/{report.pk}/", {"narrative-summary": "x" * 20_001})
    assert too_long.status_code == 400 and "au plus 20000 caractères" in too_long.content.decode()
    report.refresh_from_db()
    assert report.narratives["summary"] == "Texte écrit dans la page."


def test_a_report_left_by_a_dead_worker_is_generated_again(declared, settings, run_jobs):
    report = _report(declared)
    stale = timezone.now() - timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS + 5)
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.RUNNING, attempts=1,
                                                     heartbeat_at=stale)
    with run_jobs():
        assert services.annual_reports_recover() == 1
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE and bytes(report.pdf).startswith(b"%PDF")
    # A second delivery of the same job does nothing.
    assert services.annual_report_run(report.pk) == "not queued"


def test_a_report_being_generated_is_not_queued_twice(declared):
    report = _report(declared)
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.QUEUED)
    report.refresh_from_db()
    with pytest.raises(services.ReportError):
        services.annual_report_generate(actor=declared["staff"], report=report)


def test_the_evidence_annex_dates_a_declaration_by_its_paris_day(declared):
    """Validated at 23:30 UTC on 31 December: 00:30 on 1 January in Paris, the day the annex says (it said the
    UTC day, the year before)."""
    from datetime import UTC, date

    year = declared["year"]
    Declaration.objects.filter(status=Declaration.Status.VALIDATED).update(
        submitted_at=datetime(year, 12, 31, 23, 30, tzinfo=UTC), validated_at=datetime(year, 12, 31, 23, 30, tzinfo=UTC))
    report = _report(declared, as_of=date(year + 1, 1, 31))
    with translation.override("en"):
        (row,) = annual._declarations(report)
        new_year = formats_date(date(year + 1, 1, 1))
        assert row["declared"].endswith(f"on {new_year}") and row["validated"].endswith(f"on {new_year}")


def formats_date(day):
    from django.utils import formats

    return formats.date_format(day, "DATE_FORMAT")
