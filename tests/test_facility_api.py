"""Sample forms and hosting contracts in the API (issue 13, items 5 and 8): whoever may order a service reads its
sample form (the kinds in the reader's language); a hosted company's members read their contracts (the rule of
/hosting/ours/), the team all of them, a building's managers those of their buildings; other callers are
refused, unknown keys answer 404 naming the field, and the schema documents both operations."""

from datetime import date

import pytest

from guichet.accounts.models import Membership, Role
from guichet.accounts.services import api_token_create
from guichet.facility import samples
from guichet.hosting import services as hosting

from . import test_bookings
from .conftest import make_user
from .hosting_fixtures import make_building

lab = test_bookings.lab
pytestmark = pytest.mark.django_db
FORM = "/api/v1/services/cyto.sort/sample-form"
CONTRACTS = "/api/v1/hosting/contracts"


def token(user, language="en"):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='lims')[1]}",
            "HTTP_ACCEPT_LANGUAGE": language}


@pytest.fixture
def form(lab):
    save = lambda **kw: samples.sample_field_save(actor=lab["manager"], service=lab["service"], **{  # noqa: E731
        "required": False, "choices": "", "min_value": None, "max_value": None, "help_text": "", **kw})
    return [save(label="Number of samples", kind="integer", required=True, min_value=1, max_value=96,
                 help_text="At most one plate"),
            save(label="Species", kind="choice", choices="Human\nMouse")]


@pytest.mark.parametrize(("language", "kinds"), [("en", ["Whole number", "Choice from a list"]),
                                                 ("fr", ["Nombre entier", "Choix dans une liste"])])
def test_a_member_reads_a_services_sample_form_in_their_language(client, lab, form, language, kinds):
    response = client.get(FORM, **token(lab["outsider"], language))  # any member may order, in no organization
    assert response.status_code == 200
    body = response.json()
    assert (body["service"], body["name"], body["platform"]) == ("cyto.sort", "Cell sorting", "cyto")
    assert body["questions"] == [
        {"name": f"sample_{form[0].pk}", "position": 1, "label": "Number of samples", "kind": "integer",
         "label_fr": "Number of samples", "label_en": "",  # --- bilingual questions: written once, in `label`
         "kind_label": kinds[0], "required": True, "choices": [], "choices_fr": [], "choices_en": [],
         "min_value": "1.00", "max_value": "96.00", "help_text": "At most one plate",
         "help_text_fr": "At most one plate", "help_text_en": ""},
        {"name": f"sample_{form[1].pk}", "position": 2, "label": "Species", "kind": "choice",
         "label_fr": "Species", "label_en": "", "kind_label": kinds[1], "required": False,
         "choices": ["Human", "Mouse"], "choices_fr": ["Human", "Mouse"], "choices_en": [], "min_value": None,
         "max_value": None, "help_text": "", "help_text_fr": "", "help_text_en": ""}]


def test_a_service_without_a_form_has_no_questions(client, lab):
    assert client.get(FORM, **token(lab["member"])).json()["questions"] == []


def test_the_sample_form_is_refused_to_who_may_not_order_and_names_an_unknown_key(client, lab, form, guest):
    assert client.get(FORM).status_code == 401
    refused = client.get(FORM, **token(guest))
    assert refused.status_code == 403 and "member" in refused.json()["detail"]
    client.force_login(guest)
    assert client.get(FORM).status_code == 403  # the session of a guest: the same rule
    client.logout()
    unknown = client.get("/api/v1/services/no.such/sample-form", **token(lab["member"]))
    assert (unknown.status_code, unknown.json()["field"]) == (404, "key")
    bad = client.get("/api/v1/services/NOT A KEY/sample-form", **token(lab["member"]))
    assert (bad.status_code, bad.json()["field"]) == (422, "key")


@pytest.fixture
def site(db):
    built = make_building()
    member = make_user("founder@vhh.example", Role.MEMBER)
    Membership.objects.create(user=member, organization=built["company"])
    let = lambda space, company, start, end, price: hosting.contract_create(  # noqa: E731
        actor=built["manager"], space=built[space], company=built[company], start=start, end=end,
        surface_m2=built[space].surface_m2, monthly_price=price)
    built.update(member=member, past=let("office", "company", date(2026, 1, 1), date(2026, 12, 31), "500"),
                 current=let("office", "company", date(2027, 1, 1), date(2027, 12, 31), "600.5"),
                 theirs=let("bench", "other", date(2027, 1, 1), date(2027, 6, 30), "300.00"),
                 later=let("bench", "company", date(2027, 7, 1), date(2027, 12, 31), "310.00"))
    hosting.contract_cancel(actor=built["manager"], contract=built["later"])
    other = make_building(key="marseille-c")
    built.update(elsewhere=hosting.contract_create(actor=other["manager"], space=other["office"],
                                                   company=other["other"], start=date(2027, 1, 1),
                                                   end=date(2027, 12, 31), surface_m2="20.00", monthly_price="700"))
    return built


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("guichet.hosting.api.timezone.localdate", lambda *a, **k: date(2027, 3, 15))


