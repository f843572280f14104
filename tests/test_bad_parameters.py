"""Issue 9, defect 8: no query parameter or posted file gives a 500. Each is parsed into a bounded value;
a bad one answers 400 with a translated message naming it (pages: our 400 page or the form with its error;
API: 400 JSON)."""

import base64
from decimal import Decimal

import pytest

from guichet.antibodies.models import Assessment

from .factories import InstrumentFactory, MembershipFactory, OrganizationFactory, PlatformFactory

pytestmark = pytest.mark.django_db

# The smallest valid PNG (1x1 pixel): what a member picks by mistake instead of a FASTA file.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture
def site(staff, member):
    """A lab's sorter, its platform managed by `staff`; `member` belongs to the lab."""
    org = OrganizationFactory(key="lab", name="Lab")
    InstrumentFactory(key="cyto.aria", name="Sorter", hourly_academic=Decimal("45"),
                      platform=PlatformFactory(key="cyto", name="Cytometry", organization=org, managers=[staff]))
    MembershipFactory(user=member, organization=org)
    return {"staff": staff, "member": member}


BAD_DAYS = ["9999-12-31", "0001-01-01", "1989-12-31", "2101-01-01", "2025-13-01", "not-a-date", "2025-01-01T00:00:00Z"]
BAD_MONTHS = ["9999-12", "0001-01", "2025-13", "2025", "x-y"]

CASES = (
    [("anonymous", "/bookings/instruments/cyto.aria/", "week", v, "html") for v in BAD_DAYS]
    + [("anonymous", "/api/v1/instruments/cyto.aria/availability", "week", v, "api")
       for v in ["9999-12-31", "0001-01-01", "2101-01-01"]]
    + [("member", "/bookings/statements/", "month", v, "html") for v in BAD_MONTHS]
    + [("staff", "/bookings/statements.csv", "month", "9999-12", "html")]
    + [("staff", "/bookings/usage/cyto/", "month", v, "html") for v in BAD_MONTHS]
    + [("staff", "/impact/export.csv", name, v, "html") for name in ("start", "end", "as_of")
       for v in ("0001-01-01", "9999-12-31")]
    + [("staff", "/impact/report.pdf", "start", "0001-01-01", "html")]
)


