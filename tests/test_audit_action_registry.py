"""Issue 15: the audit page's "Action" filter reads the registry of the codes the log holds (`AuditAction`, written
with each event in its transaction), not a DISTINCT over the whole log on each load; the same choices."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from guichet.core.audit import audit_many, audit_record
from guichet.core.audit_labels import action_choices
from guichet.core.models import AuditAction, AuditEvent


def _write():
    with transaction.atomic():
        audit_record(actor=None, action="booking.create", entity_type="booking", entity_key="1")
        audit_record(actor=None, action="booking.cancel", entity_type="booking", entity_key="1")
        audit_record(actor=None, action="booking.create", entity_type="booking", entity_key="2")
    with transaction.atomic():
        audit_many(actor=None, events=[("organization.create", "organization", f"o{n}", "O", {}) for n in range(3)]
                   + [("person.create", "person", "p", "P", {})])


def _distinct():
    return set(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())


def test_each_code_written_is_in_the_registry_once(db):
    _write()
    assert set(AuditAction.objects.values_list("code", flat=True)) == _distinct() == {
        "booking.create", "booking.cancel", "organization.create", "person.create"}


def test_a_write_rolled_back_leaves_no_code_behind(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="invoice.issue", entity_type="invoice", entity_key="9")
        raise RuntimeError
    assert not AuditAction.objects.filter(code="invoice.issue").exists()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_filter_offers_the_same_choices_without_reading_the_whole_log(client, staff, language):
    _write()
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    scans = [q["sql"] for q in queries if "DISTINCT" in q["sql"].upper() and "core_auditevent" in q["sql"]]
    assert scans == []
    from django.utils import translation

    with translation.override(language):
        expected = action_choices(_distinct())
    assert response.context["action_choices"] == expected
    body = response.content.decode()
    for _group, actions in expected:
        for value, label in actions:
            assert f'value="{value}"' in body and str(label) in body
