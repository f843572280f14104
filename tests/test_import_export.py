import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from guichet.core.models import AuditEvent
from guichet.directory.exchange import check, plan, read, records, xlsx
from guichet.directory.models import Organization, Person, SearchEntry
from guichet.directory.services import directory_import
from guichet.platforms.models import Instrument, Service

from .conftest import EXAMPLES, ROOT, load_example

pytestmark = pytest.mark.django_db


def counts():
    return (Organization.objects.count(), Person.objects.count(), Service.objects.count(),
            Instrument.objects.count(), SearchEntry.objects.count(), AuditEvent.objects.count())


def test_bundled_schema_is_the_shared_one():
    shared = EXAMPLES.parent / "directory-v1.schema.json"
    if not shared.exists():
        pytest.skip("../shared/formats is absent")
    assert json.loads(shared.read_text()) == read.schema()


def test_valid_small_example_imports_every_record():
    plan = directory_import(actor=None, payload=load_example("valid-small.json"))
    assert plan.summary == {"create": 7, "update": 0, "unchanged": 0}
    assert Organization.objects.get(key="acme-bio").kind == "company"
    assert Person.objects.get(key="p-martin").organization.key == "lab-tcell"
    sort = Service.objects.get(key="cyto.sort")
    assert str(sort.price_industry) == "140.00" and sort.platform.key == "cyto"
    assert Instrument.objects.get(key="cyto.aria").requires_training is True


@pytest.mark.parametrize("name, record, field", [
    ("invalid-bad-kind.json", "x1", "kind"),
    ("invalid-dangling-reference.json", "p1", "organization"),
    ("invalid-duplicate-key.json", "x1", "key"),
    ("invalid-unknown-field.json", "x1", "colour"),
])
def test_invalid_examples_are_refused_naming_record_and_field(name, record, field):
    before = counts()
    with pytest.raises(read.ImportRefused) as refused:
        directory_import(actor=None, payload=load_example(name))
    assert (record, field) in {(i.record, i.field) for i in refused.value.issues}
    assert counts() == before


def test_an_error_anywhere_imports_nothing(small_directory):
    payload = load_example("valid-small.json")
    payload["organizations"].append({"key": "new-org", "name": "New", "kind": "company"})
    payload["organizations"][0]["name"] = "Renamed lab"
    payload["platforms"][0]["services"][0]["unit"] = "fortnight"  # the last record is wrong
    before = counts()
    with pytest.raises(read.ImportRefused) as refused:
        directory_import(actor=None, payload=payload)
    assert [(i.record, i.field) for i in refused.value.issues] == [("cyto.sort", "unit")]
    assert counts() == before
    assert not Organization.objects.filter(key="new-org").exists()
    assert Organization.objects.get(key="lab-tcell").name != "Renamed lab"


def test_a_database_error_midway_rolls_back_everything(small_directory, monkeypatch):
    from guichet.directory import services

    payload = load_example("valid-small.json")
    payload["organizations"].append({"key": "late-org", "name": "Late", "kind": "company"})
    payload["people"][0]["title"] = "Changed title"
    real_index = services.index_records

    def failing_index(records):
        real_index(records)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "index_records", failing_index)
    before = counts()
    with pytest.raises(RuntimeError):
        directory_import(actor=None, payload=payload)
    assert counts() == before
    assert Person.objects.get(key="p-martin").title == "Directrice de recherche"


def test_reimport_changes_nothing(small_directory):
    stamps = dict(Organization.objects.values_list("key", "updated_at"))
    events = AuditEvent.objects.count()
    plan = directory_import(actor=None, payload=load_example("valid-small.json"))
    assert plan.summary == {"create": 0, "update": 0, "unchanged": 7}
    assert dict(Organization.objects.values_list("key", "updated_at")) == stamps
    assert AuditEvent.objects.count() == events


def test_update_by_key_reports_changed_fields_and_audits_them(small_directory, staff):
    payload = load_example("valid-small.json")
    payload["organizations"][1]["city"] = "Marseille"
    payload["platforms"][0]["services"][0]["prices"]["academic"] = 50
    plan = directory_import(actor=staff, payload=payload)
    assert plan.summary == {"create": 0, "update": 2, "unchanged": 5}
    updated = {c.key: c.changes for c in plan.changes if c.action == "update"}
    assert updated["acme-bio"] == {"city": ["Aix-en-Provence", "Marseille"]}
    assert updated["cyto.sort"]["prices"][1]["academic"] == 50.0
    event = AuditEvent.objects.get(entity_key="acme-bio", action="organization.update")
    assert event.actor == staff and event.changes == {"city": ["Aix-en-Provence", "Marseille"]}


def test_export_reimport_export_is_byte_identical(small_directory, tmp_path):
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    call_command("export", str(first))
    Organization.objects.all().update(name="scrambled")  # the reimport must restore it
    call_command("import", str(first))
    call_command("export", str(second))
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text())
    assert [o["key"] for o in data["organizations"]] == sorted(o["key"] for o in data["organizations"])
    assert list(data) == sorted(data)


def test_export_matches_what_was_imported(small_directory):
    exported = records.export_payload()
    original = load_example("valid-small.json")
    assert {o["key"]: o for o in exported["organizations"]} == {o["key"]: o for o in original["organizations"]}
    assert exported["people"] == original["people"]


@pytest.mark.slow
def test_cli_reports_errors_and_exits_non_zero(tmp_path, db):
    proc = subprocess.run([sys.executable, "-m", "guichet", "import", str(EXAMPLES / "invalid-bad-kind.json")],
                          capture_output=True, text=True, env=_cli_env(tmp_path), cwd=ROOT)
    assert proc.returncode == 1
    assert "x1" in proc.stderr and "kind" in proc.stderr


def _cli_env(tmp_path):
    import os

    env = dict(os.environ, GUICHET_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "src"))
    env.pop("GUICHET_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "guichet", "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    return env


def test_command_import_error_raises_command_error(db):
    with pytest.raises(CommandError):
        call_command("import", str(EXAMPLES / "invalid-unknown-field.json"))


def test_xlsx_template_round_trips_to_the_same_payload(small_directory):
    payload = records.export_payload()
    workbook = xlsx.export_xlsx(payload)
    import io

    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(workbook)).sheetnames
    assert sheets == ["organizations", "people", "platforms", "services", "instruments"]
    parsed = xlsx.parse_xlsx(workbook)
    assert check.check_payload(parsed) == []
    assert plan.plan_import(parsed).summary == {"create": 0, "update": 0, "unchanged": 7}


def test_xlsx_with_an_unknown_column_is_refused(db):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "organizations"
    ws.append(["key", "name", "kind", "colour"])
    ws.append(["x1", "X", "company", "blue"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(read.ImportRefused) as refused:
        xlsx.parse_xlsx(buffer.getvalue())
    assert ("organizations", "colour") in {(i.record, i.field) for i in refused.value.issues}


def test_keys_are_unique_across_record_types(small_directory):
    payload = {"format": "guichet-directory", "version": 1,
               "people": [{"key": "acme-bio", "name": "Someone"}]}
    with pytest.raises(read.ImportRefused) as refused:
        directory_import(actor=None, payload=payload)
    assert [(i.record, i.field) for i in refused.value.issues] == [("acme-bio", "key")]
