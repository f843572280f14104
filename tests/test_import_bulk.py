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
