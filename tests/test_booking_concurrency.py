"""No double booking, ever: 50 threads race for overlapping slots of one instrument, against the real
database (a file on SQLite, the server on PostgreSQL). Exactly one wins; every other one is told the slot
is taken; nothing else goes wrong. The same race against a naive check-then-insert double-books, which
proves the test can see a race."""

import time
from datetime import timedelta

import pytest
from django.db import connection

from guichet.accounts.models import Role
from guichet.bookings.models import Booking
from guichet.bookings.services import SlotUnavailable, booking_create
from guichet.directory.models import Organization
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user
from .races import THREADS, next_monday, race  # noqa: F401  (imported by the other race files)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def instrument(transactional_db):
    org = Organization.objects.create(key="race-lab", name="Race lab", kind="research_lab")
    platform = Platform.objects.create(key="race", name="Race platform", organization=org)
    return Instrument.objects.create(key="race.sorter", name="Sorter", platform=platform, buffer_minutes=15,
                                     slot_minutes=5)  # the races below start every 5 minutes


def test_fifty_concurrent_overlapping_bookings_exactly_one_wins(instrument):
    users = [make_user(f"racer{i}@test.example", Role.MEMBER) for i in range(THREADS)]
    start = next_monday()

    def book(i):
        # Every thread wants a different but overlapping slot (shifted by 5 minutes).
        s = start + timedelta(minutes=5 * (i % 6))
        return booking_create(actor=users[i], instrument=instrument, start=s, end=s + timedelta(hours=1))

    results, errors = race(book)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, SlotUnavailable) for e in errors), \
        {type(e).__name__ for e in errors}
    assert Booking.objects.filter(instrument=instrument, status__in=Booking.LIVE).count() == 1


def test_buffer_and_adjacent_slots(instrument):
    user = make_user("buffer@test.example", Role.MEMBER)
    start = next_monday()
    booking_create(actor=user, instrument=instrument, start=start, end=start + timedelta(hours=1))
    with pytest.raises(SlotUnavailable):  # inside the 15-minute buffer
        booking_create(actor=user, instrument=instrument, start=start + timedelta(minutes=70),
                       end=start + timedelta(minutes=130))
    booking_create(actor=user, instrument=instrument, start=start + timedelta(minutes=75),
                   end=start + timedelta(minutes=135))
    assert Booking.objects.filter(instrument=instrument).count() == 2


def test_a_naive_check_then_insert_double_books(instrument):
    """The LibreBooking/Indico pattern: look for a conflict, then insert, with no lock in between."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE naive_booking (id INTEGER PRIMARY KEY, instrument_id INTEGER, "
                       "start_ts TIMESTAMP, end_ts TIMESTAMP)" if connection.vendor == "sqlite" else
                       "CREATE TABLE naive_booking (id SERIAL PRIMARY KEY, instrument_id INTEGER, "
                       "start_ts TIMESTAMPTZ, end_ts TIMESTAMPTZ)")
    start = next_monday()

    def naive(i):
        s, e = start + timedelta(minutes=5 * (i % 6)), start + timedelta(minutes=5 * (i % 6) + 60)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM naive_booking WHERE instrument_id = %s AND start_ts < %s "
                           "AND end_ts > %s", [instrument.pk, e, s])
            taken = cursor.fetchone()[0]
            time.sleep(0.05)  # the gap every check-then-insert has, made visible
            if taken:
                raise RuntimeError("slot taken")
            cursor.execute("INSERT INTO naive_booking (instrument_id, start_ts, end_ts) VALUES (%s, %s, %s)",
                           [instrument.pk, s, e])
        return True

    try:
        results, _errors = race(naive)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM naive_booking")
            rows = cursor.fetchone()[0]
        assert rows > 1 and len(results) == rows  # overlapping slots were all "booked"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE naive_booking")


def test_two_reminder_processes_at_once_send_each_reminder_once(instrument):
    from django.core import mail
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.utils import timezone

    user = make_user("remind@test.example", Role.MEMBER)
    soon = timezone.now() + timedelta(hours=3)
    for offset in range(5):
        start = soon + timedelta(hours=2 * offset)
        Booking.objects.create(instrument=instrument, user=user, start=start, end=start + timedelta(hours=1),
                               blocked_until=start + timedelta(hours=1), status="confirmed")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        results, errors = race(lambda i: call_command("sendreminders", stdout=open("/dev/null", "w")), n=4)
        assert errors == []
        subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 5  # five bookings, five reminders, whatever the number of processes
    assert Booking.objects.filter(reminder_sent_at__isnull=False).count() == 5
