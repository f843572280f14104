"""Invoice numbers under races (issue 13, item 7), on the real database (a file on SQLite, the server on
PostgreSQL): 50 staff members closing months at the same moment, some of them the same month, get unique
numbers that follow each other without a gap in the year of issue, and each month is closed once."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from guichet.accounts.models import Role
from guichet.bookings.models import Booking
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility import invoicing
from guichet.facility.models import Invoice, InvoiceCounter, MonthClosing
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user
from .test_booking_concurrency import THREADS, race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
NOW = datetime(2027, 2, 10, 9, 0, tzinfo=PARIS)
MONTHS = [(2024 + i // 12, i % 12 + 1) for i in range(36)]  # 2024-01 .. 2026-12, all over by NOW


def test_fifty_concurrent_closings_give_gapless_unique_numbers():
    orgs = [Organization.objects.create(key=f"org{n}", name=f"Org {n}", kind="research_lab") for n in range(2)]
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=orgs[0])
    aria = Instrument.objects.create(key="cyto.aria", name="Sorter", platform=platform,
                                     hourly_academic=Decimal("60.00"))
    user = make_user("sci@u.example", Role.MEMBER)
    for year, month in MONTHS:  # two customers a month: two invoices each closing
        for n, org in enumerate(orgs):
            start = datetime(year, month, 3 + n, 10, tzinfo=PARIS)
            Booking.objects.create(instrument=aria, user=user, organization=org, start=start,
                                   end=start + timedelta(hours=1), blocked_until=start + timedelta(hours=1),
                                   status="completed")
    staff = [make_user(f"staff{i}@u.example", Role.STAFF) for i in range(THREADS)]
    # 36 months, the first 14 asked twice: 14 closings must be refused as already closed.
    asked = MONTHS + MONTHS[:THREADS - len(MONTHS)]

    results, errors = race(lambda i: invoicing.month_close(actor=staff[i], year=asked[i][0], month=asked[i][1],
                                                           now=NOW))
    assert len(results) == len(MONTHS) and len(errors) == THREADS - len(MONTHS)
    assert all(isinstance(e, invoicing.InvoiceError) and e.field == "month" for e in errors), errors
    assert MonthClosing.objects.count() == len(MONTHS)
    sequences = sorted(Invoice.objects.filter(year=2027).values_list("sequence", flat=True))
    assert sequences == list(range(1, 2 * len(MONTHS) + 1))  # unique and without a gap
    assert InvoiceCounter.objects.get(year=2027).last == 2 * len(MONTHS)
    # Each closing's two invoices are its own months' customers.
    for closing in MonthClosing.objects.prefetch_related("invoices"):
        assert sorted(i.organization.key for i in closing.invoices.all()) == ["org0", "org1"]
