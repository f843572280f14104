"""The desk: submission, routing, answers, outcome; every transition by the right role only."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.accounts.models import Role
from guichet.core.models import AuditEvent
from guichet.core.workdays import add_working_days
from guichet.desk import services
from guichet.desk.models import Need, Routing, Status
from guichet.directory.models import Organization

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def people(small_directory, staff, member, manager, outsider, guest):
    """The actors around one request, from the people: the requester (the people's member, reading English), the
    routed provider (the people's manager, of lab-tcell), an unrelated provider (of acme-bio), staff."""
    member.language = "en"
    member.save()
    MembershipFactory(user=manager, organization=Organization.objects.get(key="lab-tcell"))
    other = MembershipFactory(user__email="other@desk.example", user__manager=True,
                              organization=Organization.objects.get(key="acme-bio")).user
    return {"staff": staff, "requester": member, "provider": manager, "other_provider": other,
            "outsider": outsider, "guest": guest}


def submit(people, confidential=False, text="Nous cherchons un tri cellulaire de lymphocytes T", **kw):
    return services.request_submit(actor=people["requester"], text=text, confidential=confidential, **kw)


def test_submission_sets_deadline_history_audit_and_mails(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(people, now=datetime(2026, 12, 24, 16, 0, tzinfo=PARIS))
    assert request.status == Status.NEW and request.language == "fr"
    # Thursday 24 December + 2 working days: Friday 25 is Christmas, then Monday 28 and Tuesday 29.
    assert request.first_response_due == datetime(2026, 12, 29, 16, 0, tzinfo=PARIS)
    assert [h.to_status for h in request.history.all()] == ["new"]
    assert AuditEvent.objects.filter(action="desk_request.submit", entity_key=str(request.pk)).exists()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "is received" in by_recipient["member@test.example"].subject  # the requester reads English
    assert "Nouvelle demande" in by_recipient["staff@test.example"].subject  # staff read French (default)


def test_full_journey_route_answer_close(people, django_capture_on_commit_callbacks):
    request = submit(people)
    services.request_triage(actor=people["staff"], request=request)
    with django_capture_on_commit_callbacks(execute=True):
        routings = services.request_route(actor=people["staff"], request=request, keys=["cyto.sort"])
    assert request.status == Status.ROUTED and routings[0].provider_organization.key == "lab-tcell"
    assert "manager@test.example" in {m.to[0] for m in mail.outbox}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_respond(actor=people["provider"], routing=routings[0], action="answer",
                                 message="Yes, next Tuesday.")
    request.refresh_from_db()
    assert request.status == Status.ANSWERED and request.first_response_at is not None
    assert [m.to[0] for m in mail.outbox] == ["member@test.example"]
    assert "Yes, next Tuesday." in mail.outbox[0].body
    services.request_close(actor=people["staff"], request=request, outcome="service_order", outcome_key="cyto.sort")
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.outcome_key == "cyto.sort"
    assert [h.to_status for h in request.history.all()] == ["new", "triaged", "routed", "answered", "closed"]


@pytest.mark.parametrize("role", ["requester", "provider", "other_provider", "outsider", "guest"])
def test_only_staff_triage_route_and_close(people, role):
    request = submit(people)
    with pytest.raises(services.NotAllowed):
        services.request_triage(actor=people[role], request=request)
    with pytest.raises(services.NotAllowed):
        services.request_route(actor=people[role], request=request, keys=["cyto.sort"])
    with pytest.raises(services.NotAllowed):
        services.request_close(actor=people[role], request=request, outcome="no_match")
    request.refresh_from_db()
    assert request.status == Status.NEW and not request.routings.exists()


@pytest.mark.parametrize("role", ["requester", "other_provider", "outsider", "guest", "staff"])
def test_only_routed_providers_respond(people, role):
    request = submit(people)
    routing = services.request_route(actor=people["staff"], request=request, keys=["cyto.sort"])[0]
    with pytest.raises(services.NotAllowed):
        services.routing_respond(actor=people[role], routing=routing, action="accept")
    routing.refresh_from_db()
    assert routing.state == Routing.State.PENDING


@pytest.mark.parametrize("role", ["provider", "outsider", "staff"])
def test_only_the_requester_withdraws(people, role):
    request = submit(people)
    with pytest.raises(services.NotAllowed):
        services.request_close(actor=people[role], request=request, outcome="withdrawn")
    services.request_close(actor=people["requester"], request=request, outcome="withdrawn")
    assert Need.objects.get(pk=request.pk).outcome == "withdrawn"


def test_a_closed_request_cannot_move_again(people):
    request = submit(people)
    services.request_close(actor=people["staff"], request=request, outcome="no_match")
    with pytest.raises(services.InvalidTransition):
        services.request_triage(actor=people["staff"], request=request)
    with pytest.raises(services.InvalidTransition):
        services.request_route(actor=people["staff"], request=request, keys=["cyto.sort"])
    with pytest.raises(services.NotAllowed):
        services.message_post(actor=people["requester"], request=request, body="hello?")


def test_route_refuses_unknown_keys_and_writes_nothing(people):
    request = submit(people)
    with pytest.raises(services.DeskError):
        services.request_route(actor=people["staff"], request=request, keys=["cyto.sort", "nope"])
    assert not request.routings.exists() and Need.objects.get(pk=request.pk).status == Status.NEW


def test_decline_needs_a_message_and_first_response_stops_the_clock(people):
    request = submit(people)
    routing = services.request_route(actor=people["staff"], request=request, keys=["cyto.sort"])[0]
    with pytest.raises(services.DeskError):
        services.routing_respond(actor=people["provider"], routing=routing, action="decline", message="")
    services.routing_respond(actor=people["provider"], routing=routing, action="decline", message="Not us.")
    request.refresh_from_db()
    assert request.first_response_at is not None and not request.is_overdue()


def test_overdue_when_no_first_response_in_time(people):
    request = submit(people, now=datetime(2026, 11, 2, 9, 0, tzinfo=PARIS))  # Monday
    assert not request.is_overdue(now=datetime(2026, 11, 4, 8, 59, tzinfo=PARIS))
    assert request.is_overdue(now=datetime(2026, 11, 4, 9, 1, tzinfo=PARIS))


def test_working_days_skip_weekends_and_french_holidays():
    friday = datetime(2026, 7, 10, 15, 0, tzinfo=PARIS)
    # Monday 13, then Tuesday 14 July is a holiday: Wednesday 15.
    assert add_working_days(friday, 2) == datetime(2026, 7, 15, 15, 0, tzinfo=PARIS)
    assert add_working_days(datetime(2027, 3, 26, 10, 0, tzinfo=PARIS), 1) == datetime(2027, 3, 30, 10, 0,
                                                                                       tzinfo=PARIS)


def test_visitor_confirms_by_email(client, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/desk/", {"text": "Need help with cell sorting", "email": "visitor@lab.example",
                                          "full_name": "Vera Visitor"})
    assert response.status_code == 200 and "visitor@lab.example" in response.content.decode()
    assert not Need.objects.filter(requester__email="visitor@lab.example").exists()
    link = next(line for line in mail.outbox[0].body.splitlines() if "/desk/confirm/" in line)
    tampered = link.replace("http://127.0.0.1:8000", "")[:-2] + "x/"
    assert client.get(tampered).status_code == 400
    response = client.get(link.replace("http://127.0.0.1:8000", ""))
    request = Need.objects.get(requester__email="visitor@lab.example")
    assert request.requester.role == Role.GUEST
    assert response.status_code == 302 and response["Location"].startswith("/desk/r/")
    assert request.status == Status.NEW and request.first_response_due is not None
    page = client.get(response["Location"]).content.decode()
    assert "Need help with cell sorting" in page


def test_attachments_are_kept_and_served_only_to_who_may_see(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("protocol.txt", b"sorting protocol v2", content_type="text/plain")
    request = submit(people, confidential=True, files=[upload])
    attachment = request.attachments.get()
    url = f"/desk/requests/{request.pk}/attachments/{attachment.pk}/"
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404
    client.force_login(people["requester"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"sorting protocol v2"


def test_oversized_attachment_is_refused_and_nothing_kept(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GUICHET_DESK_MAX_ATTACHMENT_MB = 0
    with pytest.raises(services.DeskError):
        submit(people, files=[SimpleUploadedFile("big.bin", b"x" * 10)])
    assert not Need.objects.exists()


def test_empty_and_oversized_needs_are_refused(people, client):
    from guichet.matching.engine import QueryRefused

    for text in ("   ", "x" * 5001):
        with pytest.raises(QueryRefused):
            submit(people, text=text)
    client.force_login(people["requester"])
    response = client.post("/desk/", {"text": "   "})
    assert response.status_code == 200 and not Need.objects.exists()


def test_suggestions_as_you_type(client, people):
    body = client.get("/desk/suggest/", {"text": "tri cellulaire"}).content.decode()
    assert "Tri cellulaire assisté" in body and "tri cellulaire" in body
    assert "Suggestions" in client.get("/desk/suggest/", {"text": ""}).content.decode() or \
        client.get("/desk/suggest/", {"text": ""}).status_code == 200


def test_a_contact_elsewhere_does_not_answer_for_an_organization_they_merely_belong_to(people):
    """Being the contact of one organization gives no say for another one the user is a plain member of."""
    elsewhere = UserFactory(email="elsewhere@desk.example")
    MembershipFactory(user=elsewhere, organization=Organization.objects.get(key="acme-bio"), is_contact=True)
    MembershipFactory(user=elsewhere, organization=Organization.objects.get(key="lab-tcell"))
    request = submit(people)
    routing = services.request_route(actor=people["staff"], request=request, keys=["cyto.sort"])[0]
    assert routing.provider_organization.key == "lab-tcell"
    responders = services.responders(routing)
    assert people["provider"] in responders and elsewhere not in responders
    assert not services.permissions.can_respond(elsewhere, routing)
