"""The audit log read as a person: field names by their verbose names, codes by the label of the audited model."""

from django.db import transaction
from django.utils import translation

from guichet.core.audit import audit_record
from guichet.core.audit_labels import change_rows


def _event(**kwargs):
    with transaction.atomic():
        return audit_record(actor=None, entity_label="X", **kwargs)


def test_a_code_is_read_by_the_audited_model_not_the_first_model_that_has_it(db):
    assessment = _event(action="assessment.done", entity_type="assessment", entity_key="1",
                        changes={"status": ["running", "done"]})
    batch = _event(action="import.apply", entity_type="import", entity_key="2", changes={"status": ["queued", "running"]})
    with translation.override("en"):
        assert change_rows(assessment) == [("status", "Assessing", "Done", False)]
        assert change_rows(batch)[0][2] == "Importing"
    with translation.override("fr"):
        assert [str(v) for v in change_rows(assessment)[0][:2]] == ["statut", "Évaluation en cours"]


def test_the_audit_page_names_fields_by_their_verbose_names(client, staff):
    _event(action="desk_request.triage", entity_type="desk_request", entity_key="7",
           changes={"status": ["new", "triaged"], "organization_id": [None, 3]})
    _event(action="assessment.done", entity_type="assessment", entity_key="8", changes={"status": ["running", "done"]})
    client.force_login(staff)
    body = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Évaluation en cours" in body and "Import en cours" not in body
    assert "<code>status</code>" not in body and "organization_id" not in body
    assert '<span class="field">statut</span>\u00a0:' in body


def test_events_about_no_model_keep_their_names_and_values(db):
    event = _event(action="month.close", entity_type="month", entity_key="2026-11", changes={"frobbed": [False, True]})
    assert change_rows(event) == [("frobbed", False, True, True)]  # a machine name, shown as code


def test_an_event_with_many_changes_folds_them_under_their_count(client, staff):
    # An instrument's creation lists its 18 fields: the row was 664 px tall on a phone (issue 15).
    changes = {f"field_{n}": [None, n] for n in range(18)}
    _event(action="instrument.create", entity_type="instrument", entity_key="9", changes=changes)
    client.force_login(staff)
    body = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<details class="audit-changes"><summary>18 champs modifiés</summary>' in body
    english = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<summary>18 fields changed</summary>" in english


def test_a_few_changes_stay_in_sight(client, staff):
    _event(action="month.close", entity_type="month", entity_key="2026-11", changes={"frobbed": [False, True]})
    client.force_login(staff)
    body = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "audit-changes" not in body and "<code>frobbed</code>" in body


def test_a_long_value_is_cut_with_its_whole_text_one_tap_away(client, staff):
    description = "Démonstrateur pré-industriel " + "très long " * 40 + "fin du texte"
    _event(action="organization.update", entity_type="organization", entity_key="10",
           changes={"description": ["", description], "meta": [None, {"a": 1, "b": "deux"}]})
    client.force_login(staff)
    body = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    summary = body.split('<details class="audit-value"><summary>', 1)[1].split("</summary>", 1)[0]
    assert len(summary) <= 60 and summary.endswith("…")
    assert f'<span class="audit-full">{description}</span>' in body
    assert "{&quot;a&quot;: 1, &quot;b&quot;: &quot;deux&quot;}" in body  # a structure as JSON, not Python's repr


def test_recorded_moments_and_dates_read_in_the_readers_format_and_paris_time(db):
    event = _event(action="booking.create", entity_type="booking", entity_key="1",
                   changes={"start": [None, "2026-12-21T08:30:00+00:00"], "end": ["not a moment", "2026-02-30T00:00"]})
    project = _event(action="project.update", entity_type="project", entity_key="p",
                     changes={"ends_on": ["2026-12-31", "2027-06-30"]})
    with translation.override("fr"):
        rows = change_rows(event)
        assert rows[0][2] == "21/12/2026 09:30"   # UTC 08:30 is 09:30 in Paris in winter
        assert rows[1][1:3] == ("not a moment", "2026-02-30T00:00")   # not a moment: left as written
        assert change_rows(project)[0][1:3] == ("31/12/2026", "30/06/2027")
    with translation.override("en"):
        assert change_rows(event)[0][2] == "21/12/2026 09:30"   # day-month-year in English too (formats/en)


