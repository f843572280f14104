"""The usage and desk figures are database aggregates (issue 11): on a realistic fixture — instruments with
their three rates, organizations of every kind and none, bookings of odd lengths in every status, blackouts,
delivered and undelivered orders, desk requests answered over minutes to weeks — they give exactly what walking
every row in Python gave, without building a booking."""

import random
import statistics
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guichet.accounts.models import Role
from guichet.bookings.models import Booking, QuoteLine, ServiceOrder
from guichet.bookings.selectors import BILLED, booked_amount
from guichet.core.workdays import PARIS, day_end, day_start
from guichet.desk.models import Need
from guichet.directory.models import Organization
from guichet.impact import kpis
from guichet.platforms.models import Instrument, Platform, Service, customer_category

from .conftest import make_user

pytestmark = pytest.mark.django_db
KINDS = ("research_lab", "hospital", "company", "startup", "investor", "training", "support", "public_authority")
PERIODS = [(date(2024, 1, 1), date(2024, 12, 31)), (date(2024, 3, 1), date(2024, 3, 31)),
           (date(2023, 1, 1), date(2025, 6, 30)), (date(2000, 1, 1), date(2025, 6, 30)),
           (date(2022, 1, 1), date(2022, 12, 31))]


@pytest.fixture
def realistic(db):
    rng = random.Random(11)
    user = make_user("usage@agg.example", Role.MEMBER)
    organizations = [Organization.objects.create(key=f"agg-{i}", name=f"Org {i}", kind=KINDS[i % len(KINDS)])
                     for i in range(16)]
    platform = Platform.objects.create(key="agg", name="Agg platform", organization=organizations[0])
    instruments = [Instrument.objects.create(
        key=f"agg.i{i}", name=f"Instrument {i}", platform=platform, hourly_academic=Decimal(rate_a),
        hourly_startup=Decimal(rate_s), hourly_industry=Decimal(rate_i))
        for i, (rate_a, rate_s, rate_i) in enumerate([("35.50", "52.25", "97.33"), ("12.00", "18.10", "41.99"),
                                                      ("0.00", "7.77", "150.05"), ("64.12", "64.12", "64.12")])]
    statuses = [*BILLED, Booking.Status.CANCELLED, Booking.Status.REQUESTED]
    bookings, at = [], datetime(2023, 11, 20, 8, 0, tzinfo=PARIS)
    for n in range(900):
        # lengths of every kind: slots, odd minutes (rounded hours), seconds (half-cent prices)
        length = timedelta(minutes=rng.choice([7, 15, 30, 50, 60, 80, 95, 120, 125, 240, 480]),
                           seconds=rng.choice([0, 0, 0, 18, 59]))
        kind = Booking.Kind.BLACKOUT if n % 37 == 0 else Booking.Kind.BOOKING
        bookings.append(Booking(instrument=instruments[n % len(instruments)], kind=kind, user=user,
                                organization=None if n % 13 == 0 else rng.choice(organizations),
                                start=at, end=at + length, blocked_until=at + length,
                                status=rng.choice(statuses)))
        at += length + timedelta(hours=rng.choice([1, 5, 17, 30]))  # from November 2023 into 2025, never overlapping
    Booking.objects.bulk_create(bookings)
    service = Service.objects.create(key="agg.s", name="Sequencing", platform=platform)
    for n in range(60):
        delivered = datetime(2023, 12, 1, 10, tzinfo=PARIS) + timedelta(days=11 * n, hours=n % 9)
        order = ServiceOrder.objects.create(
            service=service, requester=user, organization=rng.choice(organizations), customer_category="academic",
            quantity=Decimal("1"), description="x", status=ServiceOrder.Status.DELIVERED if n % 4 else ServiceOrder.Status.ACCEPTED,
            delivered_at=delivered if n % 4 else None)
        for line in range(n % 4):  # some orders without lines
            quantity, price = Decimal(rng.choice(["1", "2.5", "3", "0.33"])), Decimal(rng.choice(["19.99", "120.10"]))
            QuoteLine.objects.create(order=order, label=f"l{line}", quantity=quantity, unit_price=price,
                                     amount=(quantity * price).quantize(Decimal("0.01")))
    for n in range(75):
        created = datetime(2023, 12, 20, 9, tzinfo=PARIS) + timedelta(days=7 * n, minutes=13 * n)
        answered = None if n % 6 == 0 else created + timedelta(minutes=rng.choice([5, 47, 180, 1441, 4000, 20000]),
                                                                 seconds=n)
        need = Need.objects.create(title=f"N{n}", text="x", language="fr", requester=user, first_response_at=answered)
        Need.objects.filter(pk=need.pk).update(created_at=created)
    return instruments


def _usage_walked(start, end):
    """The figures as they were computed before: every booking and order read and priced in Python."""
    hours, revenue = Decimal("0.00"), Decimal("0.00")
    for b in Booking.objects.filter(kind=Booking.Kind.BOOKING, status__in=BILLED, end__gte=day_start(start),
                                    end__lte=day_end(end)).select_related("instrument", "organization"):
        hours += b.hours
        revenue += booked_amount(b.instrument, b.hours, customer_category(b.organization))
    for o in ServiceOrder.objects.filter(status=ServiceOrder.Status.DELIVERED, delivered_at__gte=day_start(start),
                                         delivered_at__lte=day_end(end)).prefetch_related("quote_lines"):
        revenue += o.total
    return hours, revenue


def _desk_walked(start, end):
    answered = list(Need.objects.filter(first_response_at__gte=day_start(start), first_response_at__lte=day_end(end))
                    .values_list("created_at", "first_response_at"))
    if not answered:
        return 0, None
    return len(answered), round(statistics.median((r - c).total_seconds() / 3600 for c, r in answered), 1)


@pytest.mark.parametrize("start, end", PERIODS)
def test_usage_and_desk_aggregates_give_what_walking_the_rows_gave(realistic, start, end):
    assert kpis.platform_usage(start, end) == _usage_walked(start, end)
    assert kpis.desk_figures(start, end) == _desk_walked(start, end)


def test_the_fixture_is_not_trivial(realistic):
    hours, revenue = _usage_walked(date(2000, 1, 1), date(2025, 6, 30))
    assert hours > 100 and revenue > 1000 and revenue != revenue.quantize(Decimal("1"))
    answered, median = _desk_walked(date(2000, 1, 1), date(2025, 6, 30))
    assert answered > 50 and answered % 2 == 0 and median is not None  # an even count: two middle values
    assert _desk_walked(date(2024, 1, 1), date(2024, 12, 31))[0] % 2 == 1  # and an odd one


def test_usage_and_desk_read_no_row_in_python(realistic):
    # The old code built every booking and every answered request's dates; the aggregates build none and
    # read at most the two middle response times.
    with mock.patch.object(Booking, "from_db", side_effect=AssertionError("a booking was read into Python")), \
            CaptureQueriesContext(connection) as queries:
        kpis.platform_usage(date(2000, 1, 1), date(2025, 6, 30))
        kpis.desk_figures(date(2000, 1, 1), date(2025, 6, 30))
    desk = [q["sql"] for q in queries.captured_queries if "desk_need" in q["sql"]]
    assert desk and all("COUNT(" in sql.upper() or "LIMIT" in sql.upper() for sql in desk)
