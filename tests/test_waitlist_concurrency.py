"""Waitlists under races (issue 13), against the real database (a file on SQLite, the server on PostgreSQL):
the last free slot offered to the first in line is taken by exactly one of 50 concurrent claimants (the
offered member clicking again and again, other waitlisters, members booking it directly), and 50 clocks
sweeping at once make one offer."""

from datetime import timedelta

import pytest

from guichet.accounts.models import Role
from guichet.bookings.models import Booking
from guichet.bookings.services import BookingError, booking_cancel, booking_create
from guichet.facility import waitlist
from guichet.facility.models import WaitlistEntry

from .conftest import make_user
from .races import THREADS, next_monday, race
from .test_booking_concurrency import instrument  # noqa: F401  (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # threads racing


def freed_slot(instrument):  # noqa: F811
    users = [make_user(f"wait{i}@test.example", Role.MEMBER) for i in range(THREADS + 1)]
    start = next_monday(10) + timedelta(weeks=1)
    end = start + timedelta(hours=1)
    holder = booking_create(actor=users[-1], instrument=instrument, start=start, end=end)
    entries = [waitlist.waitlist_join(actor=users[i], instrument=instrument, start=start, end=end)
               for i in range(30)]
    booking_cancel(actor=users[-1], booking=holder)
    return users, entries, start, end


def test_fifty_concurrent_claimants_one_taker(instrument):  # noqa: F811
    users, entries, start, end = freed_slot(instrument)
    assert waitlist.waitlist_sweep()["offered"] == 1
    first = WaitlistEntry.objects.get(pk=entries[0].pk)
    assert first.status == "offered"

    def act(i):
        if i < 10:  # the offered member, clicking ten times
            return waitlist.waitlist_claim(actor=users[0], entry=first)
        if i < 30:  # other waitlisters, whose turn has not come
            return waitlist.waitlist_claim(actor=users[i], entry=entries[i])
        return booking_create(actor=users[i], instrument=instrument, start=start, end=end)

    results, errors = race(act)
    assert all(isinstance(e, BookingError) for e in errors), {type(e).__name__: str(e) for e in errors}
    live = list(Booking.objects.filter(instrument=instrument, status__in=Booking.LIVE))
    assert len(results) == 1 and len(live) == 1 and results[0].pk == live[0].pk
    first.refresh_from_db()
    if live[0].user_id == users[0].pk:  # the offered member won: the entry records it
        assert first.status == "booked" and first.booking_id == live[0].pk
    else:  # a direct booking won: the offer stands unbooked, and the next sweep puts it back in line
        assert first.status == "offered" and first.booking_id is None
    assert WaitlistEntry.objects.filter(status="booked").count() == (live[0].user_id == users[0].pk)


def test_fifty_concurrent_sweeps_make_one_offer(instrument):  # noqa: F811
    users, entries, start, end = freed_slot(instrument)

    results, errors = race(lambda i: waitlist.waitlist_sweep())
    assert errors == []
    assert sum(r["offered"] for r in results) == 1
    assert list(WaitlistEntry.objects.filter(status="offered").values_list("pk", flat=True)) == [entries[0].pk]
