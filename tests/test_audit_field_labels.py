"""Issue 15: every field name an audited service records is shown by a translated name on the audit page and the
admin's record, never as code ("for" of a consumable's use read « pour » / "for", not <code>for</code>).

The names are collected twice: from the source (each `changes=` an audited service writes, tests/audit_fields.py)
and by running the demo's services (`loaddemo`: bookings, orders, the desk, trainings, imports...), whose events
also carry the names a diff of two records writes, which the source cannot tell."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from guichet.core.audit import audit_record
from guichet.core.audit_labels import change_rows, field_name
from guichet.core.models import AuditEvent

from .audit_fields import audited_field_names


def test_every_field_name_the_source_records_has_a_translated_name():
    found, _unresolved = audited_field_names()
    assert len(found) > 150   # the reader still reads the services' changes
    raw = sorted({f"{kind}:{name}" for kind, name in found if field_name(kind or "", name) is None})
    assert raw == []


@pytest.mark.django_db
def test_every_field_name_the_demos_services_record_is_shown_by_its_name_in_french_and_english():
    from io import StringIO

    call_command("loaddemo", stdout=StringIO())
    events = list(AuditEvent.objects.exclude(changes={}))
    assert len(events) > 100
    for language in ("fr", "en"):
        with translation.override(language):
            raw = sorted({f"{e.entity_type}:{row[0]}" for e in events for row in change_rows(e) if row[3]})
        assert raw == [], "\n".join([language, *raw])


@pytest.mark.parametrize("language, name", [("fr", "pour"), ("en", "for")])
def test_the_audit_page_and_the_admins_record_name_a_consumables_for(client, admin_user, language, name):
    with transaction.atomic():
        event = audit_record(actor=None, action="consumable.use", entity_type="consumable", entity_key="3",
                             entity_label="Gants", changes={"stock": [10, 8], "for": [None, "booking 12"]})
    client.force_login(admin_user)
    page = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    record = client.get(f"/admin/core/auditevent/{event.pk}/change/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for body in (page, record):
        assert "<code>for</code>" not in body and "<code>stock</code>" not in body
        assert f'<span class="field">{name}</span>' in body