def ids(response):
    return [c["id"] for c in response.json()]


def test_a_hosted_companys_member_reads_its_own_contracts(client, site, today):
    response = client.get(CONTRACTS, **token(site["member"]))
    assert response.status_code == 200
    assert response.json() == [
        {"id": site["current"].pk, "space": site["current"].space.resource.key, "space_name": "Office B101",
         "kind": "office", "building": "luminy-b", "building_name": "Building luminy-b", "company": "vhh-bio",
         "company_name": "VHH Bio", "start": "2027-01-01", "end": "2027-12-31", "surface_m2": "20.00",
         "monthly_price": "600.50", "status": "current"},
        {"id": site["past"].pk, "space": site["past"].space.resource.key, "space_name": "Office B101",
         "kind": "office", "building": "luminy-b", "building_name": "Building luminy-b", "company": "vhh-bio",
         "company_name": "VHH Bio", "start": "2026-01-01", "end": "2026-12-31", "surface_m2": "20.00",
         "monthly_price": "500.00", "status": "ended"}]  # not the cancelled one, nor another company's


def test_managers_read_their_buildings_contracts_and_the_team_all(client, site, staff, today):
    managed = client.get(CONTRACTS, **token(site["manager"])).json()
    assert [(c["id"], c["status"]) for c in managed] == [
        (site["later"].pk, "cancelled"), (site["theirs"].pk, "current"), (site["current"].pk, "current"),
        (site["past"].pk, "ended")]
    everything = ids(client.get(CONTRACTS, **token(staff)))
    assert sorted(everything) == sorted([site[k].pk for k in ("past", "current", "theirs", "later", "elsewhere")])
    one = client.get(CONTRACTS, {"building": "marseille-c"}, **token(staff))
    assert ids(one) == [site["elsewhere"].pk] and one.json()[0]["monthly_price"] == "700.00"


def test_contracts_are_refused_to_other_callers(client, site, guest, outsider):
    assert client.get(CONTRACTS).status_code == 401
    assert client.get(CONTRACTS, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    refused = client.get(CONTRACTS, **token(guest))
    assert refused.status_code == 403 and refused.json()["detail"]
    assert client.get(CONTRACTS, **token(outsider)).json() == []  # a member of no hosted company: nothing


@pytest.mark.parametrize(("who", "building", "status"), [
    ("manager", "no-such", 404),        # no such building
    ("manager", "marseille-c", 404),    # another manager's building, where the caller has no contract
    ("member", "marseille-c", 404),     # a building where the member's company has no contract
    ("manager", "NOT A KEY", 422),
    ("manager", "x" * 61, 422),
])
def test_a_bad_building_names_the_field(client, site, who, building, status):
    response = client.get(CONTRACTS, {"building": building}, **token(site[who]))
    assert (response.status_code, response.json()["field"]) == (status, "building")
    assert response.json()["detail"]


def test_a_member_filters_on_a_building_where_they_are_hosted(client, site):
    response = client.get(CONTRACTS, {"building": "luminy-b"}, **token(site["member"]))
    assert sorted(ids(response)) == sorted([site["current"].pk, site["past"].pk])


def test_the_schema_documents_both_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    form = schema["paths"]["/api/v1/services/{key}/sample-form"]["get"]
    contracts = schema["paths"]["/api/v1/hosting/contracts"]["get"]
    for operation, statuses in ((form, {"200", "401", "403", "404", "422"}),
                                (contracts, {"200", "401", "403", "404", "422"})):
        assert set(operation["responses"]) == statuses
        assert {} not in operation["security"] and {"BearerToken": []} in operation["security"]
    assert form["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SampleFormOut")
    out = schema["components"]["schemas"]["ContractOut"]["properties"]
    assert out["monthly_price"]["pattern"] and "status" in out
    building = next(p for p in contracts["parameters"] if p["name"] == "building")
    assert building["schema"].get("maxLength") == 60 or "anyOf" in building["schema"]
