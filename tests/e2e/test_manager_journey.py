"""A platform manager in Chromium, from the instrument's calendar: grants a training to a member found by name,
declares a maintenance period over a booking (asked to confirm, then it is cancelled), copies the instrument's
ICS address; at 390 px, with a refused form on the page, no serious axe-core violation and no sideways scroll."""

from datetime import datetime, time

import pytest
from django.utils import timezone
from icalendar import Calendar

from guichet.bookings.models import Booking, FeedToken, TrainingAuthorization
from guichet.bookings.services import booking_create
from guichet.core.workdays import PARIS

from ..factories import PASSWORD, UserFactory
from .test_accessibility import AXE, RUN_AXE
from .test_booking_journey import next_week_monday, platform  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_trains_blocks_and_subscribes(browser, live_server, platform):  # noqa: F811
    camille = UserFactory(email="camille@e2e.example")
    camille.full_name = "Camille Nouvelle"
    camille.save()
    tuesday = next_week_monday() + timezone.timedelta(days=1)
    booking = booking_create(actor=platform["spectral"].platform.managers.get(), instrument=platform["spectral"],
                             start=datetime.combine(tuesday, time(10), PARIS),
                             end=datetime.combine(tuesday, time(11), PARIS))
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, bypass_csp=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "manager@e2e.example")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/bookings/instruments/cyto.spectral/")
    page.click("a[href='/bookings/instruments/cyto.spectral/manage/']")
    page.wait_for_selector("#training-form")

    page.fill("#id_person", "camille")
    page.click("#training-form button[type=submit]")
    page.wait_for_selector(".messages li.success")
    assert TrainingAuthorization.objects.filter(user=camille, instrument=platform["spectral"]).exists()
    assert "Camille Nouvelle" in page.locator("#training-list").inner_text()

    page.fill("#id_start", f"{tuesday.isoformat()}T09:00")
    page.fill("#id_end", f"{tuesday.isoformat()}T12:00")
    page.fill("#id_reason", "Changement du laser")
    page.click("#blackout-form button[type=submit]")
    page.wait_for_selector("#maintenance-confirm")
    assert "Marie Manager" in page.locator("#maintenance-confirm").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(RUN_AXE) == []
    assert not Booking.objects.filter(kind="blackout").exists()
    page.click("#maintenance-confirm-button")
    page.wait_for_selector(".messages li.success")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert "Changement du laser" in page.locator("#maintenance-list").inner_text()

    page.click("#instrument-feed-create")
    page.wait_for_selector("#instrument-feed-url")
    page.click("button[data-copy]")
    address = page.evaluate("navigator.clipboard.readText()")
    token = FeedToken.objects.get(instrument=platform["spectral"], revoked_at=None)
    assert address.endswith(f"/bookings/feeds/{token.token}.ics")
    calendar = Calendar.from_ical(page.request.get(address).body())
    assert any("maintenance" in str(e["summary"]) for e in calendar.walk("VEVENT"))
    context.close()
