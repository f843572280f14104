"""An awarded proposal becomes an antibody programme (issue 16): proposed from the award (owner the lead, partners
the consortium, budget the amount awarded, milestones dated from "M6 — ..."), completed by staff, refused field by
field with nothing written, one audited transaction, linked back to the proposal and shown on both pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.accounts.models import Membership, Role
from guichet.calls import services
from guichet.calls.models import Proposal
from guichet.core.models import AuditEvent
from guichet.directory.models import Organization
from guichet.programmes.models import Programme
from guichet.programmes.services import (
    ProgrammeError,
    parse_milestones,
    programme_from_award,
    proposed_from_award,
)

from .call_fixtures import make_call, make_draft
from .conftest import make_user

pytestmark = pytest.mark.django_db

DECIDED = timezone.make_aware(timezone.datetime(2026, 11, 30, 10, 0))


@pytest.fixture
def awarded(small_directory, member, staff):
    call = make_call()
    proposal = make_draft(member, call)
    services.proposal_submit(actor=member, proposal=proposal)
    services.proposal_decide(actor=staff, proposal=proposal, award=True, reason="Excellent.", amount="40000",
                             now=DECIDED)
    proposal.refresh_from_db()
    return proposal


def _form(**changes):
    return {"code": "CYTO-X", "name": "Tri cellulaire", "target": "CD19", "format": "monoclonal",
            "stage": "discovery", "visibility": "private", "budget": "40000",
            "milestones": "2027-05-30 — panel\n2027-11-30 — essai"} | changes


def test_the_form_is_proposed_from_the_award(awarded):
    proposed = proposed_from_award(awarded)
    assert proposed["code"] == "CYTO-X" and proposed["name"] == "Tri cellulaire des lymphocytes T"
    assert proposed["budget"] == Decimal("40000.00") and proposed["target"] == "" and proposed["visibility"] == "private"
    # "M6 — panel", "M12 — essai": months from the decision (30 November 2026)
    assert proposed["milestones"] == "2027-05-30 — panel\n2027-11-30 — essai"


def test_staff_turn_an_award_into_a_programme_through_the_page(client, awarded, staff):
    client.force_login(staff)
    page = client.get(reverse("calls:proposal", args=[awarded.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="programme-form"' in page and "2027-05-30 — panel" in page
    response = client.post(reverse("calls:programme", args=[awarded.pk]), _form())
    assert response.status_code == 302 and response["Location"] == reverse("programmes:detail", args=["CYTO-X"])
    programme = Programme.objects.get()
    assert (programme.owner.key, programme.target, programme.format, programme.budget_eur) == (
        "lab-tcell", "CD19", "monoclonal", Decimal("40000.00"))
    assert [o.key for o in programme.partners.all()] == ["acme-bio"] and programme.stage == "discovery"
    assert [(m.due_on, m.title) for m in programme.milestones.all()] == [
        (date(2027, 5, 30), "panel"), (date(2027, 11, 30), "essai")]
    awarded.refresh_from_db()
    assert awarded.programme_id == programme.pk
    created = AuditEvent.objects.get(action="programme.create")
    assert created.changes["proposal"] == [None, awarded.pk] and created.changes["budget_eur"] == [None, "40000.00"]
    assert AuditEvent.objects.get(action="proposal.programme").changes == {"programme": [None, "CYTO-X"]}
    # Shown on both sides: the proposal links to its programme, the programme to its proposal and call.
    page = client.get(reverse("calls:proposal", args=[awarded.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The programme it became: CYTO-X" in page and 'id="programme-form"' not in page
    page = client.get(reverse("programmes:detail", args=["CYTO-X"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("calls:proposal", args=[awarded.pk]) in page and "40,000.00 EUR" in page
    assert "panel" in page and "Seed call for projects" in page


def test_the_applicant_sees_the_programme_their_award_became_a_colleague_does_not_open_the_proposal(
        client, awarded, staff, member):
    programme_from_award(actor=staff, proposal=awarded, **_form())
    client.force_login(member)
    page = client.get(reverse("calls:proposal", args=[awarded.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Le programme issu de ce projet\u00a0: CYTO-X" in page and 'id="programme-form"' not in page
    colleague = make_user("colleague@test.example", Role.MEMBER)
    Membership.objects.create(user=colleague, organization=Organization.objects.get(key="lab-tcell"))
    client.force_login(colleague)
    page = client.get(reverse("programmes:detail", args=["CYTO-X"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # the owner's member sees the programme and where it came from, not a link into the confidential proposal
    assert 'id="programme-origin"' in page and reverse("calls:proposal", args=[awarded.pk]) not in page


@pytest.mark.parametrize("changes,field,message", [
    ({"target": ""}, "target", "This field is required."),
    ({"format": ""}, "format", "This field is required."),
    ({"code": "CYTO X!"}, "code", "Code: letters, digits, hyphens and underscores only."),
    ({"budget": "0"}, "budget", "Budget: give an amount in euros above zero"),
    ({"budget": "12.345"}, "budget", "Budget: give an amount in euros above zero"),
    ({"milestones": "2027-05-30 — panel\nM12 — essai"}, "milestones",
     "Milestones, line 2: a date then the milestone, as “2027-06-30 — first results”."),
    ({"milestones": "2027-02-30 — panel"}, "milestones", "Milestones, line 1: a date then the milestone"),
    ({"milestones": "2090-01-01 — too far"}, "milestones", "Milestones, line 1: Give a date between"),
])
def test_a_bad_field_is_named_on_the_form_and_nothing_is_written(client, awarded, staff, changes, field, message):
    client.force_login(staff)
    response = client.post(reverse("calls:programme", args=[awarded.pk]), _form(**changes), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert 'id="programme-form"' in page
    assert not Programme.objects.exists() and not AuditEvent.objects.filter(action__startswith="programme").exists()
    awarded.refresh_from_db()
    assert awarded.programme_id is None


def test_the_refusal_is_translated(client, awarded, staff):
    client.force_login(staff)
    response = client.post(reverse("calls:programme", args=[awarded.pk]), _form(milestones="bientôt"),
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert "Jalons, ligne 1\u00a0: une date puis le jalon" in response.content.decode()


def test_a_code_already_taken_is_refused_naming_the_code(awarded, staff, small_directory):
    Programme.objects.create(code="CYTO-X", name="Other", owner=Organization.objects.get(key="acme-bio"), target="X",
                             format="other")
    with pytest.raises(ProgrammeError) as refused:
        programme_from_award(actor=staff, proposal=awarded, **_form())
    assert refused.value.field == "code"
    assert Programme.objects.count() == 1 and not Proposal.objects.filter(programme__isnull=False).exists()


def test_only_staff_and_only_an_award_once(awarded, staff, member, small_directory):
    with pytest.raises(ProgrammeError):
        programme_from_award(actor=member, proposal=awarded, **_form())
    programme_from_award(actor=staff, proposal=awarded, **_form())
    with pytest.raises(ProgrammeError) as refused:
        programme_from_award(actor=staff, proposal=awarded, **_form(code="CYTO-Y"))
    assert refused.value.field == "programme" and Programme.objects.count() == 1
    other = make_draft(member, awarded.call, acronym="OTHER")
    with pytest.raises(ProgrammeError) as refused:
        programme_from_award(actor=staff, proposal=other, **_form(code="OTHER"))
    assert refused.value.field == "status"


def test_a_member_cannot_post_the_programme_form(client, awarded, member):
    client.force_login(member)
    assert client.post(reverse("calls:programme", args=[awarded.pk]), _form()).status_code == 403
    assert not Programme.objects.exists()


def test_milestones_parse_dated_lines_and_skip_blank_ones():
    assert parse_milestones("2027-01-31 — one\n\n2027-02-28: two") == [(date(2027, 1, 31), "one"),
                                                                       (date(2027, 2, 28), "two")]


def test_the_programmes_api_gives_the_budget_and_the_milestones_to_whoever_sees_the_programme(
        client, awarded, staff, member):
    from guichet.accounts.services import api_token_create

    programme_from_award(actor=staff, proposal=awarded, **_form(visibility="public"))
    Programme.objects.create(code="OWN-1", name="Declared", owner=Organization.objects.get(key="acme-bio"),
                             target="X", format="other", visibility="public")
    raw = api_token_create(actor=member, name="t")[1]
    for headers in ({}, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}):
        body = {p["code"]: p for p in client.get("/api/v1/programmes", **headers).json()}
        assert body["CYTO-X"]["budget_eur"] == "40000.00"  # euros as a string to the cent, as every amount
        assert body["CYTO-X"]["milestones"] == [{"due_on": "2027-05-30", "title": "panel"},
                                                {"due_on": "2027-11-30", "title": "essai"}]
        assert body["OWN-1"]["budget_eur"] is None and body["OWN-1"]["milestones"] == []


def test_a_private_programmes_budget_and_milestones_stay_with_who_sees_it(client, awarded, staff):
    programme_from_award(actor=staff, proposal=awarded, **_form())  # private
    assert client.get("/api/v1/programmes").json() == []
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["ProgrammeOut"]["properties"]["milestones"]["items"]["$ref"].endswith("/MilestoneOut")
    assert {"budget_eur", "milestones"} <= set(schema["ProgrammeOut"]["required"])
