"""One API error contract (issue 10, item 6): domain refusals mapped once in config/api.py, members-only
operations refused by their auth, typed answers (no free-form `dict`), money as strings."""

import ast
import json
from decimal import Decimal

import pytest

from guichet.accounts.models import Membership, Role
from guichet.accounts.services import api_token_create
from guichet.antibodies import engine as antibodies_engine
from guichet.bookings import services as bookings_services
from guichet.config.api import DOMAIN_ERRORS, api
from guichet.core import idempotency, params
from guichet.desk import services as desk_services
from guichet.directory.models import Organization, RecordKind, SearchEntry
from guichet.matching.engine import QueryRefused

from .conftest import ROOT, make_user
from .test_antibodies import TRASTUZUMAB_VH, TRASTUZUMAB_VL

pytestmark = pytest.mark.django_db


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def status_of(exc_class):
    handler = api._lookup_exception_handler(exc_class.__new__(exc_class))
    assert handler is not None, exc_class
    return next(DOMAIN_ERRORS[c] for c in exc_class.__mro__ if c in DOMAIN_ERRORS)


def test_every_refusal_of_the_services_has_its_status():
    assert status_of(bookings_services.NotTrained) == status_of(bookings_services.NotAllowed) == 403
    assert status_of(bookings_services.SlotUnavailable) == status_of(bookings_services.BookingError) == 409
    assert status_of(desk_services.NotAllowed) == 403
    assert status_of(QueryRefused) == status_of(antibodies_engine.InputError) == status_of(params.BadParameter) == 400
    assert status_of(idempotency.KeyReused) == 422
    # Every subclass the services define answers something (a new one inherits its family's status).
    for family in (bookings_services.BookingError, desk_services.DeskError, antibodies_engine.InputError):
        for sub in subclasses(family):
            assert status_of(sub) in {400, 403, 409, 422}, sub
    # --- orders in the API (issue 13, item 5) --- a refused answer or order field is the caller's input
    from guichet.bookings.orders import OrderError
    from guichet.facility.samples import SampleError

    assert status_of(SampleError) == status_of(OrderError) == 422


def test_no_operation_catches_a_mapped_refusal_itself():
    mapped = {cls.__name__ for cls in DOMAIN_ERRORS}  # an Http404 may still be caught for a closer message
    caught = []
    for path in sorted((ROOT / "src" / "guichet").glob("*/api.py")):
        if path.parent.name == "config":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
                caught += [f"{path.parent.name}/api.py:{node.lineno} {getattr(n, 'attr', getattr(n, 'id', ''))}"
                           for n in names if getattr(n, "attr", getattr(n, "id", "")) in mapped]
    assert caught == []


def test_a_booking_refusal_keeps_its_status_field_and_language(client, small_directory):
    from guichet.platforms.models import Instrument

    instrument = Instrument.objects.filter(requires_training=True).first()
    assert instrument is not None
    raw = api_token_create(actor=make_user("untrained@api.example", Role.MEMBER), name="t")[1]
    body = {"instrument": instrument.key, "start": "2031-03-03T10:00:00+01:00", "end": "2031-03-03T11:00:00+01:00"}
    refused = client.post("/api/v1/bookings", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
                          HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail", "field", "errors"} and refused.json()["detail"]


def test_a_desk_message_on_a_request_you_cannot_see_is_a_404(client, member):
    raw = api_token_create(actor=member, name="t")[1]
    response = client.post("/api/v1/desk/requests/999999/messages", {"body": "hello"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404 and response.json()["detail"] == "Introuvable."


@pytest.mark.parametrize("url", ["/api/v1/startups", "/api/v1/partnerships"])
def test_members_only_lists_answer_401_to_anonymous_callers(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication required: send Authorization: Bearer <token>."


def test_money_is_a_string_to_the_cent(client, staff):
    from guichet.partnerships.models import Partnership
    from guichet.startups.models import FundingRound, Startup

    org = Organization.objects.create(key="acme-bio", name="Acme Bio", kind="company")
    startup = Startup.objects.create(organization=org, founded_on="2020-01-01")
    FundingRound.objects.create(startup=startup, on="2021-09-01", amount_eur=Decimal("1234567.89"))
    Partnership.objects.create(title="P", type="licence", value_eur=Decimal("9999999999.99"), created_by=staff)
    client.force_login(staff)
    rounds = client.get("/api/v1/startups").json()[0]["rounds"]
    assert rounds[0]["amount_eur"] == "1234567.89"
    assert client.get("/api/v1/partnerships").json()[0]["value_eur"] == "9999999999.99"  # no float would keep it


def test_the_antibody_report_is_typed_and_complete(client):
    raw = api_token_create(actor=make_user("typed@ab.example", Role.MEMBER), name="t")[1]
    text = f">x_H\n{TRASTUZUMAB_VH}\n>x_L\n{TRASTUZUMAB_VL}\n>bad_H\nHELLOWORLD\n"
    response = client.post("/api/v1/antibodies/assess", {"text": text}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    expected = json.loads(json.dumps([r.as_dict() for r in antibodies_engine.assess_batch(text)]))
    assert response.json() == expected  # the schema drops nothing and converts nothing
    assert response.json()[0]["developability"]["total_cdr_length"]["value"] > 0


def test_every_directory_record_kind_is_answered_whole(client, small_directory):
    for kind in RecordKind.values:
        entry = SearchEntry.objects.filter(record_kind=kind).order_by("key").first()
        if entry is None:
            continue
        body = client.get(f"/api/v1/directory/records/{entry.key}").json()
        assert body["kind"] == kind and body["record"]["key"] == entry.key
        if kind == RecordKind.SERVICE:
            assert "platform" in body["record"] and "prices" in body["record"]
        if kind == RecordKind.PLATFORM:
            assert body["record"]["services"] and "organization" in body["record"]


def test_no_operation_answers_a_free_form_object(client):
    schema = client.get("/api/v1/openapi.json").json()

    def free_form(node):
        if node.get("type") == "object" and "properties" not in node and "$ref" not in node:
            return not isinstance(node.get("additionalProperties"), dict) or free_form(node["additionalProperties"])
        if node.get("type") == "array":
            return free_form(node.get("items", {}))
        return False

    loose = [(path, method) for path, item in schema["paths"].items() for method, op in item.items()
             for status, response in op["responses"].items() if status.startswith("2")
             and free_form(response.get("content", {}).get("application/json", {}).get("schema", {}))]
    assert loose == []


def test_a_member_of_an_organization_sees_its_partnerships_with_a_token(client, staff):
    from guichet.partnerships.models import Partnership

    org = Organization.objects.create(key="s1", name="S1", kind="company")
    member = make_user("party@api.example", Role.MEMBER)
    Membership.objects.create(user=member, organization=org)
    mine = Partnership.objects.create(title="Mine", type="licence", value_eur=Decimal("10"), created_by=staff)
    mine.parties.add(org)
    Partnership.objects.create(title="Other", type="licence", value_eur=Decimal("10"), created_by=staff)
    raw = api_token_create(actor=member, name="t")[1]
    titles = [p["title"] for p in client.get("/api/v1/partnerships", HTTP_AUTHORIZATION=f"Bearer {raw}").json()]
    assert titles == ["Mine"]
