"""The bookings pages read through selectors (issue 10, item 5): "My bookings", the approvals queue and the
calendar feeds, each stated once in bookings/selectors.py."""

from datetime import timedelta

import pytest

from guichet.bookings import selectors, services
from guichet.bookings.models import Booking, FeedToken

from . import test_bookings
from .test_bookings import NOW, at, book, trained

lab = test_bookings.lab

pytestmark = pytest.mark.django_db


def test_my_bookings_split_upcoming_and_past(lab):
    trained(lab)
    soon = book(lab, at(2, 10), at(2, 11))
    later = book(lab, at(3, 10), at(3, 11))
    services.booking_cancel(actor=lab["member"], booking=later, now=NOW)
    mine = selectors.my_bookings(lab["member"], NOW)
    assert mine["upcoming"] == [soon] and mine["past"] == [later]  # a cancelled one is no longer upcoming
    assert [t.instrument.key for t in mine["trainings"]] == ["cyto.aria"] and mine["feed"] is None
    assert selectors.my_bookings(lab["outsider"], NOW)["upcoming"] == []


def test_the_approvals_queue_is_the_managers_and_staffs_only(lab):
    trained(lab)
    lab["instrument"].approval_required = True
    lab["instrument"].save()
    waiting = book(lab, at(2, 10), at(2, 11))
    assert waiting.status == Booking.Status.REQUESTED
    assert list(selectors.approvals_pending(lab["manager"])) == [waiting]
    assert list(selectors.approvals_pending(lab["staff"])) == [waiting]
    assert selectors.approvals_pending(lab["member"]) is None


def test_a_personal_feed_carries_its_owners_bookings_an_instrument_feed_every_one(lab):
    trained(lab)
    mine = book(lab, at(2, 10), at(2, 11))
    services.training_grant(actor=lab["manager"], user=lab["outsider"], instrument=lab["instrument"])
    other = book(lab, at(2, 14), at(2, 15), who="outsider")
    personal = FeedToken.objects.create(user=lab["member"], created_by=lab["member"], token="p" * 32)
    shared = FeedToken.objects.create(instrument=lab["instrument"], created_by=lab["manager"], token="i" * 32)
    assert list(selectors.feed_bookings(personal, NOW)) == [mine]
    assert set(selectors.feed_bookings(shared, NOW)) == {mine, other}
    # Two months back at most: seen from 61 days after the bookings, the feed is empty.
    assert list(selectors.feed_bookings(personal, NOW + timedelta(days=selectors.FEED_DAYS_BACK + 3))) == []