@pytest.mark.parametrize("who, url, name, value, kind", CASES)
def test_a_bad_parameter_is_a_400_naming_it_in_the_visitors_language(client, site, who, url, name, value, kind):
    if who != "anonymous":
        client.force_login(site[who])
    response = client.get(url, {name: value}, HTTP_ACCEPT_LANGUAGE="fr")
    if kind == "api":
        # The API's contract (OpenAPI): a value its schema refuses is a 422 naming the field, in French here;
        # a value the schema lets through but the calendar cannot hold is a 400 naming it.
        body = response.json()
        assert response.status_code in (400, 422), body
        fields = {body["field"], *(e["field"] for e in body.get("errors", []))}
        assert name in fields and ("couvre" in body["detail"] or body["detail"] == "Requête invalide.")
    else:
        assert response.status_code == 400
        text = response.content.decode()
        assert 'id="bad-request-message"' in text
        assert value[:40].replace("'", "&#x27;") in text  # the message quotes what was typed


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "garbage"])
def test_impact_dashboard_shows_the_form_with_the_error(client, site, value):
    client.force_login(site["staff"])
    response = client.get("/impact/", {"start": value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    text = response.content.decode()
    error = text.split('id="period-error"')[1].split("</p>")[0]
    assert "From" in error and value in error
    assert 'aria-invalid="true"' in text and 'id="kpi-members"' in text


def test_a_reversed_period_is_refused_visibly_not_swapped(client, site):
    client.force_login(site["staff"])
    response = client.get("/impact/", {"start": "2025-06-01", "end": "2025-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "after it ends" in response.content.decode().split('id="period-error"')[1].split("</p>")[0]
    export = client.get("/impact/export.csv", {"start": "2025-06-01", "end": "2025-01-01"})
    assert export.status_code == 400


def test_good_parameters_still_work(client, site):
    assert client.get("/bookings/instruments/cyto.aria/", {"week": "2100-12-31"}).status_code == 200
    assert client.get("/bookings/instruments/cyto.aria/", {"week": "1990-01-01"}).status_code == 200
    assert client.get("/api/v1/instruments/cyto.aria/availability", {"week": "2030-01-01"}).json()["week"] == \
        "2029-12-31"
    client.force_login(site["staff"])
    assert client.get("/bookings/usage/cyto/", {"month": "2100-12"}).status_code == 200
    assert client.get("/impact/", {"start": "1990-01-01", "end": "2025-01-01"}).status_code == 200


def test_a_png_posted_as_fasta_is_refused_on_the_form(client, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(site["member"])
    response = client.post("/antibodies/", {"title": "t", "cdr_scheme": "imgt",
                                            "file": SimpleUploadedFile("seq.fasta", PNG, "image/png")},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert "not text" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_png_posted_as_fasta_is_a_400_on_the_api(client, site):
    from guichet.accounts.services import api_token_create

    raw = api_token_create(actor=site["member"], name="t")[1]
    for text in (PNG.decode("latin-1"), PNG.decode("utf-8", errors="replace")):
        response = client.post("/api/v1/antibodies/assess", {"text": text}, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {raw}")
        # Refused by the schema's FASTA/CSV pattern (422, field named) or by the parser (400): never a 500.
        assert response.status_code in (400, 422), response.content
        body = response.json()
        assert body["field"] == "text" and ("FASTA" in body["detail"] or body["errors"])


@pytest.mark.parametrize("start, duration, said", [
    ("0001-01-01T00:00", "60", "Slot: Give a date between"), ("9999-12-31T23:30", "60", "Slot: Give a date between"),
    ("2027-03-23T10:00", str(10 ** 12), "Duration: choose between"), ("2027-03-23T10:00", "-5", "Duration: choose"),
    ("", "60", "Slot: choose a free time in the calendar."), ("lundi 10h", "60", "Slot: “lundi 10h” is not a date"),
    ("2027-03-23T10:00", "une heure", "Duration: give a whole number of minutes.")])
def test_the_booking_page_refuses_impossible_dates_and_durations_naming_the_field(client, site, start, duration,
                                                                                   said):
    # One message for all ("Choose a slot and a duration.") did not say which was wrong (issue 15).
    client.force_login(site["member"])
    for url in ("/bookings/instruments/cyto.aria/book/", "/facility/instruments/cyto.aria/waitlist/"):
        response = client.post(url, {"start": start, "duration": duration}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        body = response.content.decode()
        assert response.status_code == 200 and said in body and "Choose a slot and a duration." not in body


BESIDE = {"Slot": ("start-error", 'role="grid" tabindex="0"'), "Duration": ("duration-error", 'id="book-duration"')}


@pytest.mark.parametrize("start, duration, said", [
    ("0001-01-01T00:00", "60", "Slot: Give a date between"), ("9999-12-31T23:30", "60", "Slot: Give a date between"),
    ("2027-03-23T10:00", str(10 ** 12), "Duration: choose between"), ("2027-03-23T10:00", "-5", "Duration: choose"),
    ("", "60", "Slot: choose a free time in the calendar."), ("lundi 10h", "60", "Slot: “lundi 10h” is not a date"),
    ("2027-03-23T10:00", "une heure", "Duration: give a whole number of minutes.")])
@pytest.mark.parametrize("url", ["/bookings/instruments/cyto.aria/book/", "/facility/instruments/cyto.aria/waitlist/"])
def test_each_refusal_of_the_booking_and_waitlist_forms_is_beside_its_field(client, site, start, duration, said, url):
    # The refusal was the page's message above everything, the field it named unmarked (issue 15).
    from guichet.bookings.services import training_grant
    from guichet.platforms.models import Instrument

    training_grant(actor=site["staff"], user=site["member"], instrument=Instrument.objects.get(key="cyto.aria"))
    client.force_login(site["member"])
    response = client.post(url, {"start": start, "duration": duration, "week": "2027-03-22"},
                           HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    error_id, field = BESIDE[said.split(":")[0]]
    assert response.status_code == 200 and f'<ul class="errorlist" id="{error_id}"><li>{said}' in body
    tag = body[body.rindex("<", 0, body.index(field)):body.index(">", body.index(field))]
    assert f'aria-describedby="{error_id}"' in tag and 'aria-invalid="true"' in tag
    assert 'href="#%s"' % error_id in body   # the summary at the form's top leads to the field
    assert "Week of 22 March 2027" in body   # the week posted from, shown again


def test_a_refusal_beside_its_field_in_french(client, site):
    from guichet.bookings.services import training_grant
    from guichet.platforms.models import Instrument

    training_grant(actor=site["staff"], user=site["member"], instrument=Instrument.objects.get(key="cyto.aria"))
    client.force_login(site["member"])
    response = client.post("/bookings/instruments/cyto.aria/book/", {"start": "2027-03-23T10:00", "duration": "x"},
                           HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert '<ul class="errorlist" id="duration-error"><li>Durée\u00a0: indiquez un nombre entier de minutes.' in body
    assert "Rien n’a été réservé" in body


def test_the_booking_page_names_the_field_in_french(client, site):
    client.force_login(site["member"])
    response = client.post("/bookings/instruments/cyto.aria/book/", {"start": "2027-03-23T10:00", "duration": "x"},
                           follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Durée\u00a0: indiquez un nombre entier de minutes." in response.content.decode()


@pytest.mark.parametrize("start, end", [("0001-01-01T00:00:00+14:00", "0001-01-01T01:00:00+14:00"),
                                        ("9999-12-31T22:00:00-14:00", "9999-12-31T23:00:00-14:00")])
def test_the_booking_api_refuses_dates_beyond_the_calendar(client, site, start, end):
    from guichet.accounts.services import api_token_create

    raw = api_token_create(actor=site["member"], name="t")[1]
    response = client.post("/api/v1/bookings", {"instrument": "cyto.aria", "start": start, "end": end},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    # A breach of the instrument's rules is a 409 in the API's contract; the date is named either way.
    assert response.status_code == 409 and response.json()["field"] == "start", response.content


@pytest.mark.parametrize("url, name", [("/bookings/statements/", "month"), ("/bookings/instruments/cyto.aria/", "week")])
def test_in_debug_mode_as_in_the_demo_a_bad_parameter_is_still_our_400_page(client, site, settings, url, name):
    settings.DEBUG = True   # `make demo` serves with GUICHET_DEBUG=1: Django's technical page named nothing
    client.force_login(site["member"])
    response = client.get(url, {name: "garbage"}, HTTP_ACCEPT_LANGUAGE="fr")
    text = response.content.decode()
    assert response.status_code == 400 and 'id="bad-request-message"' in text and "garbage" in text
    assert "Traceback" not in text and "BadParameter at" not in text


@pytest.mark.parametrize("language, said", [("en", "Choose a project you may charge for this platform."),
                                            ("fr", "Choisissez un projet")])
def test_a_project_the_member_may_not_charge_is_refused_beside_the_project(client, site, language, said):
    from guichet.bookings.models import Booking
    from guichet.bookings.services import training_grant
    from guichet.platforms.models import Instrument

    training_grant(actor=site["staff"], user=site["member"], instrument=Instrument.objects.get(key="cyto.aria"))
    client.force_login(site["member"])
    response = client.post("/bookings/instruments/cyto.aria/book/",
                           {"start": "2027-03-23T10:00", "duration": "60", "project": "999", "cost_centre": "CC-7"},
                           HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 200 and '<ul class="errorlist" id="project-error"><li>' + said in body
    assert 'href="#project-error"' in body and 'value="CC-7"' in body   # what was typed is kept
    assert not Booking.objects.exists()


@pytest.mark.parametrize("language, said", [("fr", "Cette adresse attend un formulaire"),
                                            ("en", "This address expects a form")])
def test_a_form_address_opened_as_a_link_is_a_page_not_a_blank_405(client, member, staff, language, said):
    """GET on a POST-only address (the personal-data export, seen by the operator trial) gave an empty body:
    a white page in the browser. Now the 405 page in the reader's language, its Allow header kept."""
    client.force_login(member)
    response = client.get("/privacy/export/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert said in page and "<nav" in page  # the site's page, with its menu
    client.force_login(staff)
    assert said in client.get("/staff/outbox/1/resend/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    # The API's own 405 is left as it is.
    assert client.get("/api/v1/bookings/1/cancel").status_code == 405
