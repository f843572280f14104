"""Bookings: every rule, trainings and their expiry, blackouts, DST, cancellation, approval, ICS, orders."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from guichet.bookings import orders, selectors, services
from guichet.bookings.models import Booking, FeedToken, ServiceOrder
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.platforms.models import Instrument

from .factories import (
    InstrumentFactory,
    MembershipFactory,
    OrganizationFactory,
    PlatformFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 22, 9, 0, tzinfo=PARIS)  # a Monday; DST starts on Sunday 28 March 2027


def at(day_offset, hour, minute=0):
    d = NOW.date() + timedelta(days=day_offset)
    return datetime.combine(d, time(hour, minute), PARIS)


@pytest.fixture
def lab(member, manager, outsider, staff):
    """The bookings world around the cast: a lab's cytometry platform managed by `manager`, its sorter (training
    required, one to four hours, two hours' notice, a 30-minute buffer) and its sorting service; `member`
    books for a start-up (start-up prices), `outsider` belongs to no organization."""
    org = OrganizationFactory(key="lab", name="Lab")
    startup = OrganizationFactory(key="newco", name="NewCo", kind="startup")
    platform = PlatformFactory(key="cyto", name="Cytometry", organization=org, managers=[manager])
    instrument = InstrumentFactory(
        key="cyto.aria", name="Sorter", platform=platform, requires_training=True, min_duration=60,
        max_duration=240, min_notice=120, max_advance_days=30, cancel_deadline_hours=24, buffer_minutes=30,
        hourly_academic=Decimal("45.00"), hourly_startup=Decimal("70.00"), hourly_industry=Decimal("140.00"))
    service = ServiceFactory(key="cyto.sort", name="Cell sorting", platform=platform, unit="hour",
                             price_academic=Decimal("45.00"), price_startup=Decimal("70.50"), price_industry=None)
    MembershipFactory(user=member, organization=startup)
    return {"org": org, "startup": startup, "platform": platform, "instrument": instrument, "service": service,
            "manager": manager, "member": member, "outsider": outsider, "staff": staff}


def trained(lab, expires=None):
    return services.training_grant(actor=lab["manager"], user=lab["member"], instrument=lab["instrument"],
                                   expires_at=expires)


def book(lab, start, end, who="member", **kw):
    return services.booking_create(actor=lab[who], instrument=lab["instrument"], start=start, end=end, now=NOW,
                                   **kw)


def test_untrained_member_cannot_book_and_is_told_how(lab):
    from django.utils import translation

    with translation.override("en"), pytest.raises(services.NotTrained) as refused:
        book(lab, at(1, 10), at(1, 11))
    assert "not trained" in str(refused.value) and "training session" in str(refused.value)
    with translation.override("fr"), pytest.raises(services.NotTrained) as refused:
        book(lab, at(1, 10), at(1, 11))
    assert "pas formé" in str(refused.value)


def test_training_expiry_and_revocation(lab):
    training = trained(lab, expires=at(1, 12))
    book(lab, at(1, 10), at(1, 11))  # before expiry
    with pytest.raises(services.NotTrained):
        book(lab, at(2, 10), at(2, 11))  # after it
    services.training_revoke(actor=lab["manager"], training=training, reason="Left the lab")
    with pytest.raises(services.NotTrained):
        book(lab, at(1, 14), at(1, 15))


def test_only_managers_grant_trainings(lab):
    with pytest.raises(services.NotAllowed):
        services.training_grant(actor=lab["member"], user=lab["member"], instrument=lab["instrument"])


@pytest.mark.parametrize("start, end, field", [
    (at(1, 10), at(1, 10, 30), "end"),    # shorter than the 60-minute minimum
    (at(1, 10), at(1, 15), "end"),        # longer than the 240-minute maximum
    (at(0, 10), at(0, 11), "start"),      # less than 120 minutes' notice
    (at(40, 10), at(40, 11), "start"),    # more than 30 days ahead
    (at(1, 7), at(1, 8), "start"),        # before opening (08:00)
    (at(1, 19), at(1, 21), "start"),      # after closing (20:00)
    (at(5, 10), at(5, 11), "start"),      # Saturday: closed
    (at(1, 11), at(1, 10), "end"),        # end before start
])
def test_each_booking_rule_refuses_naming_the_field(lab, start, end, field):
    trained(lab)
    with pytest.raises(services.BookingError) as refused:
        book(lab, start, end)
    assert refused.value.field == field
    assert not Booking.objects.exists()


def test_blackouts_block_bookings_and_cannot_cover_bookings(lab):
    trained(lab)
    services.blackout_create(actor=lab["manager"], instrument=lab["instrument"], start=at(1, 8), end=at(1, 12),
                             reason="maintenance")
    with pytest.raises(services.SlotUnavailable):
        book(lab, at(1, 11), at(1, 13))
    booking = book(lab, at(2, 10), at(2, 11))
    with pytest.raises(services.SlotUnavailable):
        services.blackout_create(actor=lab["manager"], instrument=lab["instrument"], start=at(2, 8), end=at(2, 20))
    services.booking_cancel(actor=lab["manager"], booking=booking, now=NOW)
    services.blackout_create(actor=lab["manager"], instrument=lab["instrument"], start=at(2, 8), end=at(2, 20))
    with pytest.raises(services.NotAllowed):
        services.blackout_create(actor=lab["member"], instrument=lab["instrument"], start=at(3, 8), end=at(3, 9))


def test_a_cancelled_booking_frees_its_slot(lab):
    trained(lab)
    booking = book(lab, at(2, 10), at(2, 11))
    services.booking_cancel(actor=lab["member"], booking=booking, now=NOW)
    book(lab, at(2, 10), at(2, 11))
    assert Booking.objects.filter(status="confirmed").count() == 1


def test_cancellation_deadline_and_ownership(lab):
    trained(lab)
    booking = book(lab, at(1, 10), at(1, 11))
    with pytest.raises(services.NotAllowed):
        services.booking_cancel(actor=lab["outsider"], booking=booking, now=NOW)
    with pytest.raises(services.BookingError):  # less than 24 hours before
        services.booking_cancel(actor=lab["member"], booking=booking, now=at(0, 11))
    services.booking_cancel(actor=lab["manager"], booking=booking, now=at(0, 11))  # managers may
    assert Booking.objects.get().status == "cancelled"


def test_approval_required_then_approved_or_refused(lab, django_capture_on_commit_callbacks):
    Instrument.objects.filter(pk=lab["instrument"].pk).update(approval_required=True)
    lab["instrument"].refresh_from_db()
    trained(lab)
    with django_capture_on_commit_callbacks(execute=True):
        first = book(lab, at(1, 10), at(1, 11))
    assert first.status == "requested"
    assert {m.to[0] for m in mail.outbox} == {"member@test.example", "manager@test.example"}
    with pytest.raises(services.SlotUnavailable):  # a request holds its slot
        book(lab, at(1, 10), at(1, 11), who="manager")
    with pytest.raises(services.NotAllowed):
        services.booking_decide(actor=lab["member"], booking=first, approve=True)
    services.booking_decide(actor=lab["manager"], booking=first, approve=True)
    second = book(lab, at(2, 10), at(2, 11))
    services.booking_decide(actor=lab["manager"], booking=second, approve=False)
    assert [b.status for b in Booking.objects.order_by("start")] == ["confirmed", "cancelled"]


def test_week_grid_is_right_across_the_spring_dst_change(lab):
    grid = selectors.week_grid(lab["instrument"], date(2027, 3, 22), lab["member"], NOW)
    friday, monday_after = grid[4].slots[0], selectors.week_grid(lab["instrument"], date(2027, 3, 29),
                                                                 lab["member"], NOW)[0].slots[0]
    # 08:00 in Paris is 07:00 UTC before the change and 06:00 UTC after it.
    assert friday.start.utcoffset() == timedelta(hours=1) and friday.start.hour == 8
    assert monday_after.start.utcoffset() == timedelta(hours=2) and monday_after.start.hour == 8
    utc = datetime.fromisoformat("2027-01-01T00:00:00+00:00").tzinfo
    assert monday_after.start.astimezone(utc) - friday.start.astimezone(utc) == timedelta(days=3, hours=-1)


def test_booking_across_dst_keeps_wall_clock_times(lab):
    trained(lab)
    booking = book(lab, at(8, 10), at(8, 12))  # Tuesday 30 March, after the change
    assert booking.start.astimezone(PARIS).hour == 10 and booking.hours == Decimal("2.00")
    assert booking.start.utcoffset() is not None


def test_ics_feed_is_valid_rfc5545_with_time_zone(client, lab):
    trained(lab)
    book(lab, at(8, 10), at(8, 12))
    token = FeedToken.objects.create(user=lab["member"], created_by=lab["member"])
    response = client.get(f"/bookings/feeds/{token.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    zones = [c for c in calendar.walk("VTIMEZONE")]
    assert zones and str(zones[0]["TZID"]) == "Europe/Paris"
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start == at(8, 10) and start.tzinfo is not None and str(event["dtstart"].params["TZID"]) == "Europe/Paris"
    assert "Sorter" in str(event["summary"])
    token.revoked_at = NOW
    token.save()
    assert client.get(f"/bookings/feeds/{token.token}.ics").status_code == 404


def test_instrument_feed_hides_other_users_names_from_non_managers(client, lab):
    trained(lab)
    book(lab, at(8, 10), at(8, 12))
    lab["member"].full_name = "Secret Person"
    lab["member"].save()
    public = FeedToken.objects.create(instrument=lab["instrument"], created_by=lab["outsider"])
    managers = FeedToken.objects.create(instrument=lab["instrument"], created_by=lab["manager"])
    assert b"Secret Person" not in client.get(f"/bookings/feeds/{public.token}.ics").content
    assert b"Secret Person" in client.get(f"/bookings/feeds/{managers.token}.ics").content


def test_calendar_shows_busy_slots_anonymously(client, lab):
    trained(lab)
    booking = book(lab, at(8, 10), at(8, 12))
    lab["member"].full_name = "Visible Only To Managers"
    lab["member"].save()
    url = f"/bookings/instruments/cyto.aria/?week={booking.start.date().isoformat()}"
    client.force_login(lab["outsider"])
    page = client.get(url).content.decode()
    assert "slot busy" in page and "Visible Only To Managers" not in page
    assert "not trained" in page or "pas formé" in page
    client.force_login(lab["manager"])
    assert "Visible Only" in client.get(url).content.decode()


def test_reminders_are_sent_exactly_once(lab, django_capture_on_commit_callbacks):
    from django.utils import timezone

    trained(lab)
    soon = timezone.now() + timedelta(hours=5)
    Booking.objects.create(instrument=lab["instrument"], user=lab["member"], start=soon,
                           end=soon + timedelta(hours=1), blocked_until=soon + timedelta(hours=1),
                           status="confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sendreminders", stdout=open("/dev/null", "w"))
        call_command("sendreminders", stdout=open("/dev/null", "w"))
    assert [m.to for m in mail.outbox] == [["member@test.example"]]
    from guichet.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="booking.reminder").count() == 1  # the claim is audited, once


# --- service orders -------------------------------------------------------------------------------------

def order(lab):
    return orders.order_create(actor=lab["member"], service=lab["service"], description="Sort 6 samples",
                                 quantity=3)


def test_order_flow_prices_from_the_organizations_price_list(lab):
    o = order(lab)
    assert o.customer_category == "startup"
    orders.order_transition(actor=lab["manager"], order=o, action="quote")
    o.refresh_from_db()
    assert o.total == Decimal("211.50")  # 3 × 70.50, to the cent
    for action, who in [("accept", "member"), ("start", "manager"), ("deliver", "manager")]:
        orders.order_transition(actor=lab[who], order=o, action=action)
    o.refresh_from_db()
    assert o.status == "delivered" and o.delivered_at is not None
    assert [h.to_status for h in o.history.all()] == ["requested", "quoted", "accepted", "in_progress",
                                                      "delivered"]


ORDER_ROLES = ["member", "manager", "outsider", "staff"]
ALLOWED = {"quote": {"manager", "staff"}, "decline": {"manager", "staff"}, "accept": {"member"},
           "cancel": {"member"}, "start": {"manager", "staff"}, "deliver": {"manager", "staff"}}
BEFORE = {"quote": [], "decline": [], "accept": ["quote"], "cancel": [], "start": ["quote", "accept"],
          "deliver": ["quote", "accept", "start"]}


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ORDER_ROLES)
def test_each_order_transition_by_each_role(lab, action, role):
    o = order(lab)
    for step in BEFORE[action]:
        orders.order_transition(actor=lab["member" if step == "accept" else "manager"], order=o, action=step)
    before = ServiceOrder.objects.get(pk=o.pk).status
    if role in ALLOWED[action]:
        orders.order_transition(actor=lab[role], order=o, action=action)
        assert ServiceOrder.objects.get(pk=o.pk).status == orders.ORDER_FLOW[action][1]
    else:
        with pytest.raises(services.NotAllowed):
            orders.order_transition(actor=lab[role], order=o, action=action)
        assert ServiceOrder.objects.get(pk=o.pk).status == before


def test_order_without_a_price_for_the_category_needs_manual_lines(lab):
    Organization.objects.filter(pk=lab["startup"].pk).update(kind="company")  # industry: no price listed
    o = order(lab)
    with pytest.raises(services.BookingError):
        orders.order_transition(actor=lab["manager"], order=o, action="quote")
    assert ServiceOrder.objects.get(pk=o.pk).status == "requested" and not o.quote_lines.exists()
    orders.order_transition(actor=lab["manager"], order=o, action="quote",
                              lines=[("Sorting, industry rate", "3", "150.333")])
    assert o.quote_lines.get().amount == Decimal("451.00")


def test_a_quote_line_that_is_no_number_is_refused_by_the_service_naming_the_lines(client, lab):
    """Once the page's own except of ArithmeticError; now the service refuses (issue 10): every door says so."""
    o = order(lab)
    with pytest.raises(orders.OrderError) as refused:
        orders.order_transition(actor=lab["manager"], order=o, action="quote", lines=[("Sorting", "trois", "10")])
    assert refused.value.field == "lines"
    assert ServiceOrder.objects.get(pk=o.pk).status == "requested" and not o.quote_lines.exists()
    client.force_login(lab["manager"])
    said = {"en": "Quote lines need a quantity above 0 and at most",
            "fr": "Les lignes de devis demandent une quantité supérieure à 0"}
    for language, text in said.items():
        response = client.post(f"/bookings/orders/{o.pk}/", {"action": "quote", "label": ["Sorting"],
                                                              "quantity": ["1"], "unit_price": ["douze"]},
                               HTTP_ACCEPT_LANGUAGE=language, follow=True)
        assert response.redirect_chain[-1][0] == f"/bookings/orders/{o.pk}/"
        assert text in response.content.decode()
    assert ServiceOrder.objects.get(pk=o.pk).status == "requested" and not o.quote_lines.exists()


