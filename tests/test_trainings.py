"""Trainings: the catalogue, prerequisites, attendance closed by the trainer, the PDF certificate, the
bookings TrainingAuthorization granted with the course's expiry, and the KPIs as of past dates."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.accounts.models import Role
from guichet.bookings.models import TrainingAuthorization
from guichet.bookings.services import NotTrained, booking_create, is_trained
from guichet.events import services
from guichet.events.models import Course, Registration, Session
from guichet.events.services import add_months
from guichet.impact.kpis import compute
from guichet.platforms.models import Instrument

from .conftest import make_user
from .event_fixtures import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def aria(small_directory):
    instrument = Instrument.objects.get(key="cyto.aria")
    instrument.requires_training = True
    instrument.save()
    return instrument


def held_training(course, *, key, capacity=5, days_ago=2):
    session = make_session(key=key, kind="training", course=course, capacity=capacity,
                           start_in=timedelta(days=5))
    return session


def move_to_past(session, days_ago=2):
    Session.objects.filter(pk=session.pk).update(start=timezone.now() - timedelta(days=days_ago, hours=3),
                                                 end=timezone.now() - timedelta(days=days_ago))
    session.refresh_from_db()


def test_attending_an_instrument_course_grants_the_booking_authorization_until_it_expires(
        client, aria, staff, member, outsider):
    course = Course.objects.create(key="aria-basics", title_fr="Trieur Aria : prise en main",
                                   title_en="Aria sorter: first steps", hours=Decimal("7"), instrument=aria,
                                   authorization_months=12)
    session = held_training(course, key="aria-jan")
    trainer = make_user("trainer@test.example", Role.MEMBER)
    session.trainers.add(trainer)
    present = services.registration_create(actor=member, session=session)
    absent = services.registration_create(actor=outsider, session=session)
    assert not is_trained(member, aria)
    move_to_past(session)

    # The door team checked the member in: the attendance page comes ticked for them.
    services.check_in(actor=staff, registration=present)
    client.force_login(outsider)
    assert client.get(reverse("events:attendance", args=[session.pk])).status_code == 403
    client.force_login(trainer)
    page = client.get(reverse("events:attendance", args=[session.pk])).content.decode()
    assert f'value="{present.pk}"' in page and "checked" in page.split(f'value="{present.pk}"')[1][:40]
    response = client.post(reverse("events:attendance", args=[session.pk]), {"attended": [str(present.pk)]})
    assert response.status_code == 302

    grant = TrainingAuthorization.objects.get(user=member, instrument=aria)
    assert grant.granted_by == trainer
    assert abs(grant.expires_at - add_months(Session.objects.get(pk=session.pk).completed_at, 12)) < timedelta(seconds=1)
    assert is_trained(member, aria) and not is_trained(outsider, aria)
    assert not Registration.objects.get(pk=absent.pk).attended
    with pytest.raises(NotTrained):
        start = timezone.now() + timedelta(days=3)
        booking_create(actor=outsider, instrument=aria, start=start, end=start + timedelta(hours=1))
    # Closing twice is refused; nothing granted twice.
    with pytest.raises(services.EventError):
        services.attendance_close(actor=trainer, session=session, attended_ids=[present.pk, absent.pk])
    assert TrainingAuthorization.objects.filter(user=member).count() == 1

    # The certificate: a real PDF naming the person, the course and its hours, in their language.
    from pypdf import PdfReader

    pdf = client.get(reverse("events:certificate", args=[present.token]))
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Member" in text and "prise en main" in text and "7" in text and "Attestation" in text
    assert client.get(reverse("events:certificate", args=[absent.token])).status_code == 404
    # The member finds it from their registrations (the trial: "My registrations" said "Registered", no link).
    client.force_login(member)
    mine = client.get(reverse("events:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("events:certificate", args=[present.token]) in mine and "attended" in mine


def test_a_prerequisite_attended_opens_the_next_course(member, staff):
    basics = Course.objects.create(key="gmp-1", title_fr="BPF : les bases", hours=3)
    advanced = Course.objects.create(key="gmp-2", title_fr="BPF : avancé", hours=7)
    advanced.prerequisites.add(basics)
    first = held_training(basics, key="gmp-1-s")
    registration = services.registration_create(actor=member, session=first)
    later = held_training(advanced, key="gmp-2-s")
    with pytest.raises(services.EventError, match="BPF"):
        services.registration_create(actor=member, session=later)
    move_to_past(first)
    services.attendance_close(actor=staff, session=first, attended_ids=[registration.pk])
    assert services.registration_create(actor=member, session=later).status == "confirmed"


def test_people_trained_and_training_hours_as_of_past_dates(staff):
    course = Course.objects.create(key="flow", title_fr="Cytométrie", hours=Decimal("3.5"))
    people = [make_user(f"p{i}@test.example", Role.MEMBER) for i in range(3)]
    first = held_training(course, key="flow-1")
    regs = [services.registration_create(actor=p, session=first) for p in people]
    move_to_past(first, days_ago=40)
    services.attendance_close(actor=staff, session=first, attended_ids=[r.pk for r in regs[:2]])
    Session.objects.filter(pk=first.pk).update(completed_at=timezone.now() - timedelta(days=39))
    second = held_training(course, key="flow-2")
    again = [services.registration_create(actor=p, session=second) for p in people[1:]]
    move_to_past(second, days_ago=5)
    services.attendance_close(actor=staff, session=second, attended_ids=[r.pk for r in again])

    today = timezone.localdate()
    now = compute(as_of=today, start=today - timedelta(days=60), end=today).values
    assert now["people_trained_total"] == 3  # p0, p1 (twice), p2
    assert now["training_hours_in_period"] == Decimal("14.0")  # four attendances of 3.5 hours
    assert now["events_held_in_period"] == 2 and now["event_participants_in_period"] == 4
    before = compute(as_of=today - timedelta(days=20), start=today - timedelta(days=60),
                     end=today - timedelta(days=20)).values
    assert before["people_trained_total"] == 2 and before["training_hours_in_period"] == Decimal("7.0")
    assert compute(as_of=today - timedelta(days=45)).values["people_trained_total"] == 0
    assert date.today() >= today - timedelta(days=45)


def test_the_catalogue_lists_courses_with_their_coming_sessions(client, aria):
    course = Course.objects.create(key="aria-basics", title_fr="Trieur Aria", title_en="Aria sorter", hours=7,
                                   instrument=aria)
    session = held_training(course, key="aria-s")
    page = client.get(reverse("events:trainings"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Aria sorter" in page and f"#session-{session.pk}" in page and "authorises booking" in page
