"""Trainings: the catalogue, prerequisites, attendance closed by the trainer, the PDF certificate, the
bookings TrainingAuthorization granted with the course's expiry, and the KPIs as of past dates."""

import io
import re
from datetime import date, datetime, timedelta
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


def _catalogue(client, language, **query):
    return client.get(reverse("events:trainings"), query, HTTP_ACCEPT_LANGUAGE=language)


def test_a_past_session_leaves_the_coming_list_for_the_past_list_with_figures_only_for_those_allowed(
        client, staff, member, outsider):
    from zoneinfo import ZoneInfo

    from django.utils import translation
    from django.utils.formats import date_format

    course = Course.objects.create(key="flow", title_fr="Cytométrie en flux", title_en="Flow cytometry", hours=7)
    held = held_training(course, key="flow-held", capacity=3)
    coming = held_training(course, key="flow-coming")
    draft = held_training(course, key="flow-draft")
    trainer = make_user("trainer@test.example", Role.MEMBER)
    held.trainers.add(trainer)
    present = services.registration_create(actor=member, session=held)
    services.registration_create(actor=outsider, session=held)
    move_to_past(held)
    move_to_past(draft, days_ago=1)
    draft.event.status = "draft"
    draft.event.save()
    services.attendance_close(actor=staff, session=held, attended_ids=[present.pk])

    # The coming list (the catalogue as before) no longer shows the session held; it links to the past ones.
    for language in ("en", "fr"):
        page = _catalogue(client, language).content.decode()
        assert f"#session-{coming.pk}" in page and f"#session-{held.pk}" not in page
        assert "?sessions=past" in page and ("Past sessions" if language == "en" else "Sessions passées") in page

    # The past list: the session held, its date and place, to anybody; not the coming one, not the draft.
    for language, heading in (("en", "Past training sessions"), ("fr", "Sessions de formation passées")):
        response = _catalogue(client, language, sessions="past")
        page = response.content.decode()
        assert response.status_code == 200 and heading in page
        with translation.override(language):
            day = date_format(timezone.localtime(held.start, ZoneInfo("Europe/Paris")), "DATE_FORMAT")
        item = page.split(f'id="past-session-{held.pk}"')[1].split("</li>")[0]
        assert day in item and "Marseille" in item and ("Flow cytometry" if language == "en"
                                                        else "Cytométrie en flux") in item
        assert f"#session-{coming.pk}" not in page and f"past-session-{draft.pk}" not in page
        assert "attendance-figures" not in page

    # Attendance figures: the team and the session's trainer see them, another member does not.
    for reader, shown in ((staff, True), (trainer, True), (outsider, False)):
        client.force_login(reader)
        page = _catalogue(client, "en", sessions="past").content.decode()
        item = page.split(f'id="past-session-{held.pk}"')[1].split("</li>")[0]
        assert ("Attended: 1 · Registered: 2" in item) is shown, reader
    client.force_login(staff)
    page = _catalogue(client, "fr", sessions="past").content.decode()
    assert "Présents\u00a0: 1 · Inscrits\u00a0: 2" in page
    assert f"past-session-{draft.pk}" in page and "Inscrits\u00a0: 0 · présence pas encore relevée" in page


def test_the_past_sessions_come_a_page_at_a_time_and_a_bad_parameter_is_named(client, monkeypatch):
    from guichet.events import views

    monkeypatch.setattr(views, "PAST_SESSIONS_PAGE", 2)
    course = Course.objects.create(key="gmp", title_fr="BPF", title_en="GMP", hours=3)
    sessions = []
    for days_ago in (3, 2, 1):
        session = held_training(course, key=f"gmp-{days_ago}")
        move_to_past(session, days_ago=days_ago)
        sessions.append(session)
    oldest, middle, latest = sessions
    first = _catalogue(client, "en", sessions="past").content.decode()
    assert f"past-session-{latest.pk}" in first and f"past-session-{middle.pk}" in first
    assert f"past-session-{oldest.pk}" not in first and "Page 1 of 2" in first and "page=2" in first
    second = _catalogue(client, "en", sessions="past", page="2").content.decode()
    assert f"past-session-{oldest.pk}" in second and f"past-session-{latest.pk}" not in second
    # An empty parameter is an absent one, as for the other filters: the coming sessions, page 1.
    assert "?sessions=past" in _catalogue(client, "en", sessions="").content.decode()
    listed = _catalogue(client, "en", sessions="past", page="").content.decode()
    assert listed.split('id="past-sessions"')[1].split("</ul>")[0] == first.split('id="past-sessions"')[1].split(
        "</ul>")[0]

    for query, english, french in (
            ({"sessions": "future"}, "Sessions: choose the coming ones or the past ones.",
             "Sessions\u00a0: choisissez celles à venir ou celles passées."),
            ({"sessions": "past", "page": "abc"}, "Page: “abc” is not a page number (1 to 2).",
             "Page\u00a0: «\u00a0abc\u00a0» n’est pas un numéro de page (1 à 2)."),
            ({"sessions": "past", "page": "3"}, "Page: “3” is not a page number (1 to 2).",
             "Page\u00a0: «\u00a03\u00a0» n’est pas un numéro de page (1 à 2)."),
            ({"sessions": "past", "page": "0"}, "Page: “0” is not a page number (1 to 2).",
             "Page\u00a0: «\u00a00\u00a0» n’est pas un numéro de page (1 à 2).")):
        for language, message in (("en", english), ("fr", french)):
            response = _catalogue(client, language, **query)
            assert response.status_code == 400, query
            assert message in response.content.decode(), (query, language)


