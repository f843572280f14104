"""Incidents (issue 13, item 4): a manager declares an instrument down from now until it is expected back;
the bookings it hits are cancelled in the same transaction, their users e-mailed at once in their language
with the nearest free slots, which they take from the offer's page; the log gives the usage report downtime."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from guichet.accounts.models import Role
from guichet.bookings import services
from guichet.bookings.models import Booking
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility import incidents
from guichet.facility.models import Incident, IncidentOffer
from guichet.platforms.models import Instrument, Platform

from .conftest import logged_in, make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 15, 9, 0, tzinfo=PARIS)  # a Monday


@pytest.fixture
def lab(db):
    org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=org)
    instrument = Instrument.objects.create(key="cyto.aria", name="Sorter", platform=platform, min_notice=0,
                                           cancel_deadline_hours=0, opens_at=time(8), closes_at=time(18),
                                           slot_minutes=60, min_duration=60, max_advance_days=730)
    manager = make_user("manager@u.example", Role.PLATFORM_MANAGER)
    platform.managers.add(manager)
    french, english = make_user("fr@u.example", Role.MEMBER), make_user("en@u.example", Role.MEMBER)
    english.language = "en"
    english.save()
    at = lambda day, hour: datetime(2027, 3, day, hour, tzinfo=PARIS)  # noqa: E731
    hit = [services.booking_create(actor=french, instrument=instrument, start=at(15, 10), end=at(15, 12), now=NOW),
           services.booking_create(actor=english, instrument=instrument, start=at(16, 9), end=at(16, 10), now=NOW)]
    spared = services.booking_create(actor=french, instrument=instrument, start=at(17, 10), end=at(17, 11), now=NOW)
    return {"instrument": instrument, "manager": manager, "french": french, "english": english, "hit": hit,
            "spared": spared, "at": at}


def declare(lab, back, **kw):
    return incidents.incident_declare(actor=lab["manager"], instrument=lab["instrument"], description="Laser failure",
                                      expected_back_at=back, now=NOW, **kw)


def test_declaring_cancels_the_bookings_hit_and_tells_each_user_in_their_language(lab):
    incident = declare(lab, lab["at"](17, 8))
    statuses = {b.pk: Booking.objects.get(pk=b.pk).status for b in lab["hit"] + [lab["spared"]]}
    assert statuses == {lab["hit"][0].pk: "cancelled", lab["hit"][1].pk: "cancelled", lab["spared"].pk: "confirmed"}
    blackout = incident.blackout
    assert (blackout.kind, blackout.start, blackout.end) == ("blackout", NOW, lab["at"](17, 8))
    with pytest.raises(services.SlotUnavailable):  # nobody books the down period
        services.booking_create(actor=lab["french"], instrument=lab["instrument"], start=lab["at"](16, 14),
                                end=lab["at"](16, 15), now=NOW)
    mails = {m.to[0]: m for m in OutboxMessage.objects.filter(template="incident_offer")}
    assert set(mails) == {"fr@u.example", "en@u.example"}
    assert "Instrument en panne" in mails["fr@u.example"].subject and "Laser failure" in mails["fr@u.example"].body
    assert "Instrument down" in mails["en@u.example"].subject
    offers = {o.user.email: o for o in IncidentOffer.objects.all()}
    assert f"/facility/incidents/offers/{offers['en@u.example'].pk}/" in mails["en@u.example"].body
    # The nearest free slots of the same length after the return, on the grid, none given twice, none on
    # the spared booking (17th, 10-11).
    two_hours = incidents.offer_slots(offers["fr@u.example"])
    assert two_hours == [(lab["at"](17, 8), lab["at"](17, 10)), (lab["at"](17, 11), lab["at"](17, 13)),
                         (lab["at"](17, 13), lab["at"](17, 15))]
    assert incidents.offer_slots(offers["en@u.example"]) == [(lab["at"](17, 15), lab["at"](17, 16)),
                                                              (lab["at"](17, 16), lab["at"](17, 17)),
                                                              (lab["at"](17, 17), lab["at"](17, 18))]
    event = AuditEvent.objects.get(action="incident.declare")
    assert event.changes["cancelled_bookings"][1] == [b.pk for b in lab["hit"]]


def test_bad_declarations_are_refused_naming_the_field_and_write_nothing(lab):
    for back, field in ((NOW - timedelta(hours=1), "expected_back_at"), (NOW + timedelta(days=91), "expected_back_at")):
        with pytest.raises(incidents.IncidentError) as refused:
            declare(lab, back)
        assert refused.value.field == field
    with pytest.raises(incidents.IncidentError) as empty:
        incidents.incident_declare(actor=lab["manager"], instrument=lab["instrument"], description=" ",
                                   expected_back_at=lab["at"](16, 8), now=NOW)
    assert empty.value.field == "description"
    with pytest.raises(services.NotAllowed):
        incidents.incident_declare(actor=lab["french"], instrument=lab["instrument"], description="x",
                                   expected_back_at=lab["at"](16, 8), now=NOW)
    assert not Incident.objects.exists() and not OutboxMessage.objects.filter(template="incident_offer").exists()
    assert Booking.objects.filter(status="cancelled").count() == 0
    declare(lab, lab["at"](16, 8))
    with pytest.raises(incidents.IncidentError):  # one open incident at a time
        declare(lab, lab["at"](16, 18))


def test_the_member_takes_one_offered_slot_once(client, lab):
    declare(lab, lab["at"](17, 8))
    offer = IncidentOffer.objects.get(user=lab["english"])
    logged_in(client, lab["french"])
    assert client.get(reverse("facility:incident_offer", args=[offer.pk])).status_code == 404
    logged_in(client, lab["english"])
    page = client.get(reverse("facility:incident_offer", args=[offer.pk])).content.decode()
    assert "Sorter" in page and page.count('name="slot"') == 3
    response = client.post(reverse("facility:incident_offer_take", args=[offer.pk]), {"slot": "1"})
    assert response.status_code == 302
    booking = Booking.objects.get(user=lab["english"], status="confirmed")
    assert (booking.start, booking.end) == (lab["at"](17, 16), lab["at"](17, 17))
    offer.refresh_from_db()
    assert offer.status == "taken" and offer.booking_id == booking.pk
    client.post(reverse("facility:incident_offer_take", args=[offer.pk]), {"slot": "0"})
    assert Booking.objects.filter(user=lab["english"], status="confirmed").count() == 1


def test_ending_frees_the_rest_and_the_usage_report_counts_the_downtime(lab):
    incident = declare(lab, lab["at"](17, 8))
    incidents.incident_end(actor=lab["manager"], incident=incident, now=NOW + timedelta(hours=5))
    incident.refresh_from_db()
    assert incident.ended_at == NOW + timedelta(hours=5)
    assert Booking.objects.get(pk=incident.blackout_id).end == NOW + timedelta(hours=5)
    services.booking_create(actor=lab["french"], instrument=lab["instrument"], start=lab["at"](16, 14),
                            end=lab["at"](16, 15), now=NOW)  # free again
    assert incidents.downtime_hours(lab["instrument"], datetime(2027, 3, 1, tzinfo=PARIS),
                                    datetime(2027, 4, 1, tzinfo=PARIS)) == Decimal("5.00")
    with pytest.raises(incidents.IncidentError):
        incidents.incident_end(actor=lab["manager"], incident=incident, now=NOW + timedelta(hours=6))


def test_the_manager_declares_from_the_incidents_page_and_the_usage_report_shows_downtime(client, lab):
    incident = declare(lab, lab["at"](17, 8))
    incidents.incident_end(actor=lab["manager"], incident=incident, now=NOW + timedelta(hours=2, minutes=30))
    logged_in(client, lab["manager"])
    report = client.get(reverse("bookings:usage", args=["cyto"]) + "?month=2027-03").content.decode()
    assert 'class="num downtime"><a href="/facility/instruments/cyto.aria/incidents/">2,50</a>' in report
    log = client.get(reverse("facility:incidents", args=["cyto.aria"])).content.decode()
    assert "Laser failure" in log and "Journal des incidents" in log
    url = reverse("facility:incident_declare", args=["cyto.aria"])
    bad = client.post(url, {"description": "", "back_day": "2027-03-17", "back_time": "08:00"})
    assert bad.status_code == 400 and Incident.objects.count() == 1  # the one declared above, nothing more
    logged_in(client, lab["french"])
    assert client.get(reverse("facility:incidents", args=["cyto.aria"])).status_code == 403
