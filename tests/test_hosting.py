"""Hosting spaces (issue 13, item 8): offices, benches and rooms are resources of the bookings engine; rooms
are booked by the hour, offices and benches let by contract, and contracts of one space never overlap (the
engine's own no-overlap rule); occupancy per building and the companies implanted, as of any date."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from guichet.accounts.models import Role
from guichet.bookings import services as bookings
from guichet.bookings.models import Booking
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.hosting import selectors, services
from guichet.hosting.models import Contract
from guichet.impact import kpis

from .conftest import logged_in, make_user
from .hosting_fixtures import make_building

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 15, 9, 0, tzinfo=PARIS)  # a Monday


@pytest.fixture
def site(db):
    return make_building()


def let(site, space="office", start=date(2027, 1, 1), end=date(2027, 12, 31), company="company", m2="20.00",
        price="600.00"):
    return services.contract_create(actor=site["manager"], space=site[space], company=site[company], start=start,
                                    end=end, surface_m2=m2, monthly_price=price)


def test_a_member_books_a_meeting_room_by_the_hour_on_the_engine(site):
    member = make_user("sci@u.example", Role.MEMBER)
    room = site["room"].resource
    at = lambda hour: datetime(2027, 3, 17, hour, tzinfo=PARIS)  # noqa: E731
    booking = bookings.booking_create(actor=member, instrument=room, start=at(10), end=at(11), now=NOW)
    assert booking.kind == Booking.Kind.BOOKING and booking.instrument.space == site["room"]
    other = make_user("other@u.example", Role.MEMBER)
    with pytest.raises(bookings.SlotUnavailable):
        bookings.booking_create(actor=other, instrument=room, start=at(10), end=at(12), now=NOW)


def test_an_office_is_let_by_contract_not_booked_by_the_hour(site):
    member = make_user("sci@u.example", Role.MEMBER)
    at = lambda hour: datetime(2027, 3, 17, hour, tzinfo=PARIS)  # noqa: E731
    with pytest.raises(bookings.BookingError) as refused:
        bookings.booking_create(actor=member, instrument=site["office"].resource, start=at(10), end=at(11), now=NOW)
    assert refused.value.field == "instrument"


def test_rooms_are_not_let_by_contract(site):
    with pytest.raises(services.HostingError) as refused:
        let(site, space="room", m2="30.00")
    assert refused.value.field == "space" and not Contract.objects.exists()


def test_contracts_of_one_space_never_overlap(site):
    first = let(site, start=date(2027, 1, 1), end=date(2027, 6, 30))
    assert first.hold.kind == Booking.Kind.CONTRACT and first.hold.organization == site["company"]
    with pytest.raises(services.HostingError) as refused:
        let(site, start=date(2027, 6, 30), end=date(2027, 9, 30), company="other")  # one day in common
    assert refused.value.field == "start"
    assert Contract.objects.count() == 1 and Booking.objects.filter(kind="contract").count() == 1
    # The day after the last one is free; another space is its own.
    let(site, start=date(2027, 7, 1), end=date(2027, 9, 30), company="other")
    let(site, space="bench", start=date(2027, 1, 1), end=date(2027, 6, 30), m2="10.00")
    assert Contract.objects.count() == 3


def test_a_contract_over_an_hourly_booking_is_refused_by_the_same_rule(site):
    # A manager's maintenance on the office (a blackout) holds it as any booking would.
    start = datetime(2027, 5, 3, 8, tzinfo=PARIS)
    bookings.blackout_create(actor=site["manager"], instrument=site["office"].resource, start=start,
                             end=datetime(2027, 5, 3, 12, tzinfo=PARIS), reason="paint", now=NOW)
    with pytest.raises(services.HostingError):
        let(site, start=date(2027, 5, 1), end=date(2027, 5, 31))


def test_ending_early_frees_the_days_after(site):
    contract = let(site, start=date(2027, 1, 1), end=date(2027, 12, 31))
    services.contract_end(actor=site["manager"], contract=contract, on=date(2027, 3, 31))
    contract.refresh_from_db()
    contract.hold.refresh_from_db()
    assert contract.end == date(2027, 3, 31)
    assert contract.hold.end == datetime(2027, 4, 1, tzinfo=PARIS)
    with pytest.raises(services.HostingError):
        let(site, start=date(2027, 3, 31), end=date(2027, 4, 30), company="other")
    let(site, start=date(2027, 4, 1), end=date(2027, 4, 30), company="other")
    assert AuditEvent.objects.filter(action="contract.end", entity_key=str(contract.pk)).exists()


def test_an_early_end_outside_the_contract_is_refused(site):
    contract = let(site, start=date(2027, 1, 1), end=date(2027, 6, 30))
    for on in (date(2026, 12, 31), date(2027, 6, 30), date(2027, 7, 15)):
        with pytest.raises(services.HostingError) as refused:
            services.contract_end(actor=site["manager"], contract=contract, on=on)
        assert refused.value.field == "on"
    contract.refresh_from_db()
    assert contract.end == date(2027, 6, 30)


def test_a_cancelled_contract_frees_its_space_and_never_counts(site):
    contract = let(site, start=date(2027, 1, 1), end=date(2027, 12, 31))
    services.contract_cancel(actor=site["manager"], contract=contract)
    contract.hold.refresh_from_db()
    assert contract.hold.status == Booking.Status.CANCELLED
    assert selectors.companies_hosted(date(2027, 2, 1)) == set()
    let(site, start=date(2027, 1, 1), end=date(2027, 12, 31), company="other")
    with pytest.raises(services.HostingError) as refused:
        services.contract_cancel(actor=site["manager"], contract=contract)
    assert refused.value.field == "status"


@pytest.mark.parametrize(("field", "value"), [("surface_m2", "20.01"), ("surface_m2", "0"), ("surface_m2", "x"),
                                              ("monthly_price", "-1"), ("monthly_price", "1000000.01")])
def test_bad_figures_are_refused_naming_the_field_and_nothing_is_written(site, field, value):
    figures = {"m2": "20.00", "price": "600.00", {"surface_m2": "m2", "monthly_price": "price"}[field]: value}
    with pytest.raises(services.HostingError) as refused:
        let(site, **figures)
    assert refused.value.field == field
    assert not Contract.objects.exists() and not Booking.objects.filter(kind="contract").exists()


def test_the_end_comes_on_or_after_the_start(site):
    with pytest.raises(services.HostingError) as refused:
        let(site, start=date(2027, 5, 1), end=date(2027, 4, 30))
    assert refused.value.field == "end"


def test_only_the_buildings_managers_let_its_spaces(site):
    member = make_user("sci@u.example", Role.MEMBER)
    other_manager = make_user("cyto@u.example", Role.PLATFORM_MANAGER)
    for actor in (member, other_manager):
        with pytest.raises(services.NotAllowed):
            services.contract_create(actor=actor, space=site["office"], company=site["company"],
                                     start=date(2027, 1, 1), end=date(2027, 2, 1), surface_m2=1, monthly_price=1)
    assert not Contract.objects.exists()


def test_occupancy_is_the_share_of_the_lettable_surface_under_contract_on_the_date(site):
    let(site, start=date(2027, 1, 1), end=date(2027, 6, 30), m2="15.00")  # 15 of the office's 20 m²
    let(site, space="bench", start=date(2027, 4, 1), end=date(2027, 12, 31), company="other", m2="10.00")
    # The meeting room's 30 m² are not lettable: 30 m² of offices and benches.
    (march,) = selectors.occupancy(date(2027, 3, 1))
    assert (march.lettable_m2, march.let_m2, march.share, march.companies) == (Decimal("30.00"), Decimal("15.00"),
                                                                                Decimal("50.0"), 1)
    (may,) = selectors.occupancy(date(2027, 5, 1))
    assert (may.let_m2, may.share, may.companies) == (Decimal("25.00"), Decimal("83.3"), 2)
    (july,) = selectors.occupancy(date(2027, 7, 1))
    assert (july.let_m2, july.companies) == (Decimal("10.00"), 1)


def test_companies_implanted_read_the_contracts_as_of_the_date(site):
    let(site, start=date(2025, 1, 1), end=date(2026, 6, 30))
    let(site, space="bench", start=date(2026, 1, 1), end=date(2027, 12, 31), company="other", m2="10.00")
    let(site, space="bench", start=date(2024, 1, 1), end=date(2024, 12, 31), company="company", m2="10.00")
    mistake = let(site, start=date(2024, 1, 1), end=date(2024, 6, 30), company="other")
    services.contract_cancel(actor=site["manager"], contract=mistake)
    as_of = {day: kpis.compute(as_of=day) for day in (date(2024, 3, 1), date(2025, 6, 1), date(2026, 3, 1),
                                                      date(2026, 9, 1))}
    assert {d: r.values["companies_hosted"] for d, r in as_of.items()} == {
        date(2024, 3, 1): 1, date(2025, 6, 1): 1, date(2026, 3, 1): 2, date(2026, 9, 1): 1}
    assert as_of[date(2026, 3, 1)].values["hosted_surface_m2"] == Decimal("30.00")
    with translation.override("en"):
        assert "hosting contract" in kpis.compute(as_of=date(2026, 3, 1)).methods["companies_hosted"]
    assert "companies_hosted" in kpis.KPI_LABELS


def test_every_write_is_audited(site):
    contract = let(site)
    assert AuditEvent.objects.filter(action="contract.create", entity_key=str(contract.pk)).exists()
    assert AuditEvent.objects.filter(action="space.create").count() == 3


# --- pages ---

def test_staff_see_the_occupancy_per_building_in_french_and_english(client, site):
    let(site, start=date(2020, 1, 1), end=date(2035, 12, 31), m2="15.00")
    staff = make_user("staff@u.example", Role.STAFF)
    logged_in(client, staff)
    french = client.get(reverse("hosting:buildings"), HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200
    text = french.content.decode()
    assert "Building luminy-b" in text and "50,0" in text and "Taux d’occupation" in text
    english = client.get(reverse("hosting:buildings") + "?on=2019-06-01", HTTP_ACCEPT_LANGUAGE="en")
    assert "Occupancy on 1 June 2019" in english.content.decode()
    assert client.get(reverse("hosting:buildings") + "?on=yesterday").status_code == 400


def test_a_manager_lets_a_space_from_the_building_page(client, site):
    logged_in(client, site["manager"])
    url = reverse("hosting:contract_new", args=[site["building"].key])
    data = {"space": site["office"].pk, "company": "vhh-bio", "start": "2027-01-01", "end": "2027-12-31",
            "surface_m2": "20", "monthly_price": "600"}
    response = client.post(url, data)
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert (contract.company.key, contract.monthly_price) == ("vhh-bio", Decimal("600.00"))
    page = client.get(reverse("hosting:building", args=[site["building"].key]) + "?on=2027-02-01",
                      HTTP_ACCEPT_LANGUAGE="en")
    assert "Let to VHH Bio until" in page.content.decode()
    # The same days again: refused on the page, naming the field, nothing written.
    again = client.post(url, {**data, "company": "cell-co"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert "Start — Start: the space is let or booked for some of these days." in again.content.decode()
    unknown = client.post(url, {**data, "company": "nobody", "start": "2028-01-01", "end": "2028-02-01"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 400 and "No organization of the directory has this key." in unknown.content.decode()
    assert Contract.objects.count() == 1


def test_a_manager_adds_a_room_that_members_then_book(client, site):
    logged_in(client, site["manager"])
    response = client.post(reverse("hosting:space_new", args=[site["building"].key]), {
        "key": "r002", "name": "Room Sormiou", "kind": "meeting_room", "surface_m2": "22", "seats": "8"})
    assert response.status_code == 302
    member = make_user("sci@u.example", Role.MEMBER)
    logged_in(client, member)
    rooms = client.get(reverse("hosting:rooms"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Room Sormiou" in rooms and reverse("bookings:calendar", args=["luminy-b.r002"]) in rooms
    assert "Office B101" not in rooms  # let by contract, not booked by the hour
    assert client.get(reverse("hosting:buildings")).status_code == 403


def test_a_manager_ends_and_cancels_contracts_from_the_page(client, site):
    first = let(site, start=date(2027, 1, 1), end=date(2027, 12, 31))
    second = let(site, space="bench", m2="10.00")
    logged_in(client, site["manager"])
    client.post(reverse("hosting:contract_end", args=[first.pk]), {"on": "2027-05-31"})
    client.post(reverse("hosting:contract_cancel", args=[second.pk]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.end == date(2027, 5, 31) and second.cancelled_at is not None
    outsider_manager = make_user("cyto@u.example", Role.STAFF)
    assert outsider_manager  # staff manage every building (the cluster team)
