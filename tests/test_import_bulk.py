"""The import's bulk writes (core/bulk.py): the audit and search rows it now writes as plain tuples are the
rows the ORM wrote, and key lookups through one parameter find every stored key."""

import pytest
from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import Role, User
from guichet.core.bulk import insert_rows, key_set
from guichet.core.models import AuditEvent
from guichet.directory.models import Organization, SearchEntry
from guichet.directory.search import search_entries
from guichet.directory.services import directory_import

PAYLOAD = {"format": "guichet-directory", "version": 1, "organizations": [
    {"key": "bulk-lab", "name": "Laboratoire de cytométrie", "kind": "research_lab", "lang": "fr", "city": "Nice",
     "description": "Tri cellulaire et cytométrie en flux.", "therapeutic_areas": ["cancer"]},
    {"key": "bulk-co", "name": "Bulk Antibodies", "kind": "company", "lang": "en"},
], "people": [{"key": "bulk-ana", "name": "Ana Lopez", "organization": "bulk-lab", "title": "Ingénieure",
               "email": "ana@bulk.example"}]}


@pytest.mark.django_db
def test_an_import_audits_each_record_by_its_actor_with_its_fields():
    staff = User.objects.create_user("bulk-staff@example.org", "pw-bulk-2026", role=Role.STAFF)
    directory_import(actor=staff, payload=PAYLOAD)
    events = {e.entity_key: e for e in AuditEvent.objects.filter(entity_key__startswith="bulk-")}
    assert set(events) == {"bulk-lab", "bulk-co", "bulk-ana"}
    lab = events["bulk-lab"]
    assert (lab.action, lab.entity_type, lab.entity_label) == ("organization.create", "organization",
                                                               "Laboratoire de cytométrie")
    assert lab.actor == staff and lab.actor_label == "bulk-staff@example.org"
    assert lab.changes["city"] == [None, "Nice"] and lab.changes["therapeutic_areas"] == [None, ["cancer"]]
    assert events["bulk-ana"].action == "person.create" and events["bulk-ana"].changes["email"][1] == "ana@bulk.example"
    assert len({e.at for e in events.values()}) == 1  # one import, one moment
    # An update is audited with its diff only.
    directory_import(actor=None, payload={**PAYLOAD, "organizations": [
        {**PAYLOAD["organizations"][0], "city": "Marseille"}, PAYLOAD["organizations"][1]]})
    update = AuditEvent.objects.get(entity_key="bulk-lab", action="organization.update")
    assert update.actor is None and update.actor_label == "system"
    assert update.changes == {"city": ["Nice", "Marseille"]}


@pytest.mark.django_db
def test_the_search_rows_written_in_bulk_are_read_back_whole():
    directory_import(actor=None, payload=PAYLOAD)
    lab = SearchEntry.objects.get(key="bulk-lab")
    assert lab.object_id == Organization.objects.get(key="bulk-lab").pk
    assert (lab.record_kind, lab.lang, lab.city, lab.org_kind) == ("organization", "fr", "Nice", "research_lab")
    assert lab.areas == " cancer " and lab.sort_name == "laboratoire de cytométrie"
    assert "cytometr" in lab.document and isinstance(lab.concepts, dict) and lab.indexed_at is not None
    person = SearchEntry.objects.get(key="bulk-ana")
    assert person.summary == "Ingénieure · Laboratoire de cytométrie" and person.embedding is None
    # Updated in place by one UPDATE per row: same row, new text, and the full-text index follows.
    directory_import(actor=None, payload={**PAYLOAD, "organizations": [
        {**PAYLOAD["organizations"][0], "description": "Séquençage de cellule unique."}, PAYLOAD["organizations"][1]]})
    again = SearchEntry.objects.get(key="bulk-lab")
    assert again.pk == lab.pk and "sequenc" in again.document
    assert "bulk-lab" in [e.key for e in search_entries("séquençage")[0]]


@pytest.mark.django_db
def test_one_parameter_carries_more_keys_than_sqlite_allows_variables():
    # The old lookups cut keys in lists of 500 because SQLite refuses more than 999 variables (32,766 in
    # recent builds): one JSON parameter (an array on PostgreSQL) has no such limit.
    Organization.objects.create(key="kept-org", name="Kept", kind="company")
    keys = [f"absent-{i}" for i in range(40_000)] + ["kept-org"]
    assert list(Organization.objects.filter(key__in=key_set(keys)).values_list("key", flat=True)) == ["kept-org"]
    assert not Organization.objects.filter(key__in=key_set([])).exists()


@pytest.mark.django_db(transaction=True)
def test_bulk_writes_refuse_to_run_outside_a_transaction():
    row = ("2026-01-01T00:00:00+00:00", None, "system", "x.create", "x", "k", "", {})
    with pytest.raises(RuntimeError):
        insert_rows(AuditEvent, ("at", "actor", "actor_label", "action", "entity_type", "entity_key",
                                 "entity_label", "changes"), [row])
    assert not AuditEvent.objects.filter(entity_key="k").exists()
    with transaction.atomic():
        insert_rows(AuditEvent, ("at", "actor", "actor_label", "action", "entity_type", "entity_key",
                                 "entity_label", "changes"), [(timezone.now(), *row[1:])])
    assert AuditEvent.objects.get(entity_key="k").changes == {}


