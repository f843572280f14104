"""Events end to end through their doors: a visitor registers and confirms by e-mail, gets a ticket whose QR
code opens the check-in page, the team checks them in; the waiting list is served in order; rooms share the
bookings engine's no-overlap rule; ICS, exports, reminders, the public agenda in both languages, the API."""

import io
import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from guichet.accounts.models import Role
from guichet.bookings.models import Booking
from guichet.bookings.services import SlotUnavailable, booking_create
from guichet.core.jobs import run_periodic
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.core.workdays import PARIS
from guichet.events import services
from guichet.events.models import Registration, Room, Session
from guichet.events.qr import qr_svg
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user
from .event_fixtures import make_session

pytestmark = pytest.mark.django_db


def link_in(message, name):
    match = re.search(r"https?://\S+/events/t/([\w-]+)/" + (name + "/" if name else ""), message.body)
    assert match, message.body
    return match.group(1)


def test_a_visitor_registers_confirms_by_e_mail_and_is_checked_in_from_the_qr_code(client, staff, member):
    session = make_session(capacity=5)
    page = client.get(reverse("events:detail", args=["conf"]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Immunology day" in page.content.decode()
    response = client.post(reverse("events:register", args=[session.pk]),
                           {"full_name": "Ada Visitor", "email": "Ada@Example.org", "organization_name": "Lab"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    registration = Registration.objects.get(session=session)
    assert registration.status == "pending" and registration.email == "ada@example.org"
    assert Session.objects.get(pk=session.pk).seats_taken == 0  # no seat before the address is confirmed
    mail = OutboxMessage.objects.get(to=["ada@example.org"])
    assert mail.subject.startswith("[Guichet] Confirm your registration")  # the visitor's language
    token = link_in(mail, "confirm")

    assert client.get(reverse("events:confirm", args=[token])).status_code == 200  # a GET confirms nothing
    assert Registration.objects.get(pk=registration.pk).status == "pending"
    response = client.post(reverse("events:confirm", args=[token]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "confirmed" and Session.objects.get(pk=session.pk).seats_taken == 1
    assert OutboxMessage.objects.filter(to=["ada@example.org"], template="event_registered").count() == 1

    ticket = client.get(reverse("events:ticket", args=[token])).content.decode()
    checkin_url = f"{settings.SITE_URL.rstrip('/')}{reverse('events:checkin', args=[token])}"
    assert qr_svg(checkin_url) in ticket  # the QR code encodes the check-in address of this ticket
    assert token in ticket

    client.force_login(member)  # not of the door team
    assert client.get(reverse("events:checkin", args=[token])).status_code == 403
    assert client.post(reverse("events:checkin", args=[token])).status_code == 403
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None
    client.force_login(staff)
    door = client.get(reverse("events:door", args=[session.pk]), {"code": checkin_url})
    assert door.status_code == 302 and door["Location"] == reverse("events:checkin", args=[token])
    assert "Ada Visitor" in client.get(door["Location"]).content.decode()
    client.post(reverse("events:checkin", args=[token]))
    registration.refresh_from_db()
    assert registration.checked_in_at is not None and registration.attended
    # The door's count reads right in French for one as for many (the trial: "1 accueillis sur 2 inscrits").
    counts = client.get(reverse("events:door", args=[session.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Accueil\u00a0: 1 / 1 inscription" in counts
    again = client.post(reverse("events:checkin", args=[token]), follow=True).content.decode()
    assert "Already checked in" in again or "Déjà" in again
    assert AuditEvent.objects.filter(action="registration.check_in", entity_key=str(registration.pk)).count() == 1
    # Checked in: the place can no longer be given up.
    with pytest.raises(services.EventError):
        services.registration_cancel(actor=None, registration=registration, by_token=True)


def test_the_waiting_list_is_served_in_order_and_told_in_each_persons_language(client):
    session = make_session(capacity=1)
    first, second, third = (make_user(f"{n}@test.example", Role.MEMBER) for n in ("first", "second", "third"))
    third.language = "en"
    third.save()
    a = services.registration_create(actor=first, session=session)
    b = services.registration_create(actor=second, session=session)
    c = services.registration_create(actor=third, session=session)
    assert [a.status, b.status, c.status] == ["confirmed", "waitlisted", "waitlisted"]
    client.force_login(third)
    assert "number 2 on the waiting list" in client.get(reverse("events:ticket", args=[c.token]),
                                                        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    services.registration_cancel(actor=first, registration=a)
    b.refresh_from_db(), c.refresh_from_db()
    assert (b.status, c.status) == ("confirmed", "waitlisted")
    promoted = OutboxMessage.objects.get(template="event_promoted")
    assert promoted.to == ["second@test.example"] and "Une place" in promoted.subject
    services.registration_cancel(actor=second, registration=b)
    c.refresh_from_db()
    assert c.status == "confirmed"
    assert OutboxMessage.objects.get(template="event_promoted", to=["third@test.example"]).subject.startswith(
        "[Guichet] A seat for you")
    with pytest.raises(services.AlreadyRegistered):
        services.registration_create(actor=third, session=session)


def test_staff_adding_seats_promotes_the_waiting_list(staff, member, outsider):
    session = make_session(capacity=1)
    services.registration_create(actor=member, session=session)
    waiting = services.registration_create(actor=outsider, session=session)
    session.capacity = 2
    services.session_save(actor=staff, record=session, is_new=False)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


@translation.override("en")  # the refusals are read in English (a leaked language made it so before)
def test_registration_is_refused_when_closed_draft_or_prerequisite_missing(member):
    from guichet.events.models import Course

    started = make_session(key="started", start_in=timedelta(hours=-1))
    with pytest.raises(services.EventError, match="started"):
        services.registration_create(actor=member, session=started)
    draft = make_session(key="draft", status="draft")
    with pytest.raises(services.EventError):
        services.registration_create(actor=member, session=draft)
    basics = Course.objects.create(key="basics", title_fr="Bases", hours=3)
    advanced = Course.objects.create(key="advanced", title_fr="Avancé", hours=7)
    advanced.prerequisites.add(basics)
    course_session = make_session(key="adv", kind="training", course=advanced)
    with pytest.raises(services.EventError, match="Bases"):
        services.registration_create(actor=member, session=course_session)
    assert not Registration.objects.filter(user=member).exists()


@translation.override("en")  # the refusals are read in English (a leaked language made it so before)
def test_a_room_is_held_on_the_bookings_engine(staff, member):
    from guichet.directory.models import Organization

    org = Organization.objects.create(key="cluster", name="Cluster", kind="association")
    venue = Platform.objects.create(key="venue", name="Venue", organization=org)
    resource = Instrument.objects.create(key="venue.amphi", name="Amphi", platform=venue, min_notice=0,
                                         open_weekdays="1234567")
    room = Room.objects.create(resource=resource, capacity=80)
    session = make_session(capacity=50)
    day = (timezone.now() + timedelta(days=5)).astimezone(PARIS).date()
    session.start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=PARIS)
    session.end = session.start + timedelta(hours=2)
    session.room = room
    services.session_save(actor=staff, record=session, is_new=False)
    held = Booking.objects.get(instrument=resource)
    assert held.kind == "event" and (held.start, held.end) == (session.start, session.end)
    # The room is taken for members booking it as for anyone: the same no-overlap rule.
    with pytest.raises(SlotUnavailable):
        booking_create(actor=member, instrument=resource, start=session.start + timedelta(minutes=30),
                       end=session.start + timedelta(minutes=90))
    other = make_session(key="other", capacity=10)
    other.room = room
    other.start, other.end = session.start + timedelta(minutes=30), session.end
    with pytest.raises(services.EventError, match="Room"):
        services.session_save(actor=staff, record=other, is_new=False)
    too_many = Session(event=session.event, title_fr="x", start=session.start, end=session.end, capacity=81, room=room)
    with pytest.raises(services.EventError, match="80"):
        services.session_save(actor=staff, record=too_many, is_new=True)
    # Moving the session frees the old slot.
    session.start, session.end = session.start + timedelta(days=1), session.end + timedelta(days=1)
    services.session_save(actor=staff, record=session, is_new=False)
    assert Booking.objects.get(pk=held.pk).status == "cancelled"
    assert Booking.objects.filter(instrument=resource, status="confirmed", kind="event").count() == 1


def test_calendars_and_attendee_exports_read_back(client, staff, member):
    import openpyxl
    from icalendar import Calendar

    session = make_session(capacity=5)
    registration = services.registration_create(actor=member, session=session)
    for url in (reverse("events:ics", args=["conf"]), reverse("events:ticket_ics", args=[registration.token])):
        cal = Calendar.from_ical(client.get(url).content)
        [item] = [c for c in cal.walk("VEVENT")]
        assert item.decoded("dtstart") == session.start and "Plénière" in str(item["summary"])
    assert client.get(reverse("events:attendees_xlsx", args=["conf"])).status_code == 302  # anonymous: log in
    client.force_login(member)
    assert client.get(reverse("events:attendees_xlsx", args=["conf"])).status_code == 403
    client.force_login(staff)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("events:attendees_xlsx", args=["conf"]),
                                                        HTTP_ACCEPT_LANGUAGE="en").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][:3] == ("session", "full_name", "email")
    assert rows[2][2] == "member@test.example" and rows[2][4] == "Registered"
    text = client.get(reverse("events:attendees_csv", args=["conf"])).content.decode()
    assert "member@test.example" in text


def test_reminders_go_once_by_the_clock():
    session = make_session(capacity=5, start_in=timedelta(hours=10))
    soon = make_user("soon@test.example", Role.MEMBER)
    services.registration_create(actor=soon, session=session)
    far = make_session(key="far", capacity=5, start_in=timedelta(days=4))
    services.registration_create(actor=soon, session=far)
    assert run_periodic()["event_reminders"] == 1
    assert run_periodic()["event_reminders"] == 0
    assert OutboxMessage.objects.filter(template="event_reminder").count() == 1


def test_the_public_agenda_speaks_both_languages_and_hides_drafts(client):
    make_session()
    make_session(key="secret", status="draft")
    fr = client.get(reverse("events:agenda"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    en = client.get(reverse("events:agenda"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Journée immunologie" in fr and "Immunology day" in en and "Immunology day" not in fr
    assert "secret" not in fr
    assert client.get(reverse("events:detail", args=["secret"])).status_code == 404
    assert client.get(reverse("events:agenda"), {"kind": "nonsense"}).status_code == 400


def test_the_api_lists_events_and_registers_a_member(client, member):
    from guichet.accounts.services import api_token_create

    session = make_session(capacity=1)
    listed = client.get("/api/v1/events").json()
    assert [e["key"] for e in listed] == ["conf"] and listed[0]["sessions"][0]["seats_left"] == 1
    _token, raw = api_token_create(actor=member, name="t")
    response = client.post(f"/api/v1/events/sessions/{session.pk}/register", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    again = client.post(f"/api/v1/events/sessions/{session.pk}/register", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert again.status_code == 409 and again.json()["field"] == "session"
    assert client.post(f"/api/v1/events/sessions/{session.pk}/register").status_code == 401


def test_a_visitor_asking_twice_gets_the_link_again_without_a_second_registration(client):
    session = make_session(capacity=5)
    for _n in range(2):
        client.post(reverse("events:register", args=[session.pk]), {"full_name": "Bo", "email": "bo@example.org"})
    assert Registration.objects.filter(session=session).count() == 1
    assert OutboxMessage.objects.filter(template="event_visitor_confirm").count() == 2
    bad = client.post(reverse("events:register", args=[session.pk]), {"full_name": "Bo", "email": "not-an-address"},
                      follow=True)
    assert "E-mail" in bad.content.decode() or "e-mail" in bad.content.decode()
    assert Registration.objects.filter(session=session).count() == 1


def test_cancelling_from_the_ticket_link_frees_the_seat(client):
    session = make_session(capacity=1)
    client.post(reverse("events:register", args=[session.pk]), {"full_name": "Cy", "email": "cy@example.org"})
    token = Registration.objects.get().token
    client.post(reverse("events:confirm", args=[token]))
    assert Session.objects.get(pk=session.pk).seats_taken == 1
    client.post(reverse("events:ticket_cancel", args=[token]))
    assert Registration.objects.get().status == "cancelled" and Session.objects.get(pk=session.pk).seats_taken == 0
    assert timezone.now() >= Registration.objects.get().cancelled_at


def test_erasing_a_person_keeps_the_seat_counted_without_their_name(staff, member):
    from guichet.privacy.services import person_erase, person_export

    session = make_session(capacity=3)
    services.registration_create(actor=member, session=session)
    assert person_export(actor=member, person=member)["parts"]["events"]["registrations"][0]["email"] == "member@test.example"
    person_erase(actor=staff, person=member)
    registration = Registration.objects.get(session=session)
    assert registration.email.endswith("@invalid.example") and registration.full_name == "—"
    assert registration.status == "confirmed" and Session.objects.get(pk=session.pk).seats_taken == 1
