import pytest

from guichet.accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db
EMAIL = "claire.martin@example.org"


@pytest.mark.parametrize("url", ["/directory/p/p-martin/", "/directory/o/lab-tcell/", "/directory/?q=martin",
                                 "/api/v1/directory/people/p-martin", "/api/v1/directory/records/p-martin",
                                 "/api/v1/directory/search?q=martin"])
def test_anonymous_visitors_never_see_email_addresses(client, small_directory, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Claire Martin" in body
    assert EMAIL not in body and "@example.org" not in body


def test_members_see_email_addresses_on_pages(member_client, small_directory):
    assert EMAIL in member_client.get("/directory/p/p-martin/").content.decode()
    assert EMAIL in member_client.get("/directory/o/lab-tcell/").content.decode()


def test_api_token_shows_email_and_revoked_token_is_refused(client, small_directory, member):
    token, raw = api_token_create(actor=member, name="lims")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/directory/people/p-martin", **auth).json()["email"] == EMAIL
    api_token_revoke(actor=member, token=token)
    response = client.get("/api/v1/directory/people/p-martin", **auth)
    assert response.status_code == 401
    assert "email" not in client.get("/api/v1/directory/people/p-martin").json() or \
        client.get("/api/v1/directory/people/p-martin").json()["email"] is None


def test_api_search_without_accent_finds_the_cytometrie_record(client, small_directory):
    data = client.get("/api/v1/directory/search", {"q": "cytometrie"}).json()
    hits = {(r["kind"], r["key"]) for r in data["results"]}
    assert ("platform", "cyto") in hits
    cyto = next(r for r in data["results"] if r["key"] == "cyto")
    assert "cytométrie" in cyto["summary"].lower()


def test_api_search_filters_by_kind_and_limits(client, small_directory):
    data = client.get("/api/v1/directory/search", {"q": "lupus", "kind": "person", "limit": 1}).json()
    assert [(r["kind"], r["key"]) for r in data["results"]] == [("person", "p-martin")]
    assert client.get("/api/v1/directory/search", {"limit": 0}).status_code == 422


def test_api_records_by_key(client, small_directory):
    org = client.get("/api/v1/directory/organizations/acme-bio").json()
    assert org["kind"] == "company" and org["website"] == "https://acme.example.org"
    platform = client.get("/api/v1/directory/platforms/cyto").json()
    assert platform["services"][0]["prices"] == {"academic": 45.0, "startup": 70.0, "industry": 140.0}
    record = client.get("/api/v1/directory/records/cyto.aria").json()
    assert record["kind"] == "instrument" and record["record"]["platform"] == "cyto"
    missing = client.get("/api/v1/directory/organizations/nope")
    assert missing.status_code == 404 and missing.json()["detail"]


def test_openapi_schema_lists_the_directory_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/directory/search" in schema["paths"]
    assert "/api/v1/directory/organizations/{key}" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/directory/organizations/a%00b", "/api/v1/directory/records/%00",
                                 "/api/v1/directory/search?city=%00&q=%00"])
def test_nul_bytes_are_refused_cleanly(client, small_directory, url):
    assert client.get(url).status_code in (200, 404, 422)  # a key outside the schema's pattern is a 422
