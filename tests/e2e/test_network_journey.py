"""Network life in Chromium: a visitor registers for an event, confirms from the e-mail and is checked in
from the door's phone page; two participants of a Partnering Day request and accept a meeting and both see
it in their agendas; staff read the trainings' and meetings' KPIs on the impact dashboard."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from guichet.core.models import OutboxMessage
from guichet.events import services as events
from guichet.events.models import Course, Registration, Session
from guichet.partnering import services as partnering
from guichet.partnering.models import Meeting

from ..event_fixtures import make_session
from ..factories import UserFactory
from ..partnering_fixtures import make_day
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_registers_and_is_checked_in_from_the_phone(browser, live_server, transactional_db):
    session = make_session(capacity=30)
    UserFactory(email="door@e2e.example", staff=True)
    visitor = browser.new_context(locale="en-GB").new_page()
    visitor.goto(f"{live_server.url}/events/conf/")
    form = visitor.locator(f"#session-{session.pk} form")
    form.locator("input[name=full_name]").fill("Vera Visitor")
    form.locator("input[name=email]").fill("vera@example.org")
    form.locator("button[type=submit]").click()
    visitor.wait_for_selector("text=Check your e-mail")
    mail = OutboxMessage.objects.get(to=["vera@example.org"])
    path = re.search(r"https?://[^/\s]+(/events/t/[\w-]+/confirm/)", mail.body).group(1)
    visitor.goto(live_server.url + path)
    visitor.click("#confirm")
    visitor.wait_for_selector("#qr svg")
    assert "Registered" in visitor.locator("#status").inner_text()
    code = visitor.locator("#ticket-code").inner_text()

    door = login(browser, live_server, "door@e2e.example")
    door.set_viewport_size({"width": 390, "height": 844})
    door.goto(f"{live_server.url}/events/sessions/{session.pk}/door/")
    assert "Accueil\u00a0: 0 / 1 inscription" in door.locator("#door-counts").inner_text()
    door.fill("#code", code)
    door.click("form.stacked button[type=submit]")
    assert door.locator("#attendee").inner_text() == "Vera Visitor"
    door.click("#do-checkin")
    door.wait_for_selector(".messages li.success")
    assert "Accueilli à" in door.locator("#state").inner_text()
    assert Registration.objects.get(email="vera@example.org").checked_in_at is not None
    visitor.reload()
    assert "checked in at" in visitor.locator("#status").inner_text()


def test_two_participants_request_accept_and_see_the_meeting_in_their_agendas(browser, live_server,
                                                                             transactional_db):
    day = make_day()
    for email, name in (("ana@e2e.example", "Ana Asker"), ("ben@e2e.example", "Ben Bidder")):
        UserFactory(email=email, full_name=name)
    ana = login(browser, live_server, "ana@e2e.example")
    ana.goto(f"{live_server.url}/partnering/pday/")
    ana.fill("#id_offers", "Anticorps bispécifiques")
    ana.fill("#id_seeks", "Un hôpital pour un essai clinique")
    ana.click("#join button[type=submit]")
    ben = login(browser, live_server, "ben@e2e.example")
    ben.goto(f"{live_server.url}/partnering/pday/")
    ben.fill("#id_offers", "Centre d'investigation clinique")
    ben.fill("#id_seeks", "Des biotechs")
    ben.click("#join button[type=submit]")
    ana.goto(f"{live_server.url}/partnering/pday/")
    row = ana.locator("#participants li", has_text="Ben Bidder")
    row.locator("input[name=message]").fill("Parlons de votre CIC")
    row.locator("button[type=submit]").click()
    ana.wait_for_selector(".messages li.success")
    ben.goto(f"{live_server.url}/partnering/pday/")
    assert "Parlons de votre CIC" in ben.locator("#received").inner_text()
    ben.click("#received button[value='1']")
    ben.wait_for_selector("#agenda tr.meeting")
    meeting = Meeting.objects.get(event=day)
    when = timezone.localtime(meeting.slot.start).strftime("%H:%M")
    assert "Ana Asker" in ben.locator("#agenda").inner_text() and when in ben.locator("#agenda").inner_text()
    ana.goto(f"{live_server.url}/partnering/pday/")
    agenda = ana.locator("#agenda").inner_text()
    assert "Ben Bidder" in agenda and when in agenda and str(meeting.table.number) in agenda


def test_staff_read_training_and_meeting_kpis_on_the_dashboard(browser, live_server, transactional_db):
    from guichet.directory.services import directory_import

    from ..conftest import load_example

    directory_import(actor=None, payload=load_example("valid-small.json"))
    staff = UserFactory(email="staff@e2e.example", staff=True)
    course = Course.objects.create(key="gmp", title_fr="BPF", hours=Decimal("7"))
    session = make_session(key="gmp-s", kind="training", course=course, capacity=5)
    for i in range(2):
        events.registration_create(actor=UserFactory(email=f"t{i}@e2e.example"), session=session)
    Session.objects.filter(pk=session.pk).update(start=timezone.now() - timedelta(days=2, hours=3),
                                                 end=timezone.now() - timedelta(days=2))
    session.refresh_from_db()
    events.attendance_close(actor=staff, session=session,
                            attended_ids=list(session.registrations.values_list("pk", flat=True)))
    day = make_day(start_in=timedelta(days=-3))
    booking = timezone.now() - timedelta(days=5)  # before the day: its booking phase
    a, b = (partnering.participant_join(actor=UserFactory(email=f"p{i}@e2e.example"), event=day,
                                        offers="x", seeks="y", now=booking) for i in range(2))
    request = partnering.request_create(actor=a.user, requester=a, recipient=b, now=booking)
    partnering.request_answer(actor=b.user, request=request, accept=True, now=booking)
    partnering.meeting_outcome(actor=a.user, meeting=Meeting.objects.get(), held=True, outcome="follow_up")
    page = login(browser, live_server, "staff@e2e.example")
    page.goto(live_server.url + "/impact/")
    assert page.locator("#kpi-people_trained_total strong").inner_text() == "2"
    assert page.locator("#kpi-training_hours_in_period strong").inner_text() == "14"
    assert page.locator("#kpi-meetings_held_in_period strong").inner_text() == "1"
    assert "Rendez-vous d'affaires tenus" in page.locator("#kpi-meetings_held_in_period").inner_text()
