"""What one booking costs the database (issue 13: booking_create was 0.06x the raw insert at 1M bookings).

Every check stays (exclusion constraint, rules, audit row, queued e-mail); what went is redundant work: the
e-mail job's own commit after the booking's (the database queue's task row now joins the booking's
transaction), the savepoints around the insert and the outbox row, and a series' 52 single inserts."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guichet.accounts.models import Role
from guichet.bookings.models import Booking
from guichet.bookings.services import SlotUnavailable, booking_create
from guichet.core.audit import AuditEvent
from guichet.core.models import OutboxMessage
from guichet.directory.models import Organization
from guichet.facility import recurrence
from guichet.facility.models import SeriesOccurrence
from guichet.facility.series import series_create
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user
from .races import next_monday

on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's constraint path")


@pytest.fixture
def instrument(db):
    org = Organization.objects.create(key="rt-lab", name="RT lab", kind="research_lab")
    platform = Platform.objects.create(key="rt", name="RT platform", organization=org)
    return Instrument.objects.create(key="rt.sorter", name="Sorter", platform=platform, max_advance_days=400)


def tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path="guichet.core.mail.deliver_message")


@pytest.mark.django_db(transaction=True)
def test_a_booking_s_mail_job_commits_with_the_booking_in_one_commit(database_queue, instrument):
    member = make_user("rt@test.example", Role.MEMBER)
    start = next_monday()
    with CaptureQueriesContext(connection) as queries:
        booking = booking_create(actor=member, instrument=instrument, start=start, end=start + timedelta(hours=1))
    sql = [q["sql"] for q in queries.captured_queries]
    message = OutboxMessage.objects.get(template="booking_confirmed")
    assert tasks().get().args_kwargs["args"] == [message.pk]
    assert AuditEvent.objects.filter(action="booking.create", entity_key=str(booking.pk)).count() == 1
    # The job's row is written before the one COMMIT, not in a transaction of its own after it.
    task_insert = next(i for i, s in enumerate(sql) if "dbtaskresult" in s.lower() and s.startswith("INSERT"))
    if connection.vendor == "postgresql":
        assert [s for s in sql if s == "COMMIT"] == ["COMMIT"] and task_insert < sql.index("COMMIT")
        assert not [s for s in sql if s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


@pytest.mark.django_db
def test_a_mail_job_written_in_a_rolled_back_transaction_is_gone_with_it(database_queue, member):
    from guichet.core.mail import notify

    class Stop(Exception):
        pass

    with pytest.raises(Stop), transaction.atomic():
        notify([member], "partnership_to_confirm",
               {"partnership": {"pk": 1, "title": "T", "created_by": {"get_full_name": "C"}}})
        assert tasks().count() == 1  # in the transaction, before any commit
        raise Stop
    assert not OutboxMessage.objects.exists() and not tasks().exists()


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_a_taken_slot_is_still_refused_by_the_constraint_without_a_savepoint(database_queue, instrument):
    member = make_user("rt2@test.example", Role.MEMBER)
    start = next_monday()
    booking_create(actor=member, instrument=instrument, start=start, end=start + timedelta(hours=1))
    with pytest.raises(SlotUnavailable):
        booking_create(actor=member, instrument=instrument, start=start + timedelta(minutes=30),
                       end=start + timedelta(hours=2))
    assert Booking.objects.count() == 1 and OutboxMessage.objects.count() == 1 and tasks().count() == 1
    assert AuditEvent.objects.filter(action="booking.create").count() == 1


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_a_52_week_series_takes_its_slots_in_one_insert_and_still_skips_a_taken_week(instrument):
    member = make_user("rt3@test.example", Role.MEMBER)
    first = next_monday()
    taken = booking_create(actor=member, instrument=instrument, start=first + timedelta(weeks=3),
                           end=first + timedelta(weeks=3, hours=1))
    rule = recurrence.build_rule(interval=1, weekdays=[first.isoweekday()], count=52)
    with CaptureQueriesContext(connection) as queries:
        _series, planned = series_create(actor=member, instrument=instrument, first_start=first,
                                         duration_minutes=60, rule=rule, now=timezone.now())
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "bookings_booking"')]
    assert len(inserts) == 1  # the preview saw week 4 taken: the 51 others in one statement
    assert [o.state for o in planned].count("free") == 51 and planned[3].booking is None
    assert SeriesOccurrence.objects.count() == 51
    assert AuditEvent.objects.filter(action="booking.create").count() == 52  # 51 + the single one
    assert Booking.objects.filter(status="confirmed").count() == 52 and taken.pk


@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_a_series_whose_one_insert_meets_a_slot_taken_after_its_look_books_the_others(instrument, monkeypatch):
    """The slot is taken between the series' look and its insert: the one statement is refused by the
    constraint, and the series takes its slots one by one, skipping that one."""
    from guichet.facility import series as series_module

    member = make_user("rt4@test.example", Role.MEMBER)
    first = next_monday()
    real = series_module._classify

    def look_then_someone_books(**kwargs):
        planned = real(**kwargs)
        with connection.cursor() as cursor:  # week 2 taken after the look (the constraint sees it alike)
            cursor.execute(
                "INSERT INTO bookings_booking (instrument_id, kind, user_id, cost_centre, start, \"end\", "
                "blocked_until, status, note, created_at) VALUES (%s, 'booking', %s, '', %s, %s, %s, 'confirmed', "
                "'', now())", [instrument.pk, member.pk, first + timedelta(weeks=1),
                               first + timedelta(weeks=1, hours=1), first + timedelta(weeks=1, hours=1)])
        return planned

    monkeypatch.setattr(series_module, "_classify", look_then_someone_books)
    rule = recurrence.build_rule(interval=1, weekdays=[first.isoweekday()], count=5)
    _series, planned = series_create(actor=member, instrument=instrument, first_start=first, duration_minutes=60,
                                     rule=rule, now=timezone.now())
    assert [o.state for o in planned] == ["free", "taken", "free", "free", "free"]
    assert SeriesOccurrence.objects.count() == 4 and Booking.objects.count() == 5
