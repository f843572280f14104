"""The last euros of a project, asked for at once: members of one group book different, free slots at the same
moment, each within the budget alone but not together. Exactly one is accepted, the others are told the
project has too little left, and the project never goes over budget. Real threads against the real database
(a file on SQLite, the server on PostgreSQL): the project's row lock (PostgreSQL) and the write lock taken at
BEGIN (SQLite) are what serve them one after the other."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from guichet.accounts.models import Membership, Role
from guichet.bookings.models import Booking
from guichet.bookings.services import BookingError, booking_create
from guichet.directory.models import Organization
from guichet.groups.budget import project_usage
from guichet.groups.models import GroupMembership, Project, ResearchGroup
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user
from .races import next_monday, race

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # threads racing


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


@pytest.mark.parametrize("racers", [2, 10])
def test_members_booking_the_last_euros_at_once_exactly_one_is_accepted(lab, racers):
    start = next_monday(9)
    for round_ in range(3 if racers == 2 else 1):
        grant = project(lab, "100.00", f"{racers}-{round_}")  # one hour costs 60 €: one booking fits, not two

        def book(i, grant=grant, round_=round_):
            slot = start + timedelta(days=round_, hours=i)  # every racer wants a different free hour
            return booking_create(actor=lab["members"][i], instrument=lab["instrument"], start=slot,
                                  end=slot + timedelta(hours=1), project=grant)

        results, errors = race(book, racers)
        assert len(results) == 1, (results, errors)
        assert len(errors) == racers - 1 and all(isinstance(e, BookingError) and e.field == "project"
                                                 for e in errors), [repr(e) for e in errors]
        assert Booking.objects.filter(project=grant, status__in=Booking.LIVE).count() == 1
        usage = project_usage(grant)
        assert usage.committed == Decimal("60.00") and usage.left == Decimal("40.00")


# --- identity and groups leftovers (issue 12): the last euros taken at quote acceptance -----------------------
@pytest.mark.parametrize("racers", [2, 6])
def test_members_accepting_quotes_for_the_last_euros_at_once_exactly_one_is_served(lab, racers):
    from guichet.bookings import orders
    from guichet.bookings.models import ServiceOrder
    from guichet.platforms.models import Service

    platform = lab["instrument"].platform
    service = Service.objects.create(key="race.sort", name="Sorting", platform=platform, unit="unit",
                                     price_academic=Decimal("5.00"))
    manager = make_user("race-manager@test.example", Role.STAFF)
    grant = project(lab, "100.00", f"quotes-{racers}")
    # Each ordered at 5 € from the price list (all fit), then quoted 60 €: one quote fits, not two.
    placed = [orders.order_create(actor=lab["members"][i], service=service, description="sort", quantity=1,
                                  project=grant) for i in range(racers)]
    quotes = [orders.order_transition(actor=manager, order=order, action="quote", lines=[("Sorting", 1, "60.00")])
              for order in placed]

    def accept(i):
        return orders.order_transition(actor=lab["members"][i], order=quotes[i], action="accept")

    results, errors = race(accept, racers)
    assert len(results) == 1, (results, errors)
    assert len(errors) == racers - 1 and all(isinstance(e, BookingError) and e.field == "project"
                                             for e in errors), [repr(e) for e in errors]
    assert ServiceOrder.objects.filter(project=grant, status=ServiceOrder.Status.ACCEPTED).count() == 1
