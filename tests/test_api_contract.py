"""The API says what it does (issue 9 defect 11) and answers errors in one language (issue 15 item 3)."""

import pytest
from django.test import Client

from guichet.accounts.services import api_token_create

pytestmark = pytest.mark.django_db
ENGLISH_PYDANTIC = ("Input should", "Field required", "String should")


@pytest.fixture
def schema(client):
    return client.get("/api/v1/openapi.json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_authentication_is_optional_where_anonymous_calls_are_allowed_and_required_elsewhere(schema):
    security = {name: op.get("security") for name, op in operations(schema)}
    public = {"GET /api/v1/platforms", "GET /api/v1/match", "GET /api/v1/directory/search",
              "GET /api/v1/impact/public", "GET /api/v1/instruments/{key}/availability"}
    for name in public:
        assert {} in security[name], name
    members = {"GET /api/v1/bookings", "POST /api/v1/bookings", "POST /api/v1/bookings/{booking_id}/cancel",
               "POST /api/v1/desk/requests", "POST /api/v1/antibodies/assess", "GET /api/v1/startups",
               "GET /api/v1/partnerships"}
    for name in members:
        assert {} not in security[name] and {"BearerToken": []} in security[name], name
    assert {"SessionCookie": []} not in security["POST /api/v1/bookings"]  # writes need a token


def test_every_operation_documents_401_and_every_error_uses_the_one_error_schema(schema):
    for name, operation in operations(schema):
        responses = operation["responses"]
        assert "401" in responses, name
        for status, response in responses.items():
            if int(status) >= 400:
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (name, status)
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in responses, name


def test_input_constraints_are_in_the_schema(schema):
    body = schema["components"]["schemas"]["BookingIn"]["properties"]
    assert body["instrument"]["pattern"] and body["cost_centre"]["maxLength"] == 60
    match_q = next(p for p in schema["paths"]["/api/v1/match"]["get"]["parameters"] if p["name"] == "q")
    assert match_q["required"] and match_q["schema"]["minLength"] == 1 and match_q["schema"]["maxLength"] == 5000


@pytest.mark.parametrize("language, detail, message", [
    ("fr", "Requête invalide.", "Au plus 50."), ("en", "Invalid request.", "At most 50.")])
def test_validation_errors_speak_the_requests_language_only(client, language, detail, message):
    response = client.get("/api/v1/match", {"q": "cell sorting", "limit": 51}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == detail and body["field"] == "limit"
    assert body["errors"] == [{"field": "limit", "code": "less_than_equal", "message": message}]
    assert not any(text in response.content.decode() for text in ENGLISH_PYDANTIC)


def test_a_body_error_names_the_field_in_french(client, member):
    raw = api_token_create(actor=member, name="t")[1]
    response = client.post("/api/v1/bookings", {"start": "2026-01-01T10:00:00+01:00"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields == {"instrument": "Ce champ est obligatoire.", "end": "Ce champ est obligatoire."}


def test_a_body_that_is_not_json_is_a_translated_400(client, member):
    raw = api_token_create(actor=member, name="t")[1]
    response = client.post("/api/v1/bookings", "{not json", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400 and response.json()["detail"] == "Le corps de la requête n'est pas du JSON valide."


@pytest.mark.parametrize("language, expected", [("fr", "Jeton d'API invalide, expiré ou révoqué."),
                                                ("en", "Invalid, expired or revoked API token.")])
def test_a_wrong_token_is_refused_in_the_callers_language(client, language, expected):
    response = client.get("/api/v1/platforms", HTTP_AUTHORIZATION="Bearer nope", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 401 and response.json()["detail"] == expected


def test_members_only_operations_answer_401_to_anonymous_callers_in_their_language(client):
    response = client.post("/api/v1/bookings", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication required: send Authorization: Bearer <token>."


def test_the_browser_session_counts_for_reads_only(client, member):
    client.force_login(member)
    assert client.get("/api/v1/bookings").status_code == 200
    assert client.post("/api/v1/bookings", {}, content_type="application/json").status_code == 401


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no/such/thing", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    posted = Client(enforce_csrf_checks=True).post("/api/v1/no/such/thing", HTTP_ACCEPT_LANGUAGE="fr")
    assert posted.status_code == 404 and posted.json() == {"detail": "Introuvable."}


@pytest.mark.parametrize("language, detail, label", [
    ("fr", "Décrivez le besoin", "Membres du réseau"), ("en", "Describe the need", "Members of the network")])
def test_domain_refusals_and_labels_follow_the_request_language(client, language, detail, label):
    refused = client.get("/api/v1/match", {"q": "   "}, HTTP_ACCEPT_LANGUAGE=language)
    assert refused.status_code == 400 and refused.json()["detail"].startswith(detail)
    assert refused.json()["field"] == "q"  # the trial (t1q): "field": "" — the refusal named no parameter
    nul = client.get("/api/v1/match", {"q": "\x00", "limit": 5}, HTTP_ACCEPT_LANGUAGE=language)
    assert nul.status_code == 400 and nul.json()["field"] == "q"
    figures = client.get("/api/v1/impact/public", HTTP_ACCEPT_LANGUAGE=language).json()
    assert next(f["label"] for f in figures if f["key"] == "members") == label
