"""Recurring bookings (issue 13, item 1): RFC 5545 rules expanded on Paris wall-clock time, the preview
(free, taken, outside the rules), booking all or the free ones, cancelling one or the rest; page and API."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from guichet.accounts.models import Membership, Role
from guichet.bookings import services
from guichet.bookings.models import Booking
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility import recurrence, series
from guichet.facility.models import BookingSeries, SeriesOccurrence
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 15, 9, 0, tzinfo=PARIS)  # a Monday; DST starts on Sunday 28 March 2027


def monday(weeks, hour=10, minute=0):
    """The Monday `weeks` after NOW's, at a Paris wall-clock time."""
    return datetime.combine(NOW.date() + timedelta(weeks=weeks), time(hour, minute), PARIS)


@pytest.fixture
def lab(db):
    org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=org)
    instrument = Instrument.objects.create(
        key="cyto.aria", name="Sorter", platform=platform, requires_training=True, min_duration=60,
        max_duration=240, min_notice=120, max_advance_days=60, cancel_deadline_hours=24, buffer_minutes=30,
        hourly_academic=Decimal("45.00"))
    manager = make_user("manager@s.example", Role.PLATFORM_MANAGER)
    platform.managers.add(manager)
    member = make_user("member@s.example", Role.MEMBER)
    Membership.objects.create(user=member, organization=org)
    other = make_user("other@s.example", Role.MEMBER)
    for user in (member, other):
        services.training_grant(actor=manager, user=user, instrument=instrument)
    return {"instrument": instrument, "manager": manager, "member": member, "other": other, "org": org,
            "outsider": make_user("outsider@s.example", Role.MEMBER)}


def weekly(lab, weeks=4, who="member", only_free=True, rule=None, start=None, **kw):
    return series.series_create(actor=lab[who], instrument=lab["instrument"], first_start=start or monday(1),
                                duration_minutes=60, rule=rule or f"FREQ=WEEKLY;BYDAY=MO;COUNT={weeks}",
                                only_free=only_free, now=NOW, **kw)


