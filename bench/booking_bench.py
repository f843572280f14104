"""Booking throughput (1 and 8 clients) and week-availability latency at one million existing bookings on
PostgreSQL, each next to the raw SQL insert / range query measured in the same run (the floor).

    python bench/booking_bench.py [--bookings 1000000] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
                                  [--database NAME]

Also times a weekly series of 52 occurrences created through facility.series.series_create (goal < 1 s).
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENTS = 200


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def setup(total: int):
    from django.core.management import call_command
    from django.db import connection

    from guichet.accounts.models import Role, User
    from guichet.bookings.models import Booking
    from guichet.directory.models import Organization
    from guichet.platforms.models import Instrument, Platform

    call_command("migrate", verbosity=0)
    org, _ = Organization.objects.get_or_create(key="bench-org", defaults={"name": "Bench", "kind": "research_lab"})
    platform, _ = Platform.objects.get_or_create(key="bench", defaults={"name": "Bench", "organization": org})
    instruments = []
    for i in range(INSTRUMENTS):
        inst, _ = Instrument.objects.get_or_create(
            key=f"bench.i{i}", defaults={"name": f"Instrument {i}", "platform": platform, "min_notice": 0,
                                         "max_advance_days": 3650, "opens_at": dtime(0, 0), "closes_at": dtime(23, 59),
                                         "open_weekdays": "1234567", "max_duration": 24 * 60, "min_duration": 1})
        instruments.append(inst)
    users = [User.objects.get_or_create(email=f"bench{i}@bench.example",
                                        defaults={"role": Role.MEMBER})[0] for i in range(8)]
    existing = Booking.objects.count()
    if existing < total:
        print(f"  inserting {total - existing} bookings…", flush=True)
        started = time.perf_counter()
        per = (total - existing) // INSTRUMENTS + 1
        with connection.cursor() as cursor:
            # Past hourly slots, one after the other on each instrument: no overlap, as the constraint wants.
            cursor.execute(
                "INSERT INTO bookings_booking (instrument_id, kind, user_id, cost_centre, start, \"end\", "
                "blocked_until, status, note, created_at) "
                "SELECT i.id, 'booking', %s, '', ts, ts + interval '1 hour', ts + interval '1 hour', 'completed', "
                "'', now() FROM platforms_instrument i "
                "CROSS JOIN generate_series(1, %s) g "
                "CROSS JOIN LATERAL (SELECT timestamptz '2010-01-01 08:00+00' + (g * interval '2 hours') AS ts) t "
                "WHERE i.key LIKE 'bench.i%%'", [users[0].pk, per])
            cursor.execute("ANALYZE bookings_booking")
        print(f"  inserted in {time.perf_counter() - started:.0f} s", flush=True)
    return instruments, users


def rate(clients: int, per_client: int, base: datetime, book_one) -> float:
    """Bookings per second when `clients` threads each call book_one(client, start) per_client times."""
    from django.db import connection

    barrier = threading.Barrier(clients)
    errors = []

    def run(c):
        try:
            barrier.wait()
            for n in range(per_client):
                book_one(c, base + timedelta(hours=2 * n))
        except Exception as exc:  # raised below, after every thread has stopped
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return clients * per_client / elapsed


def throughput(instruments, users, clients: int, per_client: int, base: datetime) -> float:
    """Bookings created through booking_create per second, each client on its own instrument."""
    from guichet.bookings.services import booking_create

    def book_one(c, start):
        booking_create(actor=users[c], instrument=instruments[c], start=start, end=start + timedelta(hours=1),
                       now=base - timedelta(days=1))
    return rate(clients, per_client, base, book_one)


def raw_throughput(instruments, users, clients: int, per_client: int, base: datetime) -> float:
    """The floor: the same rows inserted with one plain INSERT per transaction."""
    from django.db import connection, transaction

    def book_one(c, start):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bookings_booking (instrument_id, kind, user_id, cost_centre, start, \"end\", "
                "blocked_until, status, note, created_at) VALUES (%s, 'booking', %s, '', %s, %s, %s, "
                "'confirmed', '', now())", [instruments[c].pk, users[c].pk, start, start + timedelta(hours=1),
                                            start + timedelta(hours=1)])
    return rate(clients, per_client, base, book_one)


def series_seconds(instruments, users, base: datetime) -> float:
    """Seconds to book a weekly series of 52 occurrences in one transaction (issue 13: under 1 s)."""
    from guichet.facility import recurrence, series

    rule = recurrence.build_rule(interval=1, weekdays=[base.isoweekday()], count=52)
    started = time.perf_counter()
    _series, occurrences = series.series_create(actor=users[0], instrument=instruments[50], first_start=base,
                                                duration_minutes=60, rule=rule, now=base - timedelta(days=1))
    elapsed = time.perf_counter() - started
    booked = sum(1 for o in occurrences if o.booking is not None)
    if booked != 52:
        print(f"  (the series booked {booked} of 52 occurrences)")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("GUICHET_BENCH_POSTGRES",
                                                             "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--per-client", type=int, default=200)
    parser.add_argument("--database", default="", help="the database to fill (default: one per size)")
    args = parser.parse_args()
    from pgbench_db import bench_database

    url = bench_database(args.database or f"guichet_bench_bookings_{args.bookings}", args.postgres)
    if url is None:
        return 0
    os.environ.update(GUICHET_DATABASE_URL=url, GUICHET_DEBUG="1",
                      DJANGO_SETTINGS_MODULE="guichet.config.settings", GUICHET_SEMANTIC="0")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core import mail  # noqa: F401
    from django.db import connection
    from django.test.utils import override_settings

    from guichet.bookings import selectors
    from guichet.bookings.models import Booking
    from guichet.core.workdays import PARIS

    print(f"== bookings on PostgreSQL, {args.bookings} existing bookings")
    instruments, users = setup(args.bookings)
    print(f"  {Booking.objects.count()} bookings in the table")
    run_base = datetime(2030, 1, 1, 8, 0, tzinfo=PARIS) + timedelta(days=random.randint(0, 3000))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for clients in (1, 8):
            ours = throughput(instruments, users, clients, args.per_client, run_base)
            floor = raw_throughput(instruments[100:], users, clients, args.per_client, run_base)
            print(f"  booking_create, {clients} client(s): {ours:7.0f} bookings/s; raw INSERT {floor:7.0f}/s; "
                  f"ratio {floor / ours:.2f}x slower than the floor")
            run_base += timedelta(days=365)
    print(f"  52-week series (series_create, weekly, one instrument): {series_seconds(instruments, users, run_base):.3f} s")
    from guichet.facility.models import BookingSeries, SeriesOccurrence

    SeriesOccurrence.objects.filter(booking__start__gte=datetime(2030, 1, 1, tzinfo=PARIS)).delete()
    BookingSeries.objects.filter(occurrences__isnull=True).delete()
    Booking.objects.filter(start__gte=datetime(2030, 1, 1, tzinfo=PARIS)).delete()

    weeks = [datetime(2010, 1, 4, tzinfo=PARIS) + timedelta(weeks=random.randint(0, 1000)) for _ in range(200)]
    ours, floor = [], []
    for monday in weeks:
        inst = random.choice(instruments)
        t0 = time.perf_counter()
        list(selectors.busy(inst, monday, monday + timedelta(days=7)))
        ours.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, start, blocked_until, user_id, kind FROM bookings_booking WHERE "
                           "instrument_id = %s AND status IN ('requested','confirmed','completed','no_show') "
                           "AND start < %s AND blocked_until > %s ORDER BY start",
                           [inst.pk, monday + timedelta(days=7), monday])
            cursor.fetchall()
        floor.append((time.perf_counter() - t0) * 1000)
    print(f"  week availability: p50 {percentile(ours, 50):.2f} ms, p95 {percentile(ours, 95):.2f} ms; raw SQL "
          f"p50 {percentile(floor, 50):.2f} ms, p95 {percentile(floor, 95):.2f} ms; ratio p95 "
          f"{percentile(ours, 95) / percentile(floor, 95):.2f}x (mean {statistics.mean(ours):.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
