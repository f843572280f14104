"""Hosting contracts under races (issue 13, item 8), on the real database (a file on SQLite, the server on
PostgreSQL): 50 managers letting overlapping periods of one office at the same moment; exactly one contract
is recorded, the 49 others are refused naming the start, and no hold is left behind."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from guichet.accounts.models import Role
from guichet.bookings.models import Booking
from guichet.hosting import services
from guichet.hosting.models import Contract

from .conftest import make_user
from .hosting_fixtures import make_building
from .races import THREADS, race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_fifty_concurrent_contracts_of_one_space_one_wins():
    site = make_building()
    managers = [make_user(f"host{i}@u.example", Role.STAFF) for i in range(THREADS)]
    first = date(2027, 1, 1)

    def let(i):  # every period shares 2027-03-01 with every other
        return services.contract_create(actor=managers[i], space=site["office"], company=site["company"],
                                        start=first + timedelta(days=i), end=date(2027, 3, 1) + timedelta(days=i),
                                        surface_m2="20", monthly_price="600")

    results, errors = race(let)
    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, services.HostingError) and e.field == "start" for e in errors), errors
    assert Contract.objects.count() == 1
    assert Booking.objects.filter(kind="contract").count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_itself_refuses_two_overlapping_holds():
    # Without the service's words: the exclusion constraint on bookings is the contracts' constraint.
    site = make_building()
    contract = services.contract_create(actor=site["manager"], space=site["office"], company=site["company"],
                                        start=date(2027, 1, 1), end=date(2027, 6, 30), surface_m2="20",
                                        monthly_price="600")
    hold = contract.hold
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(instrument=hold.instrument, kind="contract", user=site["manager"],
                               start=hold.start + timedelta(days=30), end=hold.end + timedelta(days=30),
                               blocked_until=hold.end + timedelta(days=30), status="confirmed")
    assert connection.vendor == "postgresql"
