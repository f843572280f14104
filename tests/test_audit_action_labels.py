"""Every action code the code base can write reads as a label in French and English (issue 15): the audit log
showed `booking.create` as it was stored."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import trans_real

from guichet.core.audit import audit_record
from guichet.core.audit_labels import action_label, action_parts

from .action_codes import action_codes


def _translated_in_french(label) -> bool:
    """The label has a French translation (a word French writes alike, "Message", is in the catalog)."""
    with translation.override("en"):
        english = str(label)
    with translation.override("fr"):
        french = str(label)
    catalog = trans_real.translation("fr")._catalog
    return french != english or english in catalog or any(
        isinstance(key, str) and key.endswith("\x04" + english) for key in catalog.keys())


def test_the_source_reader_finds_every_way_an_action_is_written(db):
    codes, unresolved = action_codes()
    assert unresolved == []
    # what the reader must see: literals, helpers' literals, statuses, the generic services' models, form steps
    assert {"booking.create", "booking.cancelled", "proposal.submit", "call.close", "order.quote",
            "desk_routing.answer", "mfa.add", "instrument.create", "platform.managers", "startup.founders",
            "meeting_request.accepted", "user.password_reset", "headcount.validate"} <= codes


def test_every_action_code_the_code_base_can_write_has_a_label_in_french_and_english(db):
    codes, _ = action_codes()
    unlabelled = sorted(code for code in codes if action_parts(code) is None)
    assert unlabelled == []
    untranslated = sorted({str(part) for code in codes for part in action_parts(code)
                           if not _translated_in_french(part)})
    assert untranslated == []


def test_the_audit_page_shows_an_action_by_its_label_in_the_readers_language(client, staff):
    with transaction.atomic():
        audit_record(actor=None, action="booking.create", entity_type="booking", entity_key="1", entity_label="X")
        audit_record(actor=None, action="booking.cancelled", entity_type="booking", entity_key="1", entity_label="X")
    client.force_login(staff)
    french = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with translation.override("fr"):
        assert action_label("booking.create") == "Réservation — création"
        assert action_label("booking.cancelled") == "Réservation — annulée"
    assert "Réservation — création" in french and "Réservation — annulée" in french
    assert "Booking — created" in english
    assert "<code>booking.create</code>" not in french and ">booking.create<" not in french
