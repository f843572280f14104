"""The last seat of a session: 50 threads register at once against the real database (a file on SQLite, the
server on PostgreSQL). Exactly one gets it, the 49 others are waitlisted, in a strict order; a cancellation
then gives the seat to the first of that list. The same race against a check-then-act seat count overbooks,
which proves the test can see a race."""

import pytest

from guichet.accounts.models import Role
from guichet.events.models import Registration, Session
from guichet.events.services import registration_cancel, registration_create

from .conftest import make_user
from .event_fixtures import make_session
from .races import THREADS, race

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_fifty_registrations_for_the_last_seat_exactly_one_wins(transactional_db):
    session = make_session(capacity=3)
    early = [make_user(f"early{i}@test.example", Role.MEMBER) for i in range(2)]
    for user in early:
        registration_create(actor=user, session=session)
    users = [make_user(f"racer{i}@test.example", Role.MEMBER) for i in range(THREADS)]

    results, errors = race(lambda i: registration_create(actor=users[i], session=session))

    assert errors == []
    statuses = sorted(r.status for r in results)
    assert statuses.count(Registration.Status.CONFIRMED) == 1
    assert statuses.count(Registration.Status.WAITLISTED) == THREADS - 1
    session.refresh_from_db()
    assert session.seats_taken == 3 == Registration.objects.filter(session=session, status="confirmed").count()
    waiting = list(Registration.objects.filter(session=session, status="waitlisted").order_by("queued_at", "id"))
    assert len(waiting) == THREADS - 1

    # A seat frees: the first of the waiting list gets it, nobody else.
    registration_cancel(actor=early[0], registration=Registration.objects.get(session=session, user=early[0]))
    waiting[0].refresh_from_db()
    assert waiting[0].status == Registration.Status.CONFIRMED
    assert Registration.objects.filter(session=session, status="confirmed").count() == 3
    assert Registration.objects.filter(session=session, status="waitlisted").count() == THREADS - 2


def test_two_cancellations_racing_promote_two_different_people(transactional_db):
    session = make_session(capacity=2)
    holders = [make_user(f"holder{i}@test.example", Role.MEMBER) for i in range(2)]
    waiting_users = [make_user(f"wait{i}@test.example", Role.MEMBER) for i in range(5)]
    held = [registration_create(actor=u, session=session) for u in holders]
    for u in waiting_users:
        registration_create(actor=u, session=session)

    results, errors = race(lambda i: registration_cancel(actor=holders[i], registration=held[i]), n=2)

    assert errors == []
    confirmed = set(Registration.objects.filter(session=session, status="confirmed").values_list("user__email",
                                                                                                 flat=True))
    assert confirmed == {"wait0@test.example", "wait1@test.example"}
    assert Session.objects.get(pk=session.pk).seats_taken == 2


def test_a_check_then_act_count_overbooks_under_the_same_race(transactional_db):
    """The naive way (count the confirmed, then insert) under the same 50 threads: more than one seat goes,
    so the race above is a real one."""
    import time

    from django.db import transaction

    session = make_session(capacity=1, key="naive")
    users = [make_user(f"naive{i}@test.example", Role.MEMBER) for i in range(THREADS)]

    def naive(i):
        taken = Registration.objects.filter(session=session, status="confirmed").count()
        time.sleep(0.05)  # the time a real request spends between its read and its write
        with transaction.atomic():
            return Registration.objects.create(session=session, user=users[i], email=users[i].email,
                                               full_name="x", status="confirmed" if taken < 1 else "waitlisted")

    results, errors = race(naive)
    assert errors == []
    assert Registration.objects.filter(session=session, status="confirmed").count() > 1
