"""A confidential request is seen by its requester, the cluster team and the providers it was routed to:
no one else, in pages, search, API, exports or e-mails. One test per role, through every door."""

import pytest
from django.core import mail

from guichet.accounts.services import api_token_create
from guichet.desk import services

from .test_desk import people  # noqa: F401  (the named actors)

pytestmark = pytest.mark.django_db
SECRET = "Confidential antibody against target Zorglub-7 for the Quixotic programme"
MARKER = "Quixotic"  # never typed in a search, so a page echoing the query cannot fake a leak


@pytest.fixture
def secret_request(people, django_capture_on_commit_callbacks, settings, tmp_path):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_submit(actor=people["requester"], text=SECRET + ": we need cell sorting.",
                                          confidential=True,
                                          files=[SimpleUploadedFile("plan.txt", b"secret plan")])
        services.request_route(actor=people["staff"], request=request, keys=["cyto.sort"])
        services.message_post(actor=people["staff"], request=request, body="Routed to the cytometry platform.")
    return request


def doors(client, request, token=None):
    """Everything a user can read through, as (door, text shown)."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    attachment = request.attachments.get()
    pages = {
        "detail page": client.get(f"/desk/requests/{request.pk}/"),
        "requests list": client.get("/desk/requests/"),
        "desk inbox filtered": client.get("/desk/requests/?status=routed"),
        "attachment": client.get(f"/desk/requests/{request.pk}/attachments/{attachment.pk}/"),
        "csv export": client.get("/desk/export.csv"),
        "directory search": client.get("/directory/", {"q": "Zorglub"}),
        "matching api": client.get("/api/v1/match", {"q": "Zorglub-7 antibody"}),
        "desk suggestions": client.get("/desk/suggest/", {"text": "Zorglub-7"}),
        "api list": client.get("/api/v1/desk/requests", **auth),
        "api detail": client.get(f"/api/v1/desk/requests/{request.pk}", **auth),
        "api search": client.get("/api/v1/directory/search", {"q": "Zorglub"}, **auth),
    }
    out = {}
    for door, response in pages.items():
        if hasattr(response, "streaming_content"):
            body = b"".join(response.streaming_content).decode()
        else:
            body = response.content.decode()
        out[door] = (response.status_code, body)
    return out


def leaked(result):
    return sorted(door for door, (_status, body) in result.items()
                  if MARKER in body or "secret plan" in body)


@pytest.mark.parametrize("role", ["outsider", "other_provider", "guest"])
def test_other_users_see_nothing(client, people, secret_request, role):  # noqa: F811
    client.force_login(people[role])
    _token, raw = api_token_create(actor=people[role], name="t")
    result = doors(client, secret_request, token=raw)
    assert leaked(result) == []
    assert result["detail page"][0] == 404 and result["api detail"][0] == 404
    assert result["attachment"][0] == 404 and result["csv export"][0] == 403


def test_anonymous_visitors_see_nothing(client, secret_request):
    result = doors(client, secret_request)
    assert leaked(result) == []
    assert result["detail page"][0] == 302 and result["attachment"][0] == 404


def test_anonymous_with_a_wrong_follow_token_sees_nothing(client, secret_request):
    assert client.get("/desk/r/not-the-token/").status_code == 404
    assert client.post("/desk/r/not-the-token/", {"body": "hi"}).status_code == 404


@pytest.mark.parametrize("role", ["requester", "provider", "staff"])
def test_allowed_users_see_it(client, people, secret_request, role):  # noqa: F811
    client.force_login(people[role])
    _token, raw = api_token_create(actor=people[role], name="t")
    result = doors(client, secret_request, token=raw)
    for door in ("detail page", "api detail", "attachment"):
        assert result[door][0] == 200 and (MARKER in result[door][1] or "secret plan" in result[door][1])
    assert MARKER in result["api list"][1]
    # Never in the public directory, its search or the matching engine, whoever asks.
    assert {"directory search", "matching api", "desk suggestions", "api search"}.isdisjoint(leaked(result))


def test_e_mails_reach_only_allowed_people(people, secret_request):  # noqa: F811
    allowed = {people[r].email for r in ("requester", "provider", "staff")}
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients and recipients <= allowed
    for message in mail.outbox:
        if MARKER in message.body:
            assert set(message.to) <= allowed


def test_non_confidential_open_needs_are_shared_with_members_only(client, people):  # noqa: F811
    request = services.request_submit(actor=people["requester"], text="Open need: Quux assay for NK cells")
    client.force_login(people["outsider"])
    assert "Quux" in client.get("/desk/requests/").content.decode()
    assert client.get(f"/desk/requests/{request.pk}/").status_code == 200
    client.force_login(people["guest"])
    assert client.get(f"/desk/requests/{request.pk}/").status_code == 404
    client.logout()
    assert "Quux" not in client.get("/desk/requests/", follow=True).content.decode()
