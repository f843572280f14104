"""Service orders with their sample-form answers through the API (issue 13, item 5): a member orders a service
with the answers to its form, checked by the rules of the order page (the same refusal, in the caller's
language, naming the question, nothing written), through the audited `order_create`; they read back their own
orders with the answers, nobody else's. 401 without a token (a session does not write), 403 for a guest, 404
naming the service, project or order, 422 naming the field, never a 500."""

import base64

import pytest
from django.urls import reverse

from guichet.accounts.services import api_token_create
from guichet.bookings.models import ServiceOrder
from guichet.core.models import AuditEvent
from guichet.facility.models import SampleAnswer

from . import test_bookings, test_sample_forms
from .conftest import logged_in

lab, form, good, name = test_bookings.lab, test_sample_forms.form, test_sample_forms.good, test_sample_forms.name
pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/orders"


def token(user, language="en"):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='lims')[1]}",
            "HTTP_ACCEPT_LANGUAGE": language}


def post(client, body, user, language="en"):
    return client.post(ORDERS, body, content_type="application/json", **token(user, language))


def body(form, *, answers=None, **over):
    return {"service": "cyto.sort", "description": "Sort NK cells", "quantity": "2", "cost_centre": "CC-1",
            "answers": good(form) if answers is None else answers, **over}


