"""An incident in Chromium (issue 13, item 4): the manager declares the sorter down from the incidents page;
the member whose booking it hits finds the e-mail in the outbox, sees the offer under "My bookings" and
takes the nearest free slot."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from guichet.accounts.models import Role
from guichet.bookings.models import Booking
from guichet.bookings.services import booking_create
from guichet.core.models import OutboxMessage
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility.models import IncidentOffer
from guichet.platforms.models import Instrument, Platform

from ..conftest import make_user
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_declares_an_incident_and_the_member_sees_the_offer(browser, live_server, transactional_db):
    org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=org)
    aria = Instrument.objects.create(key="cyto.aria", name="Sorter", platform=platform, min_notice=0,
                                     opens_at=time(8), closes_at=time(18), slot_minutes=60, min_duration=60,
                                     open_weekdays="1234567")
    manager = make_user("manager@e2e.example", Role.PLATFORM_MANAGER)
    platform.managers.add(manager)
    member = make_user("member@e2e.example", Role.MEMBER)
    tomorrow = timezone.localdate() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(10), PARIS)
    mine = booking_create(actor=member, instrument=aria, start=start, end=start + timedelta(hours=1))

    page = login(browser, live_server, "manager@e2e.example")
    page.goto(f"{live_server.url}/facility/instruments/cyto.aria/usage/")
    page.click("#incidents-link")
    page.fill("textarea[name=description]", "Panne du laser 488 nm")
    page.fill("input[name=back_day]", (tomorrow + timedelta(days=1)).isoformat())
    page.fill("input[name=back_time]", "08:00")
    page.click("#incident-form button")
    page.wait_for_selector(".messages li.success")
    assert "1 réservation annulée" in page.locator(".messages").inner_text()
    assert "Panne du laser" in page.locator("#open-incident").inner_text()
    assert Booking.objects.get(pk=mine.pk).status == "cancelled"
    mail = OutboxMessage.objects.get(template="incident_offer")
    assert mail.to == ["member@e2e.example"] and "Panne du laser 488 nm" in mail.body

    member_page = login(browser, live_server, "member@e2e.example")
    member_page.goto(f"{live_server.url}/bookings/mine/")
    member_page.click("#my-incident-offers a")
    slots = member_page.locator("#offer-slots li")
    assert slots.count() == 3
    first_slot = datetime.combine(tomorrow + timedelta(days=1), time(8), PARIS)
    assert "08:00" in slots.nth(0).inner_text()
    slots.nth(0).locator("button").click()
    member_page.wait_for_selector(".messages li.success")
    taken = Booking.objects.get(user=member, status="confirmed")
    assert taken.start == first_slot and IncidentOffer.objects.get().status == "taken"