def test_weekly_rule_keeps_paris_time_across_the_dst_change():
    starts = recurrence.occurrences("FREQ=WEEKLY;BYDAY=MO;COUNT=3", monday(1))  # 22 March, 29 March, 5 April
    assert [s.astimezone(PARIS).strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2027-03-22 10:00", "2027-03-29 10:00", "2027-04-05 10:00"]
    # 10:00 in Paris is 09:00 UTC before the change (UTC+1), 08:00 UTC after it (UTC+2).
    assert [s.astimezone(UTC).hour for s in starts] == [9, 8, 8]
    # And back in October: 27 October 2027 is the last Wednesday of summer time.
    autumn = recurrence.occurrences("FREQ=WEEKLY;BYDAY=WE;COUNT=2",
                                    datetime(2027, 10, 27, 14, 0, tzinfo=PARIS))
    assert [s.astimezone(PARIS).hour for s in autumn] == [14, 14]
    assert [s.astimezone(UTC).hour for s in autumn] == [12, 13]


def test_series_across_dst_books_each_week_at_the_same_paris_hour(lab):
    created, planned = weekly(lab, weeks=3)
    bookings = Booking.objects.filter(series_occurrence__series=created).order_by("start")
    assert [b.start.astimezone(PARIS).strftime("%d/%m %H:%M") for b in bookings] == [
        "22/03 10:00", "29/03 10:00", "05/04 10:00"]
    assert all(b.end - b.start == timedelta(hours=1) for b in bookings)


def test_build_rule_every_two_weeks_on_chosen_days_until_a_date():
    rule = recurrence.build_rule(interval=2, weekdays=["4", "1"], until=date(2027, 4, 19))
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20270419T235959"
    starts = recurrence.occurrences(rule, monday(1))
    assert [s.astimezone(PARIS).strftime("%a %d/%m") for s in starts] == [
        "Mon 22/03", "Thu 25/03", "Mon 05/04", "Thu 08/04", "Mon 19/04"]


@pytest.mark.parametrize("rule, fragment", [
    ("FREQ=WEEKLY;BYDAY=MO", "UNTIL"),                       # no end
    ("FREQ=HOURLY;COUNT=3", "daily, weekly or monthly"),     # hours apart: two slots a day
    ("FREQ=WEEKLY;BYHOUR=9,10;COUNT=3", "BYHOUR"),           # two occurrences a day
    ("FREQ=DAILY;COUNT=105", "104"),                          # beyond the limit
    ("FREQ=WEEKLY;COUNT=2;UNTIL=20270501", "UNTIL"),         # both ends
    ("nonsense", "cannot be read"),
    ("FREQ=WEEKLY;INTERVAL=0;COUNT=3", "every 1 to 52"),
    ("FREQ=WEEKLY;BYDAY=+9MO;COUNT=3", "cannot be read"),
    ("FREQ=WEEKLY;RDATE=20270401;COUNT=3", "cannot be read"),
    # No 30 February: refused at once (dateutil alone searched until the year 9999, 80 s), never expanded.
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1", "within 1098 days"),
    ("FREQ=WEEKLY;INTERVAL=52;COUNT=10", "within 1098 days"),
    ("FREQ=WEEKLY;UNTIL=20310101", "within 1098 days"),
])
def test_unusable_rules_are_refused_naming_the_rule(lab, rule, fragment):
    with translation.override("en"), pytest.raises(series.SeriesError) as refused:
        weekly(lab, rule=rule)
    assert refused.value.field in ("rule", "count", "until") and fragment in str(refused.value)
    assert not BookingSeries.objects.exists() and not Booking.objects.exists()


def test_preview_says_free_taken_and_outside_for_each_occurrence(lab):
    # The second Monday is taken by someone else (from 10:30); the last two are beyond the 60 days of
    # advance booking.
    services.booking_create(actor=lab["other"], instrument=lab["instrument"], start=monday(2, 10, 30),
                            end=monday(2, 11, 30), now=NOW)
    with translation.override("en"):
        rule, planned = series.series_preview(actor=lab["member"], instrument=lab["instrument"],
                                              first_start=monday(1), duration_minutes=60,
                                              rule="FREQ=WEEKLY;BYDAY=MO;COUNT=10", now=NOW)
    states = [o.state for o in planned]
    assert states[:3] == ["free", "taken", "free"]
    assert states[8:] == ["outside", "outside"]  # 17 and 24 May 2027: more than 60 days after 15 March
    assert "60 days ahead" in planned[8].reason
    assert "taken" in planned[1].reason
    assert not BookingSeries.objects.exists()  # a preview writes nothing


def test_book_the_free_ones_skips_the_taken_week_and_tells_the_member(lab, django_capture_on_commit_callbacks):
    taken = services.booking_create(actor=lab["other"], instrument=lab["instrument"], start=monday(2, 9),
                                    end=monday(2, 10), now=NOW)  # its 30-minute buffer overlaps 10:00
    mail.outbox.clear()
    lab["member"].language = "fr"
    lab["member"].save()
    with django_capture_on_commit_callbacks(execute=True):
        created, planned = weekly(lab, weeks=4)
    booked = [o for o in planned if o.booking]
    assert [o.start.astimezone(PARIS).day for o in booked] == [22, 5, 12]
    assert [o.state for o in planned if not o.booking] == ["taken"]
    assert SeriesOccurrence.objects.filter(series=created).count() == 3
    assert Booking.objects.filter(instrument=lab["instrument"], status="confirmed").count() == 4
    assert Booking.objects.get(pk=taken.pk).user == lab["other"]
    event = AuditEvent.objects.get(action="series.create")
    assert event.changes["booked"][1] == [o.booking.pk for o in booked]
    assert len(event.changes["skipped"][1]) == 1
    assert AuditEvent.objects.filter(action="booking.create", entity_key__in=[str(o.booking.pk) for o in booked]
                                     ).count() == 3
    message = [m for m in mail.outbox if m.to == [lab["member"].email]]
    assert len(message) == 1  # one e-mail for the series, not one per occurrence
    assert "Réservation récurrente" in message[0].subject and "3 créneaux" in message[0].subject
    assert "Non réservés" in message[0].body and "29" in message[0].body


def test_without_only_free_a_taken_occurrence_refuses_the_whole_series(lab):
    services.booking_create(actor=lab["other"], instrument=lab["instrument"], start=monday(3),
                            end=monday(3, 11), now=NOW)
    with translation.override("en"), pytest.raises(services.SlotUnavailable) as refused:
        weekly(lab, weeks=4, only_free=False)
    assert refused.value.field == "rule" and "1 occurrence is taken" in str(refused.value)
    assert not BookingSeries.objects.exists()
    assert Booking.objects.filter(user=lab["member"]).count() == 0


def test_a_series_with_nothing_free_is_refused(lab):
    with pytest.raises(services.SlotUnavailable):
        weekly(lab, weeks=2, start=monday(1, 7))  # 07:00: before opening every week
    assert not BookingSeries.objects.exists()


def test_training_expiring_mid_series_leaves_the_later_occurrences_outside(lab):
    outsider = lab["outsider"]
    services.training_grant(actor=lab["manager"], user=outsider, instrument=lab["instrument"],
                            expires_at=monday(2, 12), now=NOW)
    with translation.override("en"):
        created, planned = weekly(lab, weeks=4, who="outsider")
    assert [o.state for o in planned] == ["free", "free", "outside", "outside"]
    assert "training" in planned[2].reason


def test_approval_required_books_requested_occurrences_and_tells_the_managers_once(
        lab, django_capture_on_commit_callbacks):
    lab["instrument"].approval_required = True
    lab["instrument"].save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created, planned = weekly(lab, weeks=3)
    assert set(Booking.objects.filter(series_occurrence__series=created).values_list("status", flat=True)) == {
        "requested"}
    assert len([m for m in mail.outbox if m.to == [lab["manager"].email]]) == 1


def test_cancel_the_rest_cancels_this_one_and_the_later_ones_only(lab):
    created, planned = weekly(lab, weeks=4)
    b1, b2, b3, b4 = (o.booking for o in planned)
    cancelled = series.series_cancel_rest(actor=lab["member"], series=created, from_booking=b3, now=NOW)
    assert [b.pk for b in cancelled] == [b3.pk, b4.pk]
    statuses = dict(Booking.objects.filter(series_occurrence__series=created).values_list("pk", "status"))
    assert statuses == {b1.pk: "confirmed", b2.pk: "confirmed", b3.pk: "cancelled", b4.pk: "cancelled"}
    assert AuditEvent.objects.filter(action="booking.cancelled").count() == 2
    # One occurrence alone, through the booking's own cancellation:
    services.booking_cancel(actor=lab["member"], booking=b1, now=NOW)
    assert Booking.objects.get(pk=b2.pk).status == "confirmed"
    # The freed slots can be booked again by someone else.
    services.booking_create(actor=lab["other"], instrument=lab["instrument"], start=b3.start, end=b3.end, now=NOW)


def test_cancel_the_rest_past_the_deadline_is_refused_whole_but_managers_may(lab):
    created, planned = weekly(lab, weeks=3)
    late = planned[0].start - timedelta(hours=2)  # inside the 24-hour deadline of the first occurrence
    with pytest.raises(services.BookingError):
        series.series_cancel_rest(actor=lab["member"], series=created, from_booking=planned[0].booking, now=late)
    assert not Booking.objects.filter(series_occurrence__series=created, status="cancelled").exists()
    with pytest.raises(services.NotAllowed):
        series.series_cancel_rest(actor=lab["other"], series=created, from_booking=planned[0].booking, now=NOW)
    assert len(series.series_cancel_rest(actor=lab["manager"], series=created, from_booking=planned[0].booking,
                                         now=late)) == 3


def test_guests_cannot_book_a_series(lab):
    guest = make_user("guest@s.example", Role.GUEST)
    with pytest.raises(services.NotAllowed):
        series.series_create(
            actor=guest, instrument=lab["instrument"], first_start=monday(1), duration_minutes=60,
            rule="FREQ=WEEKLY;COUNT=2", now=NOW)


# --- the page and the API, at real dates (the views read the clock) ---------------------------------------

def _next_monday(weeks=1):
    today = datetime.now(PARIS).date()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7) + timedelta(weeks=weeks - 1)


