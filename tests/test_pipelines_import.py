import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from guichet.impact import kpis
from guichet.impact.pipelines_import import PipelinesRefused, import_pipelines
from guichet.partnerships.models import Partnership
from guichet.programmes.models import Programme
from guichet.startups.models import FundingRound, Startup

pytestmark = pytest.mark.django_db


def workbook(**sheets) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = dict(
    startups=[["organization", "founded_on", "origin", "stage"], ["acme-bio", "2022-03-01", "lab_spinoff", "seed"]],
    funding_rounds=[["organization", "on", "amount_eur", "kind"], ["acme-bio", "2023-01-15", 1500000, "Seed"]],
    headcounts=[["organization", "on", "headcount"], ["acme-bio", "2024-01-01", 12], ["lab-tcell", "2024-01-01", 30]],
    partnerships=[["title", "type", "value_eur", "parties"], ["Licence X", "licence", 250000, "lab-tcell; acme-bio"]],
    partnership_stages=[["title", "stage", "on"], ["Licence X", "lead", "2023-02-01"],
                        ["Licence X", "signed", "2023-09-01"]],
    programmes=[["code", "name", "owner", "target", "format", "visibility", "indication", "therapeutic_area"],
                ["AB-1", "Abumab", "acme-bio", "CD20", "monoclonal", "public", "lupus", "autoimmune"]],
    programme_stages=[["code", "stage", "on"], ["AB-1", "discovery", "2023-05-01"]],
)


def test_a_good_workbook_loads_everything_once(small_directory):
    counts = import_pipelines(actor=None, data=workbook(**GOOD))
    assert counts == {"startups": 1, "funding_rounds": 1, "headcounts": 2, "partnerships": 1,
                      "partnership_stages": 2, "programmes": 1, "programme_stages": 1}
    again = import_pipelines(actor=None, data=workbook(**GOOD))
    assert sum(again.values()) == 0
    report = kpis.compute(as_of=kpis.date(2024, 12, 31), start=kpis.date(2024, 1, 1))
    assert report.values["jobs"] == 42 and report.values["partnerships_signed_total"] == 1
    assert Partnership.objects.get().is_public_private


def test_any_error_imports_nothing_and_names_sheet_row_and_field(small_directory):
    bad = dict(GOOD)
    bad["funding_rounds"] = [["organization", "on", "amount_eur"], ["acme-bio", "not a date", 100]]
    bad["programmes"] = GOOD["programmes"][:1] + [["AB-2", "X", "nobody", "Y", "monoclonal", "secret", "", ""]]
    with pytest.raises(PipelinesRefused) as refused:
        import_pipelines(actor=None, data=workbook(**bad))
    where = {(e.sheet, e.row, e.field) for e in refused.value.errors}
    assert {("funding_rounds", 2, "on"), ("programmes", 2, "owner"), ("programmes", 2, "visibility")} <= where
    assert not Startup.objects.exists() and not FundingRound.objects.exists() and not Programme.objects.exists()


def test_command_exits_non_zero_on_errors(small_directory, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(partnerships=[["title", "type", "parties"], ["Solo", "licence", "lab-tcell"]]))
    with pytest.raises(CommandError):
        call_command("importpipelines", str(path))
    template = tmp_path / "template.xlsx"
    call_command("importpipelines", str(template), "--template")
    from openpyxl import load_workbook

    assert load_workbook(template).sheetnames[0] == "startups"
