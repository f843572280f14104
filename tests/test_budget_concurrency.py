"""The last euros of a project, asked for at once: members of one group book different, free slots at the same
moment, each within the budget alone but not together. Exactly one is accepted, the others are told the
project has too little left, and the project never goes over budget. Real threads against the real database
(a file on SQLite, the server on PostgreSQL): the project's row lock (PostgreSQL) and the write lock taken at
BEGIN (SQLite) are what serve them one after the other."""

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from guichet.accounts.models import Membership, Role
from guichet.bookings.models import Booking
from guichet.bookings.services import BookingError, booking_create
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.groups.budget import project_usage
from guichet.groups.models import GroupMembership, Project, ResearchGroup
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def next_monday(hour=9):
    today = datetime.now(PARIS).date()
    day = today + timedelta(days=(7 - today.weekday()) or 7)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


@pytest.fixture
def lab(transactional_db):
    org = Organization.objects.create(key="race-lab", name="Race lab", kind="research_lab")
    platform = Platform.objects.create(key="race", name="Race platform", organization=org)
    instrument = Instrument.objects.create(key="race.scope", name="Scope", platform=platform,
                                           hourly_academic=Decimal("60.00"), max_advance_days=30)
    group = ResearchGroup.objects.create(key="race-group", name="Race group", organization=org)
    members = []
    for i in range(10):
        user = make_user(f"racer{i}@test.example", Role.MEMBER)
        Membership.objects.create(user=user, organization=org)
        GroupMembership.objects.create(group=group, user=user, status="active", may_charge=True)
        members.append(user)
    return {"instrument": instrument, "group": group, "members": members}


def project(lab, budget, n):
    today = date.today()
    return Project.objects.create(key=f"race-{n}", name=f"Race {n}", group=lab["group"], budget=Decimal(budget),
                                  starts_on=today, ends_on=today + timedelta(days=60))


def race(n, target):
    barrier = threading.Barrier(n)
    results, errors, lock = [], [], threading.Lock()

    def worker(i):
        try:
            connection.ensure_connection()
            barrier.wait()
            outcome = target(i)
            with lock:
                results.append(outcome)
        except Exception as exc:  # collected and judged by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors


@pytest.mark.parametrize("racers", [2, 10])
def test_members_booking_the_last_euros_at_once_exactly_one_is_accepted(lab, racers):
    start = next_monday()
    for round_ in range(3 if racers == 2 else 1):
        grant = project(lab, "100.00", f"{racers}-{round_}")  # one hour costs 60 €: one booking fits, not two

        def book(i, grant=grant, round_=round_):
            slot = start + timedelta(days=round_, hours=i)  # every racer wants a different free hour
            return booking_create(actor=lab["members"][i], instrument=lab["instrument"], start=slot,
                                  end=slot + timedelta(hours=1), project=grant)

        results, errors = race(racers, book)
        assert len(results) == 1, (results, errors)
        assert len(errors) == racers - 1 and all(isinstance(e, BookingError) and e.field == "project"
                                                 for e in errors), [repr(e) for e in errors]
        assert Booking.objects.filter(project=grant, status__in=Booking.LIVE).count() == 1
        usage = project_usage(grant)
        assert usage.committed == Decimal("60.00") and usage.left == Decimal("40.00")