def _past_ids(page):
    return set(re.findall(r'id="past-session-(\d+)"', page.split('id="past-sessions"')[1].split("</ul>")[0]))


def test_the_past_sessions_filter_by_course_and_by_year_in_select_boxes_and_a_bad_value_is_named(client):
    from zoneinfo import ZoneInfo

    gmp = Course.objects.create(key="gmp", title_fr="Bonnes pratiques de fabrication", title_en="Good manufacturing "
                                "practice", hours=3)
    flow = Course.objects.create(key="flow", title_fr="Cytométrie en flux", title_en="Flow cytometry", hours=7)
    paris = ZoneInfo("Europe/Paris")
    this_year = timezone.localtime(timezone.now(), paris).year

    def held(course, key, start):
        session = held_training(course, key=key)
        Session.objects.filter(pk=session.pk).update(start=start, end=start + timedelta(hours=3))
        return str(session.pk)

    # New Year's Eve at 23:30 in Paris is still the old year there (22:30 UTC), however the database counts.
    gmp_eve = held(gmp, "gmp-eve", datetime(this_year - 2, 12, 31, 23, 30, tzinfo=paris))
    gmp_new = held(gmp, "gmp-new", datetime(this_year - 1, 1, 1, 0, 30, tzinfo=paris))
    flow_old = held(flow, "flow-old", datetime(this_year - 2, 6, 3, 9, 0, tzinfo=paris))
    every = {gmp_eve, gmp_new, flow_old}

    for language, labels in (("en", ("Course", "All courses", "All years", "Flow cytometry")),
                             ("fr", ("Formation", "Toutes les formations", "Toutes les années",
                                     "Cytométrie en flux"))):
        page = _catalogue(client, language, sessions="past").content.decode()
        assert _past_ids(page) == every
        form = page.split('id="past-filters"')[1].split("</form>")[0]
        assert all(label in form for label in labels), language
        assert '<option value="flow">' in form and '<option value="gmp">' in form
        years = re.findall(r'<option value="(\d+)"', form.split('id="year"')[1])
        assert years == [str(this_year - 1), str(this_year - 2)]  # the years sessions were held, the latest first

    assert _past_ids(_catalogue(client, "en", sessions="past", course="gmp").content.decode()) == {gmp_eve, gmp_new}
    year = _catalogue(client, "en", sessions="past", year=str(this_year - 2)).content.decode()
    assert _past_ids(year) == {gmp_eve, flow_old}
    form = year.split('id="past-filters"')[1].split("</form>")[0]
    assert f'<option value="{this_year - 2}" selected>' in form
    both = _catalogue(client, "fr", sessions="past", course="gmp", year=str(this_year - 1)).content.decode()
    assert _past_ids(both) == {gmp_new} and '<option value="gmp" selected>' in both
    # A year without sessions within the bounds: none listed, said so (and the pager keeps the filters).
    empty = _catalogue(client, "fr", sessions="past", course="flow", year=str(this_year - 1)).content.decode()
    assert _past_ids(empty) == set() and "Aucune session passée ne correspond à ces filtres." in empty
    # Empty values are absent ones, as for the other filters.
    assert _past_ids(_catalogue(client, "en", sessions="past", course="", year="").content.decode()) == every

    for query, english, french in (
            ({"course": "yoga"}, "Course: “yoga” is not one of the choices offered.",
             "Formation\u00a0: «\u00a0yoga\u00a0» ne fait pas partie des choix proposés."),
            ({"year": "20x4"}, "Year: “20x4” is not a year (1990 to 2100).",
             "Année\u00a0: «\u00a020x4\u00a0» n’est pas une année (1990 à 2100)."),
            ({"year": "1066"}, "Year: “1066” is not a year (1990 to 2100).",
             "Année\u00a0: «\u00a01066\u00a0» n’est pas une année (1990 à 2100)."),
            ({"year": "２０２５"}, "Year: “２０２５” is not a year (1990 to 2100).",
             "Année\u00a0: «\u00a0２０２５\u00a0» n’est pas une année (1990 à 2100).")):
        for language, message in (("en", english), ("fr", french)):
            response = _catalogue(client, language, sessions="past", **query)
            assert response.status_code == 400, query
            assert message in response.content.decode(), (query, language)