# --- statements -----------------------------------------------------------------------------------------

def test_statement_totals_equal_the_sum_of_lines_and_exports_agree(client, lab):
    import csv
    import io

    from openpyxl import load_workbook

    def past(day, hour, minute=0):
        return datetime(2026, 10, day, hour, minute, tzinfo=PARIS)

    for start, end, centre in [(past(6, 10), past(6, 12, 30), "CC-1"), (past(7, 9), past(7, 10), "CC-2")]:
        Booking.objects.create(instrument=lab["instrument"], user=lab["member"], organization=lab["startup"],
                               cost_centre=centre, start=start, end=end, blocked_until=end, status="completed")
    Booking.objects.create(instrument=lab["instrument"], user=lab["member"], organization=lab["startup"],
                           start=past(8, 9), end=past(8, 10), blocked_until=past(8, 10), status="cancelled")
    o = order(lab)
    for action, who in [("quote", "manager"), ("accept", "member"), ("start", "manager"), ("deliver", "manager")]:
        orders.order_transition(actor=lab[who], order=o, action=action)
    ServiceOrder.objects.filter(pk=o.pk).update(delivered_at=past(20, 12))
    lines = selectors.statement_lines(2026, 10, lab["startup"])
    totals = selectors.statement_totals(lines)
    # 2.5 h × 70.00 + 1 h × 70.00 (start-up rate; the cancelled slot is not billed) + 3 × 70.50 quoted
    assert totals == {("NewCo", "CC-1"): Decimal("175.00"), ("NewCo", "CC-2"): Decimal("70.00"),
                      ("NewCo", ""): Decimal("211.50")}
    assert sum(x.amount for x in lines) == sum(totals.values()) == Decimal("456.50")
    client.force_login(lab["staff"])
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    rows = list(csv.reader(io.StringIO(client.get("/bookings/statements.csv?month=2026-10", **en).content.decode())))
    assert rows[0][0] == "Organization" and rows[1][0] == "organization"  # labels, then machine names
    body = [r for r in rows[2:] if r[2] in ("Booking", "Service")]
    assert len(body) == 3 and sum(Decimal(r[8]) for r in body) == Decimal("456.50")
    assert rows[-1][2] == "Grand total" and Decimal(rows[-1][8]) == Decimal("456.50")
    workbook = load_workbook(io.BytesIO(client.get("/bookings/statements.xlsx?month=2026-10", **en).content))
    sheet = workbook.active
    data = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row and row[2] in ("Booking", "Service")]
    assert round(sum(row[8] for row in data), 2) == 456.50
    total_row = next(row for row in sheet.iter_rows(min_row=3, values_only=True) if row and row[0] == "Total")
    assert total_row[8] == f"=SUM(I3:I{len(data) + 2})"
    page = client.get("/bookings/statements/?month=2026-10").content.decode()
    assert "456,50" in page or "456.50" in page