def plain(text):
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_a_member_orders_with_the_answers_and_reads_them_back(client, lab, form, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sheet = {"name": "sheet.csv", "content": base64.b64encode(b"well,sample\nA1,mouse-1\n").decode()}
    answers = {**good(form), name(form["count"]): 12}  # a number as a JSON number
    response = post(client, body(form, answers=answers, files={name(form["sheet"]): sheet}), lab["member"])
    assert response.status_code == 201, response.content
    placed = ServiceOrder.objects.get()
    got = response.json()
    assert {k: got[k] for k in ("id", "reference", "service", "platform", "status", "description", "quantity",
                                "cost_centre", "project")} == {
        "id": placed.pk, "reference": placed.reference, "service": "cyto.sort", "platform": "cyto",
        "status": "requested", "description": "Sort NK cells", "quantity": "2.00", "cost_centre": "CC-1",
        "project": None}
    assert got["answers"] == [
        {"position": 1, "question": name(form["count"]), "label": "Number of samples", "kind": "integer",
         "value": "12"},
        {"position": 2, "question": name(form["species"]), "label": "Species", "kind": "choice", "value": "Mouse"},
        {"position": 3, "question": name(form["buffer"]), "label": "Buffer", "kind": "text", "value": "PBS"},
        {"position": 4, "question": name(form["hazard"]), "label": "Hazard class", "kind": "choice",
         "value": "BSL-2"},
        {"position": 5, "question": name(form["sheet"]), "label": "Sample sheet", "kind": "file",
         "value": "sheet.csv"}]
    stored = placed.sample_answers.get(kind="file")
    assert stored.file.read() == b"well,sample\nA1,mouse-1\n"
    # Through the audited service, as the page's orders: the answers in the audit entry.
    event = AuditEvent.objects.get(action="order.create")
    assert event.actor == lab["member"] and event.changes["sample.Number of samples"] == [None, "12"]
    # Read back: the list and the order, the same body.
    listed = client.get(ORDERS, **token(lab["member"]))
    assert listed.status_code == 200 and listed.json() == [got]
    one = client.get(f"{ORDERS}/{placed.pk}", **token(lab["member"]))
    assert one.status_code == 200 and one.json() == got


def test_an_answer_to_a_removed_question_keeps_its_label(client, lab, form):
    from guichet.facility import samples

    placed = post(client, body(form), lab["member"]).json()
    samples.sample_field_remove(actor=lab["manager"], field=form["buffer"])
    answers = client.get(f"{ORDERS}/{placed['id']}", **token(lab["member"])).json()["answers"]
    assert {"position": 3, "question": None, "label": "Buffer", "kind": "text", "value": "PBS"} in answers


@pytest.mark.parametrize("over, field", [
    ({"count": ""}, "count"), ({"count": "2.5"}, "count"), ({"count": 200}, "count"), ({"count": "0"}, "count"),
    ({"species": "Zebrafish"}, "species"), ({"hazard": ""}, "hazard"),
])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_bad_answer_is_the_pages_refusal_naming_the_question(client, lab, form, over, field, language):
    response = post(client, body(form, answers=good(form, **over)), lab["member"], language)
    assert response.status_code == 422
    assert response.json()["field"] == name(form[field])
    detail = plain(response.json()["detail"])
    # The order page says the same words under the same question, in the same language.
    logged_in(client, lab["member"])
    page = client.post(reverse("bookings:order_new", args=["cyto.sort"]),
                       {"description": "Sort", "quantity": "2", **good(form, **over)}, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200 and detail in plain(page.content.decode())
    assert form[field].label in detail
    assert (" : " in detail) == (language == "fr")  # French typography: the message is the French one
    assert not ServiceOrder.objects.exists() and not SampleAnswer.objects.exists()


@pytest.mark.parametrize(("language", "words"), [("en", "no question of this service's form"),
                                                 ("fr", "aucune question du formulaire")])
def test_an_answer_to_no_question_and_a_bad_file_are_named(client, lab, form, language, words):
    unknown = post(client, body(form, answers={**good(form), "sample_999999": "x"}), lab["member"], language)
    assert (unknown.status_code, unknown.json()["field"]) == (422, "sample_999999")
    assert words in unknown.json()["detail"]
    garbled = post(client, body(form, files={name(form["sheet"]): {"name": "s.csv", "content": "%%%"}}),
                   lab["member"], language)
    assert (garbled.status_code, garbled.json()["field"]) == (422, name(form["sheet"]))
    assert "base64" in garbled.json()["detail"]
    program = {"name": "sheet.pdf", "content": base64.b64encode(b"MZ\x90\x00 not a pdf").decode()}
    refused = post(client, body(form, files={name(form["sheet"]): program}), lab["member"], language)
    assert (refused.status_code, refused.json()["field"]) == (422, name(form["sheet"]))
    assert "Sample sheet" in refused.json()["detail"] and "sheet.pdf" in refused.json()["detail"]
    blank = post(client, body(form, description="   "), lab["member"], language)
    assert (blank.status_code, blank.json()["field"]) == (422, "description")
    huge = post(client, body(form, quantity="1e9"), lab["member"], language)
    assert (huge.status_code, huge.json()["field"]) == (422, "quantity")
    assert not ServiceOrder.objects.exists() and not SampleAnswer.objects.exists()


@pytest.mark.parametrize(("language", "words"), [("en", "member of the network"), ("fr", "membre du réseau")])
def test_who_may_not_order_is_refused_and_unknowns_are_named(client, lab, form, guest, language, words):
    assert client.post(ORDERS, body(form), content_type="application/json").status_code == 401
    logged_in(client, lab["member"])  # a session reads, never writes
    assert client.post(ORDERS, body(form), content_type="application/json").status_code == 401
    client.logout()
    refused = post(client, body(form), guest, language)
    assert refused.status_code == 403 and words in refused.json()["detail"]
    unknown = post(client, body(form, service="no.such"), lab["member"], language)
    assert (unknown.status_code, unknown.json()["field"]) == (404, "service")
    bad_key = post(client, body(form, service="NOT A KEY"), lab["member"], language)
    assert (bad_key.status_code, bad_key.json()["field"]) == (422, "service")
    project = post(client, body(form, project=123456), lab["member"], language)
    assert (project.status_code, project.json()["field"]) == (404, "project")
    assert not ServiceOrder.objects.exists()


def test_a_caller_reads_only_their_own_orders(client, lab, form, staff):
    placed = post(client, body(form), lab["member"]).json()
    for other in ("outsider", "manager"):  # the platform's manager sees it on the page, not as their own order
        assert client.get(ORDERS, **token(lab[other])).json() == []
        missing = client.get(f"{ORDERS}/{placed['id']}", **token(lab[other]))
        assert (missing.status_code, missing.json()["field"]) == (404, "order_id")
    assert client.get(ORDERS).status_code == 401
    assert client.get(f"{ORDERS}/0", **token(lab["member"])).status_code == 422
    logged_in(client, lab["member"])  # the member's session reads their orders
    assert [o["id"] for o in client.get(ORDERS).json()] == [placed["id"]]


def test_the_schema_documents_the_orders_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    create, listing = schema["paths"]["/api/v1/orders"]["post"], schema["paths"]["/api/v1/orders"]["get"]
    one = schema["paths"]["/api/v1/orders/{order_id}"]["get"]
    assert set(create["responses"]) == {"201", "400", "401", "403", "404", "409", "422"}
    assert create["security"] == [{"BearerToken": []}]
    assert {} not in listing["security"] and {} not in one["security"]
    assert set(one["responses"]) == {"200", "401", "404", "422"}
    answers = schema["components"]["schemas"]["OrderIn"]["properties"]["answers"]
    assert answers["maxProperties"] == 30 and "sample-form" in answers["description"]


@pytest.mark.parametrize("language, words", [("en", "contains a NUL character"), ("fr", "contient un caractère NUL")])
@pytest.mark.parametrize("where", ["description", "cost_centre", "buffer"])
def test_a_nul_character_in_any_text_is_refused_naming_the_field_never_a_500(client, lab, form, where, language,
                                                                             words):
    """JSON carries a NUL ("\\u0000") that a page's form never lets through; PostgreSQL refuses it in a text column,
    which answered a 500 there (and stored it on SQLite). The schema's patterns refuse it (api_types.NO_NUL, TEXT),
    and every service's text check (core.params.text_error) too, naming the field, in the caller's language,
    nothing written."""
    if where == "buffer":
        sent = body(form, answers={**good(form), name(form["buffer"]): "PBS\x00"})
        field = name(form["buffer"])
    else:
        sent, field = body(form, **{where: "Sort\x00NK"}), where
    response = post(client, sent, lab["member"], language)
    assert (response.status_code, response.json()["field"]) == (422, field), response.content
    said = response.json()["errors"][0]["message"] if response.json()["errors"] else response.json()["detail"]
    assert words.lower() in plain(said).lower()  # the schema's refusal or the service's
    assert not ServiceOrder.objects.exists() and not SampleAnswer.objects.exists()
    assert not AuditEvent.objects.filter(action="order.create").exists()


# --- a project out of its dates, at both doors (issue 13) ---

@pytest.fixture
def paying(lab):
    """A project of the member's group that pays for the cytometry platform, and the member trained on the sorter."""
    from datetime import date

    from guichet.groups.models import GroupMembership, Project, ResearchGroup

    group = ResearchGroup.objects.create(key="nk-lab", name="NK lab", organization=lab["startup"])
    GroupMembership.objects.create(group=group, user=lab["member"], status="active", may_charge=True)
    project = Project.objects.create(key="anr-nk", name="ANR NK", funder="ANR", group=group,
                                     starts_on=date(2020, 1, 1), ends_on=date(2099, 12, 31), budget=10000)
    project.platforms.add(lab["platform"])
    test_bookings.trained(lab)
    return project


@pytest.mark.parametrize("when", ["expired", "not yet valid"])
@pytest.mark.parametrize(("language", "words"), [("en", "is valid from"), ("fr", "est valable du")])
def test_a_project_out_of_its_dates_is_the_same_409_through_orders_and_bookings(client, lab, form, paying, when,
                                                                                 language, words):
    """POST /orders answered 404 ("no project of yours") where POST /bookings answers 409 naming the project."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from guichet.bookings.models import Booking
    from guichet.core.models import IdempotencyKey
    from guichet.core.workdays import PARIS

    today = timezone.localdate()
    if when == "expired":
        paying.starts_on, paying.ends_on = today - timedelta(days=400), today - timedelta(days=1)
    else:
        paying.starts_on, paying.ends_on = today + timedelta(days=40), today + timedelta(days=400)
    paying.save()
    ordered = post(client, body(form, project=paying.pk), lab["member"], language)
    ordered_again = client.post(ORDERS, body(form, project=paying.pk), content_type="application/json",
                                HTTP_IDEMPOTENCY_KEY="retry-1", **token(lab["member"], language))
    day = today + timedelta(days=(7 - today.weekday()) or 7)
    start = datetime.combine(day, time(10), PARIS)
    booked = client.post("/api/v1/bookings", {"instrument": "cyto.aria", "start": start.isoformat(),
                                              "end": (start + timedelta(hours=1)).isoformat(), "project": paying.pk},
                         content_type="application/json", **token(lab["member"], language))
    assert (booked.status_code, booked.json()["field"]) == (409, "project"), booked.content
    for answer in (ordered, ordered_again):
        assert (answer.status_code, answer.json()["field"]) == (409, "project"), answer.content
        assert answer.json()["detail"] == booked.json()["detail"] and words in answer.json()["detail"]
        assert "ANR NK" in answer.json()["detail"]
    assert not ServiceOrder.objects.exists() and not SampleAnswer.objects.exists()
    assert not Booking.objects.exists() and not IdempotencyKey.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["order.create", "booking.create"]).exists()
    # In its dates, the same order is placed.
    paying.starts_on, paying.ends_on = today - timedelta(days=1), today + timedelta(days=1)
    paying.save()
    placed = post(client, body(form, project=paying.pk), lab["member"], language)
    assert placed.status_code == 201 and placed.json()["project"] == paying.pk


def test_the_schema_says_the_project_and_the_key(client):
    create = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/orders"]["post"]
    assert "409: the project cannot pay it (validity" in create["description"]
    assert "Idempotency-Key" in create["description"]
    header = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and not header["required"] and header["schema"]["pattern"]


# --- the quantity: a JSON integer or the documented string (issue 13) ---

@pytest.mark.parametrize(("sent", "stored"), [(2, "2.00"), (100000, "100000.00"), ("2", "2.00"),
                                              ("2.5", "2.50"), (2.0, "2.00")])  # 2.0: JSON Schema's integer
def test_a_quantity_is_a_json_integer_or_a_string(client, lab, form, sent, stored):
    response = post(client, body(form, quantity=sent), lab["member"])
    assert response.status_code == 201, response.content
    assert response.json()["quantity"] == stored
    assert str(ServiceOrder.objects.get().quantity) == stored


@pytest.mark.parametrize("sent", [0, -1, 2.5, 0.0, 1e6, 100001, 10**30, True, None, [2], {"n": 2}, "0", "-2", "2.555",
                                  "1e9", " 2", ""])
@pytest.mark.parametrize(("language", "words"), [("en", "Give a quantity above 0 and at most 100"),
                                                 ("fr", "Indiquez une quantité")])
def test_a_bad_quantity_is_refused_naming_it(client, lab, form, sent, language, words):
    response = post(client, body(form, quantity=sent), lab["member"], language)
    assert response.status_code == 422, response.content
    got = response.json()
    assert got["field"] == "quantity" and [e["field"] for e in got["errors"]] == ["quantity"]
    assert words in plain(got["errors"][0]["message"])
    assert not ServiceOrder.objects.exists() and not AuditEvent.objects.filter(action="order.create").exists()


def test_the_schema_says_what_a_quantity_is(client):
    quantity = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["OrderIn"]["properties"]["quantity"]
    assert [k["type"] for k in quantity["oneOf"]] == ["integer", "string"]
    assert quantity["oneOf"][0]["minimum"] == 1 and quantity["oneOf"][0]["maximum"] == 100000
    assert "JSON integer" in quantity["description"] and "refused" in quantity["description"]
