"""Issue 15, leftovers: an audit event's action reads by the audit page's label at every door that shows it — the
admin's list and record, the personal-data export (the code kept there for programs) — the audit page filters by
what a reader reads, and a step reads lower-case after the dash in French and English."""

import json

import pytest
from django.db import transaction
from django.utils import timezone, translation

from guichet.core.audit import audit_record
from guichet.core.audit_labels import action_label
from guichet.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(actor=None):
    with transaction.atomic():
        audit_record(actor=actor, action="booking.cancel", entity_type="booking", entity_key="7", entity_label="B7")
        audit_record(actor=actor, action="booking.cancelled", entity_type="booking", entity_key="7",
                     entity_label="B7")
        audit_record(actor=actor, action="organization.create", entity_type="organization", entity_key="lab",
                     entity_label="Lab")
    return AuditEvent.objects.get(action="booking.cancel")


# --- one rule: lower-case after the dash ---------------------------------------------------------------------

@pytest.mark.parametrize("language, code, label", [
    ("fr", "booking.cancelled", "Réservation — annulée"), ("en", "booking.cancelled", "Booking — cancelled"),
    ("fr", "booking.cancel", "Réservation — annulation"), ("en", "booking.cancel", "Booking — cancelled"),
])
def test_a_step_reads_lower_case_after_the_dash_in_french_and_english(language, code, label):
    # A status label ("Annulée", "Cancelled") used as the step read "Réservation — Annulée".
    with translation.override(language):
        assert action_label(code) == label


def test_an_initialism_or_a_name_after_the_dash_keeps_its_capitals():
    from guichet.core.audit_labels import _lower_first

    with translation.override("en"):
        assert action_label("signon.oidc_save") == "Sign-on — OpenID Connect provider saved"
    assert _lower_first("CV deleted") == "CV deleted" and _lower_first("SAML metadata") == "SAML metadata"
    assert _lower_first("Annulée") == "annulée" and _lower_first("") == ""


# --- the admin ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, label", [("fr", "Réservation — annulation"), ("en", "Booking — cancelled")])
def test_the_admin_list_and_record_show_the_action_by_its_label(client, admin_user, language, label):
    event = _events()
    client.force_login(admin_user)
    listing = client.get("/admin/core/auditevent/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert label in listing
    assert ">booking.cancel<" not in listing   # the code only in the label's title
    record = client.get(f"/admin/core/auditevent/{event.pk}/change/", HTTP_ACCEPT_LANGUAGE=language)
    assert record.status_code == 200
    page = record.content.decode()
    assert label in page and "<code>booking.cancel</code>" in page   # the code beside it, as a code


def test_the_admin_names_record_types_and_reads_changes_as_the_audit_page(client, admin_user):
    event = _events()
    client.force_login(admin_user)
    listing = client.get("/admin/core/auditevent/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Réservation</a>" in listing and ">booking</a>" not in listing   # the filter, by name
    assert "?entity_type=booking" in listing
    record = client.get(f"/admin/core/auditevent/{event.pk}/change/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<span title="booking">Réservation</span>' in record
    assert '<ul class="diff">' in record   # not the JSON as stored
    # the title in Paris time, as "when" beneath it (it read UTC)
    assert timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M") in str(event)


def test_the_admin_still_finds_an_action_by_its_code(client, admin_user):
    _events()
    client.force_login(admin_user)
    page = client.get("/admin/core/auditevent/", {"q": "organization.create"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Organization — created" in page and "Booking — cancelled" not in page


# --- the personal-data export ------------------------------------------------------------------------------

@pytest.mark.parametrize("language, label", [("fr", "Réservation — annulation"), ("en", "Booking — cancelled")])
def test_the_personal_data_export_gives_each_action_its_code_and_its_label(client, member, language, label):
    _events(actor=member)
    client.force_login(member)
    response = client.post("/privacy/export/", HTTP_ACCEPT_LANGUAGE=language)
    data = json.loads(response.content.decode("utf-8"))   # a real JSON parser, as a program reads it
    events = {e["action"]: e for e in data["parts"]["audit"]["events"]}
    assert events["booking.cancel"]["action_label"] == label   # the code stays for programs
    assert all(e["action_label"] != e["action"] for e in events.values())


# --- the audit page's filter ---------------------------------------------------------------------------------

def _audit(client, language="en", **query):
    return client.get("/staff/audit/", query, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("language, every, one", [
    ("fr", "Réservation — toutes les actions", "Réservation — annulée"),
    ("en", "Booking — all actions", "Booking — cancelled")])
def test_the_action_filter_lists_what_the_reader_reads(client, staff, language, every, one):
    _events()
    client.force_login(staff)
    page = _audit(client, language).content.decode()
    assert '<select name="action" id="audit-action">' in page
    assert f'<option value="booking.">{every}</option>' in page
    assert f'<option value="booking.cancelled">{one}</option>' in page
    assert 'placeholder="organization."' not in page


def test_filtering_by_a_record_kind_or_one_action(client, staff):
    _events()
    client.force_login(staff)
    kind = _audit(client, action="booking.")
    assert {e.action for e in kind.context["page"]} == {"booking.cancel", "booking.cancelled"}
    assert '<option value="booking." selected>' in kind.content.decode()
    one = _audit(client, action="booking.cancel")
    assert [e.action for e in one.context["page"]] == ["booking.cancel"]   # not booking.cancelled too


@pytest.mark.parametrize("value", ["book", "booking", "nothing.at_all", "booking.no_such_step", "x" * 200,
                                   "booking.cancel\x00"])
@pytest.mark.parametrize("language, said", [("en", "Action: “"), ("fr", "Action\u00a0: «\u00a0")])
def test_a_bad_action_is_the_translated_400_naming_the_parameter(client, staff, value, language, said):
    client.force_login(staff)
    response = _audit(client, language, action=value)
    assert response.status_code == 400
    assert said in response.content.decode()


def test_a_bad_page_of_the_audit_log_is_the_400_naming_it(client, staff):
    client.force_login(staff)
    response = _audit(client, page="99")
    assert response.status_code == 400 and "Page: “99”" in response.content.decode()