def test_members_see_only_their_organizations_statement(client, lab):
    client.force_login(lab["member"])
    assert client.get("/bookings/statements/?organization=lab").status_code == 404
    assert client.get("/bookings/statements/?organization=newco").status_code == 200
    client.force_login(lab["outsider"])  # member of no organization
    assert client.get("/bookings/statements/").status_code == 403


def test_usage_report(lab):
    trained(lab)
    b = book(lab, at(1, 10), at(1, 12))
    Booking.objects.filter(pk=b.pk).update(status="completed")
    report = selectors.usage_report(lab["platform"], 2027, 3)
    row = report["rows"][0]
    assert row["booked"] == Decimal("2.00")
    # March 2027 has 23 weekdays of 12 open hours.
    assert row["open"] == Decimal("276.00")
    assert report["revenue"]["startup"] == Decimal("140.00")


# --- API ------------------------------------------------------------------------------------------------

def test_api_books_and_answers_409_when_taken(client, lab):
    from django.utils import timezone

    from guichet.accounts.services import api_token_create

    trained(lab)
    _t, raw = api_token_create(actor=lab["member"], name="lims")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    start = (timezone.now() + timedelta(days=2)).astimezone(PARIS).replace(hour=10, minute=0, second=0,
                                                                           microsecond=0)
    while start.isoweekday() > 5:
        start += timedelta(days=1)
    payload = {"instrument": "cyto.aria", "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}
    first = client.post("/api/v1/bookings", payload, content_type="application/json", **auth)
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    second = client.post("/api/v1/bookings", payload, content_type="application/json", **auth)
    assert second.status_code == 409 and second.json()["detail"]
    availability = client.get(f"/api/v1/instruments/cyto.aria/availability?week={start.date().isoformat()}",
                              **auth).json()
    assert [s["mine"] for s in availability["busy"]] == [True]
    untrained = api_token_create(actor=lab["outsider"], name="x")[1]
    refused = client.post("/api/v1/bookings", payload, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {untrained}")
    assert refused.status_code == 403
    cancelled = client.post(f"/api/v1/bookings/{first.json()['id']}/cancel", **auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
