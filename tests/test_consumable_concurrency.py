"""The last units of a consumable under a race (issue 13, item 6), on the real database (a file on SQLite, the
server on PostgreSQL): 50 takes at the same moment take exactly the stock, never more; the others are refused
as short, the stock ends at zero (never below), one use is written per take that succeeded, and the managers
are told once. The same race against a read-then-write take oversells, which proves the test can see it."""

from decimal import Decimal

import pytest
from django.db import transaction

from guichet.accounts.models import Role
from guichet.bookings.orders import order_create
from guichet.core.models import OutboxMessage
from guichet.directory.models import Organization
from guichet.facility import consumables
from guichet.facility.models import Consumable, ConsumableUse
from guichet.platforms.models import Platform, Service

from .conftest import make_user
from .races import THREADS, race

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def store():
    org = Organization.objects.create(key="race-lab", name="Race lab", kind="research_lab")
    platform = Platform.objects.create(key="race", name="Race platform", organization=org)
    manager = make_user("store.manager@test.example", Role.PLATFORM_MANAGER)
    platform.managers.add(manager)
    service = Service.objects.create(key="race.sort", name="Sorting", platform=platform, unit="sample")
    member = make_user("racer@test.example", Role.MEMBER)
    order = order_create(actor=member, service=service, description="Sort", quantity=1)
    tubes = consumables.consumable_save(actor=manager, platform=platform, name="Tubes", unit="box",
                                        price_academic="2.00", price_startup="2.00", price_industry="2.00", stock=10,
                                        alert_below=5, members_may_add=False, active=True)
    return {"manager": manager, "order": order, "tubes": tubes}


@pytest.mark.parametrize("each, taken", [(1, 10), (3, 9)])
def test_fifty_concurrent_takes_of_the_last_units_take_exactly_the_stock(store, each, taken):
    results, errors = race(lambda i: consumables.consumable_take(
        actor=store["manager"], consumable=store["tubes"], quantity=each, order=store["order"]))
    assert len(results) == taken // each and len(results) + len(errors) == THREADS
    assert all(isinstance(e, consumables.ConsumableError) and e.field == "quantity" for e in errors), errors
    assert Consumable.objects.get(pk=store["tubes"].pk).stock == 10 - taken
    uses = ConsumableUse.objects.filter(consumable=store["tubes"])
    assert uses.count() == taken // each and sum(u.quantity for u in uses) == taken
    assert sum(u.amount for u in uses) == Decimal("2.00") * taken
    assert OutboxMessage.objects.filter(template="consumable_low_stock").count() == 1


def naive_take(tubes, quantity):
    """Read the stock, then write it: what the compare-and-set avoids."""
    import time

    with transaction.atomic():
        stock = Consumable.objects.get(pk=tubes.pk).stock
        if stock < quantity:
            raise consumables.ConsumableError("short", "quantity")
        time.sleep(0.01)
        Consumable.objects.filter(pk=tubes.pk).update(stock=stock - quantity)
    return stock


def test_the_race_is_real_a_read_then_write_take_oversells(store):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite's IMMEDIATE transactions serialise even the naive take")
    results, errors = race(lambda i: naive_take(store["tubes"], 1))
    assert len(results) > 10  # more takes succeeded than there were units
