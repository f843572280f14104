"""Issue 15, defect 1: a routing reaches someone. Accounts when the provider has some, else the directory's
contact e-mail with a link bound to that routing (answered without an account), else it is refused; and the
request page says who will be told, and how, before staff route."""

import re
import time
from unittest import mock

import pytest
from django.core import mail

from guichet.core.models import AuditEvent
from guichet.desk import links, services
from guichet.desk.models import Routing, Status
from guichet.directory.models import Organization, Person

from .test_desk import people  # noqa: F401  (the named actors)

pytestmark = pytest.mark.django_db
NEED = "Nous cherchons un tri cellulaire de lymphocytes T pour un essai Zorglub"


def rheum_contact(lang="en", email="rheum.contact@hosp.example"):
    # hosp-rheum has no account in the cast; this gives the directory an address for it.
    return Person.objects.create(key="p-rheum", name="Dr Rheum Contact", lang=lang, email=email,
                                 organization=Organization.objects.get(key="hosp-rheum"))


def route(people, request, keys, capture):  # noqa: F811
    with capture(execute=True):
        return services.request_route(actor=people["staff"], request=request, keys=keys)


def provider_link(address):
    for message in reversed(mail.outbox):
        if address in message.to:
            found = re.search(r"http://127\.0\.0\.1:8000(/desk/p/(\d+)/[^/\s]+/)", message.body)
            if found:
                return found.group(1), message
    raise AssertionError(f"no provider link mailed to {address}")


@pytest.fixture
def need(people):  # noqa: F811
    return services.request_submit(actor=people["requester"], text=NEED)


@pytest.fixture
def secret_need(people):  # noqa: F811
    return services.request_submit(actor=people["requester"], text=NEED, confidential=True)


def test_a_provider_with_accounts_is_told_by_its_accounts(people, need, django_capture_on_commit_callbacks):  # noqa: F811
    routing, = route(people, need, ["cyto.sort"], django_capture_on_commit_callbacks)
    assert routing.contact_email == ""
    assert [m.to for m in mail.outbox] == [[people["provider"].email]]
    told = AuditEvent.objects.get(action="desk_request.route", entity_key=str(need.pk)).changes["told"][1]
    assert told == f"accounts: {people['provider'].email}"