def test_page_previews_then_books_the_free_ones_then_cancels_the_rest(client, lab):
    first = _next_monday()
    taken_day = first + timedelta(weeks=1)
    services.booking_create(actor=lab["other"], instrument=lab["instrument"],
                            start=datetime.combine(taken_day, time(10), PARIS),
                            end=datetime.combine(taken_day, time(11), PARIS))
    client.force_login(lab["member"])
    form = {"day": first.isoformat(), "time": "10:00", "duration": "60", "interval": "1", "weekdays": ["1"],
            "count": "3", "until": "", "cost_centre": "CC-7"}
    page = client.get("/facility/instruments/cyto.aria/series/", form, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="occurrence free"') == 2 and html.count('class="occurrence taken"') == 1
    assert "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=3" in html and "Book the 2 free ones" in html
    done = client.post("/facility/instruments/cyto.aria/series/book/", {**form, "only_free": "1"},
                       HTTP_ACCEPT_LANGUAGE="en")
    created = BookingSeries.objects.get()
    assert done.status_code == 302 and done.url == f"/facility/series/{created.pk}/"
    bookings = list(Booking.objects.filter(series_occurrence__series=created).order_by("start"))
    assert [b.start.astimezone(PARIS).date() for b in bookings] == [first, first + timedelta(weeks=2)]
    assert {b.cost_centre for b in bookings} == {"CC-7"}
    detail = client.get(done.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Annuler celui-ci et les suivants" in detail and detail.count("Confirmée") == 2
    mine = client.get("/bookings/mine/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/facility/series/{created.pk}/" in mine
    for bad in ("", "x", str(10**30), "-1"):  # no such occurrence: 404, nothing cancelled
        assert client.post(f"/facility/series/{created.pk}/cancel/", {"from": bad}).status_code == 404
    client.post(f"/facility/series/{created.pk}/cancel/", {"from": bookings[1].pk})
    assert Booking.objects.get(pk=bookings[1].pk).status == "cancelled"
    assert Booking.objects.get(pk=bookings[0].pk).status == "confirmed"
    client.force_login(lab["other"])
    assert client.get(done.url).status_code == 404
    assert client.post(f"/facility/series/{created.pk}/cancel/", {"from": bookings[0].pk}).status_code == 404
    assert Booking.objects.get(pk=bookings[0].pk).status == "confirmed"


def test_page_refusals_name_the_field_and_write_nothing(client, lab):
    client.force_login(lab["member"])
    form = {"day": _next_monday().isoformat(), "time": "10:00", "duration": "60", "interval": "1",
            "weekdays": ["1"], "count": "3", "until": (_next_monday() + timedelta(days=30)).isoformat()}
    page = client.get("/facility/instruments/cyto.aria/series/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400 and "not both" in page.content.decode()
    page = client.post("/facility/instruments/cyto.aria/series/book/", {**form, "until": "", "weekdays": []},
                       HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 400 and "Ce champ est obligatoire" in page.content.decode()
    page = client.post("/facility/instruments/cyto.aria/series/book/", {**form, "until": "", "day": "9999-99-99"})
    assert page.status_code == 400
    assert not BookingSeries.objects.exists() and not Booking.objects.filter(user=lab["member"]).exists()


def test_api_previews_books_the_free_ones_reads_and_cancels(client, lab):
    from guichet.accounts.services import api_token_create

    raw = api_token_create(actor=lab["member"], name="lims")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}
    first = datetime.combine(_next_monday(), time(14), PARIS)
    services.booking_create(actor=lab["other"], instrument=lab["instrument"], start=first + timedelta(weeks=2),
                            end=first + timedelta(weeks=2, hours=1))
    body = {"instrument": "cyto.aria", "start": first.isoformat(), "duration_minutes": 60,
            "rule": "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4"}
    preview = client.post("/api/v1/bookings/series/preview", body, content_type="application/json", **auth)
    assert preview.status_code == 200
    assert [o["state"] for o in preview.json()["occurrences"]] == ["free", "free", "taken", "free"]
    refused = client.post("/api/v1/bookings/series", body, content_type="application/json", **auth)
    assert refused.status_code == 409 and refused.json()["field"] == "rule"
    assert not BookingSeries.objects.exists()
    made = client.post("/api/v1/bookings/series", {**body, "only_free": True}, content_type="application/json",
                       **auth)
    assert made.status_code == 201, made.content
    data = made.json()
    assert len(data["bookings"]) == 3 and [s["state"] for s in data["skipped"]] == ["taken"]
    assert data["rule"] == "FREQ=WEEKLY;BYDAY=MO;COUNT=4"
    got = client.get(f"/api/v1/bookings/series/{data['id']}", **auth).json()
    assert [b["id"] for b in got["bookings"]] == [b["id"] for b in data["bookings"]]
    cancelled = client.post(f"/api/v1/bookings/series/{data['id']}/cancel",
                            {"from_booking": data["bookings"][1]["id"]}, content_type="application/json", **auth)
    assert cancelled.status_code == 200
    assert [b["status"] for b in cancelled.json()["cancelled"]] == ["cancelled", "cancelled"]
    bad = client.post("/api/v1/bookings/series/preview", {**body, "rule": "FREQ=WEEKLY;BYDAY=MO"},
                      content_type="application/json", **auth)
    assert bad.status_code == 409 and bad.json()["field"] == "rule" and "UNTIL" in bad.json()["detail"]
    other = api_token_create(actor=lab["other"], name="x")[1]
    assert client.get(f"/api/v1/bookings/series/{data['id']}", HTTP_AUTHORIZATION=f"Bearer {other}"
                      ).status_code == 404
    assert client.post("/api/v1/bookings/series", body, content_type="application/json").status_code == 401
