"""Booking in Chromium: a trained member books a slot in the week calendar and downloads the ICS; an
untrained member is told why not and whom to ask; a manager approves a booking that needs approval."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from icalendar import Calendar

from guichet.bookings.models import Booking
from guichet.bookings.services import training_grant
from guichet.directory.models import Organization
from guichet.platforms.models import Instrument, Platform

from ..factories import UserFactory
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def next_week_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def platform(transactional_db):
    org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=org)
    manager = UserFactory(email="manager@e2e.example", manager=True)
    manager.full_name = "Marie Manager"
    manager.save()
    platform.managers.add(manager)
    aria = Instrument.objects.create(key="cyto.aria", name="Cell sorter", platform=platform, requires_training=True,
                                     approval_required=True, hourly_academic=Decimal("45"))
    spectral = Instrument.objects.create(key="cyto.spectral", name="Spectral cytometer", platform=platform,
                                         requires_training=True)
    trained = UserFactory(email="trained@e2e.example")
    UserFactory(email="untrained@e2e.example")
    for instrument in (aria, spectral):
        training_grant(actor=manager, user=trained, instrument=instrument)
    return {"aria": aria, "spectral": spectral}


def test_trained_member_books_and_downloads_ics(browser, live_server, platform):
    monday = next_week_monday()
    page = login(browser, live_server, "trained@e2e.example")
    page.goto(f"{live_server.url}/bookings/instruments/cyto.spectral/?week={monday.isoformat()}")
    page.select_option("select[name=duration]", "90")
    slot = page.locator("button.slot.free", has_text="10:00").nth(1)  # Tuesday 10:00
    slot.click()
    page.wait_for_selector(".messages li.success")
    booking = Booking.objects.get()
    local = timezone.localtime(booking.start)
    assert (local.date(), local.hour, local.minute) == (monday + timedelta(days=1), 10, 0)
    assert booking.end - booking.start == timedelta(minutes=90) and booking.status == "confirmed"
    assert page.locator(".week .slot.mine").count() == 3  # three 30-minute slots now show as mine
    page.goto(live_server.url + "/bookings/mine/")
    page.click("#feed-create")
    page.wait_for_selector("#feed-download")
    with page.expect_download() as download_info:
        page.evaluate("() => { const a = document.querySelector('#feed-download'); a.setAttribute('download', ''); a.click(); }")
    path = download_info.value.path()
    calendar = Calendar.from_ical(open(path, "rb").read())
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == booking.start and "Spectral cytometer" in str(event["summary"])


def test_untrained_member_is_refused_with_the_reason(browser, live_server, platform):
    page = login(browser, live_server, "untrained@e2e.example")
    page.goto(f"{live_server.url}/bookings/instruments/cyto.spectral/?week={next_week_monday().isoformat()}")
    message = page.locator("#not-trained").inner_text()
    assert "pas formé" in message and "Marie Manager" in message
    assert page.locator("button.slot.free").count() == 0


def test_manager_approves_a_booking_that_needs_approval(browser, live_server, platform):
    monday = next_week_monday()
    member = login(browser, live_server, "trained@e2e.example")
    member.goto(f"{live_server.url}/bookings/instruments/cyto.aria/?week={monday.isoformat()}")
    member.locator("button.slot.free", has_text="14:00").first.click()
    member.wait_for_selector(".messages li")
    assert Booking.objects.get().status == "requested"
    manager = login(browser, live_server, "manager@e2e.example")
    manager.goto(live_server.url + "/bookings/approvals/")
    assert "Trained" in manager.locator("#pending").inner_text() or manager.locator("#pending tr").count() == 2
    manager.click("#pending button[value='1']")
    manager.wait_for_selector("text=Rien à valider.")
    assert Booking.objects.get().status == "confirmed"