def test_a_provider_without_account_is_mailed_at_its_directory_address_in_its_language(
        people, need, client, django_capture_on_commit_callbacks):  # noqa: F811
    rheum_contact(lang="en")
    routing, = route(people, need, ["hosp-rheum"], django_capture_on_commit_callbacks)
    assert routing.contact_email == "rheum.contact@hosp.example" and routing.contact_language == "en"
    path, message = provider_link("rheum.contact@hosp.example")
    assert message.subject.startswith("[Guichet] A request for Service de rhumatologie")  # English
    assert "Zorglub" not in message.body  # the e-mail does not quote the need; the link shows it
    # Answered through the link, without an account: the same transitions, message and audit as an account's.
    page = client.get(path)
    assert page.status_code == 200 and "Zorglub" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path, {"action": "answer", "message": "We can sort them on Tuesday."}).status_code == 302
    routing.refresh_from_db()
    need.refresh_from_db()
    assert routing.state == Routing.State.ANSWERED and need.status == Status.ANSWERED
    assert need.first_response_at is not None
    reply = need.messages.get()
    assert reply.author is None and "Dr Rheum Contact" in reply.author_display and reply.routing == routing
    event = AuditEvent.objects.get(action="desk_routing.answer", entity_key=str(need.pk))
    assert event.changes["by"][1] == "directory contact rheum.contact@hosp.example"
    assert [m.to for m in mail.outbox] == [[people["requester"].email]]
    assert "We can sort them on Tuesday." in mail.outbox[0].body
    # A decline without a message is refused and said; nothing changes.
    refused = client.post(path, {"action": "decline", "message": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "Write a message for the requester." in refused.content.decode()
    routing.refresh_from_db()
    assert routing.state == Routing.State.ANSWERED


def test_the_directory_language_defaults_to_the_organization_then_french(
        people, need, django_capture_on_commit_callbacks):  # noqa: F811
    rheum_contact(lang="")  # no language on the person: its organization's (fr)
    route(people, need, ["hosp-rheum"], django_capture_on_commit_callbacks)
    _path, message = provider_link("rheum.contact@hosp.example")
    assert message.subject.startswith("[Guichet] Une demande pour")


def test_a_provider_nobody_can_be_told_of_is_refused_with_nothing_written(people, need):  # noqa: F811
    with pytest.raises(services.DeskError, match="hosp-rheum"):
        services.request_route(actor=people["staff"], request=need, keys=["cyto.sort", "hosp-rheum"])
    need.refresh_from_db()
    assert not need.routings.exists() and need.status == Status.NEW and not mail.outbox


def test_the_request_page_says_who_will_be_told_before_routing(people, need, client):  # noqa: F811
    client.force_login(people["staff"])
    with mock.patch("guichet.matching.engine.match") as match:
        from types import SimpleNamespace as S
        match.return_value = [S(key="cyto.sort", name="Tri", kind="service", score=0.9, reasons=["tri"], good=True),
                              S(key="hosp-rheum", name="Rhumato", kind="organization", score=0.5, reasons=[],
                                good=True)]
        page = client.get(f"/desk/requests/{need.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "told: 1 account (contacts of Laboratoire d&#x27;immunologie des lymphocytes T (exemple))" in page
    assert "nobody can be reached — add a contact first" in page
    # The "other providers" field: the same statement, as the keys are typed.
    rheum_contact()
    reach = client.get(f"/desk/requests/{need.pk}/reach/", {"other_keys": "hosp-rheum, nope"},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "told: directory e-mail rheum.contact@hosp.example" in reach and "unknown key" in reach
    client.force_login(people["requester"])
    assert client.get(f"/desk/requests/{need.pk}/reach/", {"other_keys": "hosp-rheum"}).status_code == 403




def test_a_link_is_bound_to_its_routing_and_address(people, need, client, django_capture_on_commit_callbacks):  # noqa: F811
    rheum_contact()
    other = services.request_submit(actor=people["requester"], text=NEED + " bis")
    mine, = route(people, need, ["hosp-rheum"], django_capture_on_commit_callbacks)
    theirs, = route(people, other, ["hosp-rheum"], django_capture_on_commit_callbacks)
    token = links.provider_token(mine)
    assert client.get(f"/desk/p/{mine.pk}/{token}/").status_code == 200
    # Another routing's link, a tampered one, one for an address the routing no longer has: refused.
    assert client.get(f"/desk/p/{theirs.pk}/{token}/").status_code == 404
    assert client.post(f"/desk/p/{theirs.pk}/{token}/", {"action": "accept"}).status_code == 404
    assert client.get(f"/desk/p/{mine.pk}/{token[:-2]}xx/").status_code == 404
    Routing.objects.filter(pk=mine.pk).update(contact_email="someone.else@hosp.example")
    assert client.get(f"/desk/p/{mine.pk}/{token}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == Routing.State.PENDING


def test_the_provider_link_expires(people, need, client, django_capture_on_commit_callbacks):  # noqa: F811
    rheum_contact()
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 24 * 3600):
        routing, = route(people, need, ["hosp-rheum"], django_capture_on_commit_callbacks)
    path, _message = provider_link("rheum.contact@hosp.example")
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410 and "Zorglub" not in response.content.decode()
    assert client.post(path, {"action": "accept"}).status_code == 410
    routing.refresh_from_db()
    assert routing.state == Routing.State.PENDING


@pytest.mark.parametrize("confidential", [True, False])
def test_the_provider_link_shows_only_its_own_routing_and_the_requester_only_when_not_confidential(
        people, client, django_capture_on_commit_callbacks, confidential):  # noqa: F811
    rheum_contact()
    request = services.request_submit(actor=people["requester"], text=NEED, confidential=confidential)
    routings = route(people, request, ["cyto.sort", "hosp-rheum"], django_capture_on_commit_callbacks)
    services.routing_respond(actor=people["provider"], routing=routings[0], action="answer",
                             message="Competitor's private quote: 999 EUR")
    path, _message = provider_link("rheum.contact@hosp.example")
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Zorglub" in page  # the need: what the provider needs to answer
    for hidden in ("Competitor", "Tri cellulaire assisté", "cyto.sort", "Laboratoire d"):
        assert hidden not in page
    assert (people["requester"].email in page) is (not confidential)
    assert (f"<strong>Requester:</strong> {people['requester'].get_full_name()}" in page) is (not confidential)


def test_the_directory_contact_is_told_of_new_messages_and_reads_them_without_the_requester_s_name(
        people, secret_need, client, django_capture_on_commit_callbacks):  # noqa: F811
    rheum_contact()
    route(people, secret_need, ["cyto.sort", "hosp-rheum"], django_capture_on_commit_callbacks)
    path, _message = provider_link("rheum.contact@hosp.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(actor=people["requester"], request=secret_need, body="Budget is 10k, Zorglub lab")
    to_contact = [m for m in mail.outbox if m.to == ["rheum.contact@hosp.example"]]
    assert len(to_contact) == 1 and path in to_contact[0].body and "Budget" not in to_contact[0].body
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Budget is 10k" in page and "The requester" in page and "Requester" not in page.replace(
        "The requester", "")


def test_the_route_form_says_why_an_unreachable_provider_is_refused(people, need, client):  # noqa: F811
    client.force_login(people["staff"])
    response = client.post(f"/desk/requests/{need.pk}/route/", {"other_keys": "cyto.sort, hosp-rheum"},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = response.content.decode()
    assert "Nobody can be told of a routing to hosp-rheum" in page and "nothing was routed" in page
    assert not need.routings.exists()
