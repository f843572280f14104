"""Waitlists (issue 13, item 2): join a taken slot; when it frees the first in line is offered it for a
limited time by e-mail, then the next; the offer is taken by compare-and-set; pages."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import translation

from guichet.accounts.models import Role
from guichet.bookings import services
from guichet.bookings.models import Booking
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility import waitlist
from guichet.facility.models import WaitlistEntry
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 15, 9, 0, tzinfo=PARIS)
SLOT = datetime(2027, 3, 17, 10, 0, tzinfo=PARIS), datetime(2027, 3, 17, 11, 0, tzinfo=PARIS)


@pytest.fixture
def lab(db, settings):
    settings.GUICHET_WAITLIST_OFFER_MINUTES = 30
    org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=org)
    instrument = Instrument.objects.create(key="cyto.aria", name="Sorter", platform=platform, requires_training=True,
                                           min_notice=60, cancel_deadline_hours=0)
    manager = make_user("manager@w.example", Role.PLATFORM_MANAGER)
    platform.managers.add(manager)
    users = {name: make_user(f"{name}@w.example", Role.MEMBER) for name in ("holder", "first", "second", "late")}
    for user in users.values():
        services.training_grant(actor=manager, user=user, instrument=instrument)
    users["first"].language = "en"
    users["first"].save()
    holding = services.booking_create(actor=users["holder"], instrument=instrument, start=SLOT[0], end=SLOT[1],
                                      now=NOW)
    return {"instrument": instrument, "manager": manager, "booking": holding, **users}


def join(lab, who, minutes=0):
    return waitlist.waitlist_join(actor=lab[who], instrument=lab["instrument"], start=SLOT[0], end=SLOT[1],
                                  now=NOW + timedelta(minutes=minutes))


def test_join_a_taken_slot_in_line_and_refusals(lab):
    first, second = join(lab, "first"), join(lab, "second", 1)
    assert (waitlist.position(first), waitlist.position(second)) == (1, 2)
    assert AuditEvent.objects.filter(action="waitlist.join").count() == 2
    with translation.override("en"), pytest.raises(waitlist.WaitlistError) as twice:
        join(lab, "first")
    assert "already on the waitlist" in str(twice.value)
    free = datetime(2027, 3, 18, 10, 0, tzinfo=PARIS)
    with translation.override("en"), pytest.raises(waitlist.WaitlistError) as refused:
        waitlist.waitlist_join(actor=lab["first"], instrument=lab["instrument"], start=free,
                               end=free + timedelta(hours=1), now=NOW)
    assert refused.value.field == "start" and "book it directly" in str(refused.value)
    untrained = make_user("untrained@w.example", Role.MEMBER)
    with pytest.raises(services.NotTrained):
        waitlist.waitlist_join(actor=untrained, instrument=lab["instrument"], start=SLOT[0], end=SLOT[1], now=NOW)
    with pytest.raises(services.BookingError):  # the instrument's rules hold: 07:00 is before opening
        waitlist.waitlist_join(actor=lab["first"], instrument=lab["instrument"],
                               start=datetime(2027, 3, 17, 7, 0, tzinfo=PARIS),
                               end=datetime(2027, 3, 17, 8, 0, tzinfo=PARIS), now=NOW)


def test_freed_slot_goes_to_the_first_in_line_then_the_next(lab, django_capture_on_commit_callbacks):
    first, second = join(lab, "first"), join(lab, "second", 1)
    assert waitlist.waitlist_sweep(now=NOW)["offered"] == 0  # still taken
    services.booking_cancel(actor=lab["holder"], booking=lab["booking"], now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = waitlist.waitlist_sweep(now=NOW + timedelta(minutes=1))
    assert done["offered"] == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("offered", "waiting")
    assert first.offer_expires_at == NOW + timedelta(minutes=31)
    [offer] = mail.outbox
    assert offer.to == [lab["first"].email] and "is free" in offer.subject  # in English, the first's language
    assert f"/facility/waitlist/{first.pk}/" in offer.body and "30 minutes" in offer.body
    assert waitlist.waitlist_sweep(now=NOW + timedelta(minutes=2))["offered"] == 0  # one offer per slot
    # The first lets it lapse: the next sweep after 30 minutes offers it to the second.
    with django_capture_on_commit_callbacks(execute=True):
        done = waitlist.waitlist_sweep(now=NOW + timedelta(minutes=32))
    assert done["expired"] == 1 and done["offered"] == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("expired", "offered")
    with pytest.raises(waitlist.WaitlistError):
        waitlist.waitlist_claim(actor=lab["first"], entry=first, now=NOW + timedelta(minutes=33))
    with pytest.raises(services.NotAllowed):
        waitlist.waitlist_claim(actor=lab["first"], entry=second, now=NOW + timedelta(minutes=33))
    booking = waitlist.waitlist_claim(actor=lab["second"], entry=second, now=NOW + timedelta(minutes=33))
    assert (booking.user, booking.start, booking.status) == (lab["second"], SLOT[0], "confirmed")
    second.refresh_from_db()
    assert second.status == "booked" and second.booking == booking
    assert AuditEvent.objects.filter(action="waitlist.claim", entity_key=str(second.pk)).exists()


def test_an_offer_past_its_time_cannot_be_taken_even_before_the_sweep(lab):
    first = join(lab, "first")
    services.booking_cancel(actor=lab["holder"], booking=lab["booking"], now=NOW)
    waitlist.waitlist_sweep(now=NOW)
    first.refresh_from_db()
    with pytest.raises(waitlist.WaitlistError):
        waitlist.waitlist_claim(actor=lab["first"], entry=first, now=NOW + timedelta(minutes=31))
    assert not Booking.objects.filter(user=lab["first"]).exists()


def test_slot_booked_directly_meanwhile_refuses_the_claim_and_requeues_the_offer(lab):
    first = join(lab, "first")
    services.booking_cancel(actor=lab["holder"], booking=lab["booking"], now=NOW)
    waitlist.waitlist_sweep(now=NOW)
    services.booking_create(actor=lab["late"], instrument=lab["instrument"], start=SLOT[0], end=SLOT[1], now=NOW)
    first.refresh_from_db()
    with pytest.raises(services.SlotUnavailable):
        waitlist.waitlist_claim(actor=lab["first"], entry=first, now=NOW + timedelta(minutes=1))
    first.refresh_from_db()
    assert first.status == "offered" and first.booking is None  # the claim's transaction wrote nothing
    assert waitlist.waitlist_sweep(now=NOW + timedelta(minutes=2))["requeued"] == 1
    first.refresh_from_db()
    assert first.status == "waiting" and waitlist.position(first) == 1  # keeps its place in line


def test_leaving_and_slots_that_are_over_lapse(lab):
    first, second = join(lab, "first"), join(lab, "second", 1)
    waitlist.waitlist_leave(actor=lab["first"], entry=first)
    assert waitlist.position(second) == 1
    with pytest.raises(services.NotAllowed):
        waitlist.waitlist_leave(actor=lab["first"], entry=second)
    waitlist.waitlist_sweep(now=SLOT[0] + timedelta(minutes=1))  # begun, not over: a no-show may free it
    second.refresh_from_db()
    assert second.status == "waiting"
    waitlist.waitlist_sweep(now=SLOT[1])
    second.refresh_from_db()
    assert second.status == "expired"


def test_the_worker_clock_runs_the_sweep(lab):
    from guichet.core.jobs import run_periodic

    join(lab, "first")
    Booking.objects.filter(pk=lab["booking"].pk).update(status="cancelled")
    assert run_periodic()["waitlists"]["offered"] == 1


def test_pages_join_from_the_calendar_see_the_offer_and_take_it(client, lab):
    # At real dates: the views read the clock.
    today = datetime.now(PARIS).date()
    day = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    start = datetime.combine(day, time(10), PARIS)
    taken = services.booking_create(actor=lab["holder"], instrument=lab["instrument"], start=start,
                                    end=start + timedelta(hours=1))
    client.force_login(lab["first"])
    calendar = client.get(f"/bookings/instruments/cyto.aria/?week={day.isoformat()}",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'formaction="/facility/instruments/cyto.aria/waitlist/"' in calendar and "join the waitlist" in calendar
    done = client.post("/facility/instruments/cyto.aria/waitlist/", {"start": start.isoformat(), "duration": "60"},
                       HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 302
    entry = WaitlistEntry.objects.get(user=lab["first"], start=start)
    mine = client.get("/bookings/mine/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"/facility/waitlist/{entry.pk}/" in mine and "En attente" in mine
    services.booking_cancel(actor=lab["holder"], booking=taken)
    waitlist.waitlist_sweep()
    page = client.get(f"/facility/waitlist/{entry.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'id="waitlist-claim"' in page and "gardé pour vous" in page
    client.post(f"/facility/waitlist/{entry.pk}/claim/")
    assert Booking.objects.get(start=start, status="confirmed").user == lab["first"]
    client.force_login(lab["second"])
    assert client.get(f"/facility/waitlist/{entry.pk}/").status_code == 404
