"""Recurring booking in Chromium (issue 13): a trained member opens "book a recurring slot" from the calendar,
asks for four Mondays, sees the taken week in the preview, books the free ones, then cancels the last two."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from guichet.bookings.models import Booking
from guichet.bookings.services import booking_create, training_grant
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility.models import BookingSeries
from guichet.platforms.models import Instrument, Platform

from ..factories import UserFactory
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_books_a_weekly_series_skipping_a_taken_week(browser, live_server, transactional_db):
    org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=org)
    manager = UserFactory(email="manager@e2e.example", manager=True)
    platform.managers.add(manager)
    spectral = Instrument.objects.create(key="cyto.spectral", name="Spectral cytometer", platform=platform,
                                         requires_training=True)
    member, other = UserFactory(email="trained@e2e.example"), UserFactory(email="other@e2e.example")
    for user in (member, other):
        training_grant(actor=manager, user=user, instrument=spectral)
    today = timezone.localdate()
    first = today + timedelta(days=7 - today.weekday())  # next Monday
    taken = datetime.combine(first + timedelta(weeks=1), time(10), PARIS)
    booking_create(actor=other, instrument=spectral, start=taken, end=taken + timedelta(hours=1))

    page = login(browser, live_server, "trained@e2e.example")
    page.goto(f"{live_server.url}/bookings/instruments/cyto.spectral/")
    page.click("#series-link")
    page.fill("input[name=day]", first.isoformat())
    page.fill("input[name=time]", "10:00")
    page.fill("input[name=duration]", "60")
    page.check("input[name=weekdays][value='1']")
    page.fill("input[name=count]", "4")
    page.click("#series-preview")
    rows = page.locator("#occurrences tbody tr")
    assert rows.count() == 4
    assert page.locator("#occurrences tr.occurrence.taken").count() == 1
    assert "pris" in rows.nth(1).inner_text()
    button = page.locator("#series-book")
    assert "Réserver les 3 créneaux libres" in button.inner_text()
    button.click()
    page.wait_for_selector(".messages li.success")
    assert "3 créneaux réservés" in page.locator(".messages").inner_text()
    series = BookingSeries.objects.get()
    mine = list(Booking.objects.filter(series_occurrence__series=series).order_by("start"))
    assert [timezone.localtime(b.start).date() for b in mine] == [first + timedelta(weeks=w) for w in (0, 2, 3)]
    assert all(timezone.localtime(b.start).hour == 10 for b in mine)
    page.click(f"#cancel-rest-{mine[1].pk}")
    page.wait_for_selector(".messages li.success")
    assert [Booking.objects.get(pk=b.pk).status for b in mine] == ["confirmed", "cancelled", "cancelled"]
    assert Booking.objects.get(start=taken).user == other
    page.set_viewport_size({"width": 390, "height": 800})  # the phone: the table still reads
    page.goto(f"{live_server.url}/facility/series/{series.pk}/")
    assert page.locator("#series-occurrences").is_visible()