INSTRUMENT_PAYLOAD = {**PAYLOAD, "platforms": [{
    "key": "bulk-cyto", "name": "Plateforme de cytométrie", "organization": "bulk-lab", "lang": "fr",
    "services": [{"key": "bulk-cyto.tri", "name": "Tri cellulaire", "unit": "hour",
                  "prices": {"academic": 40.5, "industry": 120}}],
    "instruments": [{"key": "bulk-cyto.aria", "name": "BD FACSAria III", "requires_training": True}]}]}


@pytest.mark.django_db
def test_the_records_are_written_as_rows_with_every_default_of_their_model(monkeypatch):
    # Issue 9's import cost: the records go through core/bulk.py's prepared INSERT, not bulk_create, and
    # a field the file does not carry still gets its model default, as bulk_create gave it.
    from django.db.models import QuerySet

    from guichet.platforms.models import Instrument, Service

    def no_orm_bulk(*args, **kwargs):
        raise AssertionError("the import compiled its rows through the ORM")
    monkeypatch.setattr(QuerySet, "bulk_create", no_orm_bulk)
    monkeypatch.setattr(QuerySet, "bulk_update", no_orm_bulk)
    directory_import(actor=None, payload=INSTRUMENT_PAYLOAD)
    aria = Instrument.objects.select_related("platform__organization").get(key="bulk-cyto.aria")
    fresh = Instrument()
    assert aria.platform.organization.key == "bulk-lab" and aria.requires_training is True
    for name in ("bookable", "approval_required", "opens_at", "closes_at", "open_weekdays", "min_duration",
                 "max_duration", "slot_minutes", "min_notice", "hourly_academic", "description", "lang"):
        assert getattr(aria, name) == getattr(fresh, name), name
    assert aria.created_at == aria.updated_at and aria.created_at is not None
    tri = Service.objects.get(key="bulk-cyto.tri")
    assert (str(tri.price_academic), tri.price_startup, str(tri.price_industry)) == ("40.50", None, "120.00")
    assert SearchEntry.objects.get(key="bulk-cyto.aria").object_id == aria.pk
    # Updated in place, the other fields kept.
    Instrument.objects.filter(pk=aria.pk).update(slot_minutes=15)
    changed = {**INSTRUMENT_PAYLOAD, "platforms": [{**INSTRUMENT_PAYLOAD["platforms"][0], "instruments": [
        {"key": "bulk-cyto.aria", "name": "BD FACSAria Fusion", "requires_training": False}]}]}
    directory_import(actor=None, payload=changed)
    aria.refresh_from_db()
    assert (aria.name, aria.requires_training, aria.slot_minutes) == ("BD FACSAria Fusion", False, 15)
    assert aria.updated_at > aria.created_at
    assert SearchEntry.objects.get(key="bulk-cyto.aria").name == "BD FACSAria Fusion"


@pytest.mark.django_db
def test_the_garbage_collector_rests_during_an_import_and_is_back_after(monkeypatch):
    import gc

    from guichet.directory import services

    seen = []
    real = services._warm_tags
    monkeypatch.setattr(services, "_warm_tags", lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    assert gc.isenabled()
    directory_import(actor=None, payload=PAYLOAD)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(services.ImportRefused):
        directory_import(actor=None, payload={**PAYLOAD, "people": [{"key": "x", "name": "X", "organization": "no"}]})
    assert gc.isenabled()  # after a refusal too


@pytest.mark.django_db
def test_the_import_job_does_not_check_the_schema_the_check_job_checked(monkeypatch):
    import json

    from guichet.directory import services
    from guichet.directory.models import ImportBatch

    staff = User.objects.create_user("bulk-job@example.org", "pw-bulk-2026", role=Role.STAFF)
    batch = services.import_batch_upload(actor=staff, filename="b.json", data=json.dumps(PAYLOAD).encode())
    assert services.import_batch_check(batch.pk) == "checked"
    services.import_batch_confirm(actor=staff, batch=batch)

    def checked_again(payload):
        raise AssertionError("the schema was checked twice")
    monkeypatch.setattr(services, "check_schema", checked_again)
    monkeypatch.setattr(services, "check_payload", checked_again)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert services.import_batch_run(batch.pk) == "applied"
    # Nor does it read the preview's plan back (it plans again under its lock).
    assert not [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"plan"' in q["sql"]]
    assert ImportBatch.objects.get(pk=batch.pk).summary == {"create": 3, "update": 0, "unchanged": 0}
    assert Organization.objects.filter(key__startswith="bulk-").count() == 2


def test_the_collector_stays_off_until_the_last_of_two_concurrent_imports_ends():
    """Two imports in one process (threads of a worker): the first to end must not turn the collector back
    on under the second, and the last to end restores it."""
    import gc
    import threading

    from guichet.core.bulk import collector_paused

    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first ended"] = gc.isenabled()
        seen["after both"] = gc.isenabled()

    assert gc.isenabled()
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"after the first ended": False, "after both": True}
    assert gc.isenabled()