def test_booleans_and_amounts_read_in_the_readers_language(client, staff):
    # An instrument's update showed "False → True" and "1234.50" as the audit stored them (issue 15).
    _event(action="instrument.update", entity_type="instrument", entity_key="5",
           changes={"bookable": [False, True], "hourly_academic": ["1234.50", "80.00"]})
    client.force_login(staff)
    french = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<del>Non</del> → <ins>Oui</ins>" in french and "<del>No</del> → <ins>Yes</ins>" in english
    assert "<del>1\u202f234,50</del> → <ins>80,00</ins>" in french or "<del>1\u00a0234,50</del> → <ins>80,00</ins>" in french
    assert "<del>1,234.50</del> → <ins>80.00</ins>" in english
    assert "True" not in french and "1234.50" not in french


# Every (record type, name) the demo's services wrote that the audit page showed as code (`samples_received_at`,
# `routed_to`, `trial_site_id`, `sample.Espèce`...): a name the model's fields do not translate.
RECORDED_NAMES = [
    ("application", "retention_days"), ("consumable", "for"), ("service_order", "samples_received_at"),
    ("service_order", "sample.Espèce"), ("service", "label"), ("service", "label_en"), ("service", "kind"),
    ("service", "required"), ("service", "choices"), ("service", "choices_en"), ("service", "help_text"),
    ("service", "min_value"), ("service", "max_value"), ("service", "prices"), ("assessment", "antibodies"),
    ("instrument", "expected_back_at"), ("instrument", "cancelled_bookings"), ("booking", "cancelled_bookings"),
    ("month", "invoices"), ("month", "closed"), ("accounting", "vat.academic"), ("accounting", "code.exemple.cyto.academic"),
    ("socialapp", "server_url"), ("socialapp", "hidden"), ("project", "alert"), ("project", "used"),
    ("groupmembership", "decided_by_id"), ("project", "created_at"), ("researchgroup", "created_at"),
    ("proposal", "budget"), ("proposal", "partnership"), ("partnership", "stage"), ("partnership", "confirmed"),
    ("partnership", "confirmed_for"), ("posting", "hired"), ("annual_report", "summary"), ("annual_report", "outlook"),
    ("declaration", "evidence"), ("campaign", "organizations"), ("royaltyline", "licence_id"),
    ("licencemilestone", "licence_id"), ("patentapplication", "family_id"), ("inclusioncount", "trial_site_id"),
    ("contractmilestone", "trial_site_id"), ("trialsite", "trial_id"), ("trialstatuschange", "trial_id"),
    ("desk_request", "routing"), ("desk_request", "site"), ("desk_request", "estimate"), ("desk_request", "interest"),
    ("desk_request", "routed_to"), ("desk_request", "told"), ("desk_request", "indication"), ("desk_request", "area"),
    ("desk_request", "phase"), ("desk_request", "population"), ("desk_request", "inclusion_criteria"),
    ("desk_request", "patients_needed"), ("desk_request", "recruitment_start"), ("desk_request", "recruitment_months"),
    ("desk_request", "deadline"), ("desk_request", "by"), ("desk_request", "attachments"), ("meeting", "partnership"),
    ("meeting", "slot"), ("meeting", "table"), ("session", "attended"), ("impact_report", "reports"),
]


def test_every_name_the_services_record_is_read_by_its_translated_name(db):
    event = _event(action="x.update", entity_type="x", entity_key="1", changes={})
    untranslated = {}
    for entity_type, name in RECORDED_NAMES:
        event.entity_type, event.changes = entity_type, {name: [None, "1"]}
        for language in ("fr", "en"):
            with translation.override(language):
                label, _before, _after, machine = change_rows(event)[0]
            if machine or "_" in str(label):
                untranslated.setdefault((entity_type, name), []).append((language, str(label)))
    assert untranslated == {}


def test_recorded_names_read_in_french_with_french_typography(db):
    event = _event(action="service_order.samples", entity_type="service_order", entity_key="1",
                   changes={"samples_received_at": [None, "2026-12-01T09:00:00+00:00"], "sample.Espèce": [None, "souris"]})
    with translation.override("fr"):
        assert [str(row[0]) for row in change_rows(event)] == ["échantillons reçus le", "formulaire d’échantillon\u00a0: Espèce"]
        assert change_rows(event)[0][2] == "01/12/2026 10:00"  # the moment in Paris time, not ISO in UTC
    with translation.override("en"):
        assert [str(row[0]) for row in change_rows(event)] == ["samples received at", "sample form: Espèce"]


def test_an_empty_list_or_object_reads_as_nothing_not_as_json():
    # The trial saw "[]" on the audit page where a list was emptied (a project's platforms, a routing's reach).
    from guichet.core.audit_labels import value_text

    assert value_text([]) == value_text({}) == value_text(None) == "∅"
    assert value_text(["cyto"]) == '["cyto"]' and value_text({"a": 1}) == '{"a": 1}'
