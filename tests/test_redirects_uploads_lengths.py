"""Issue 9, defect 9: no open redirect through ?next=; size and type limits on partnership documents and
service-order attachments (settings, translated errors); a text longer than its column is refused with an
error naming the field, as the API refuses it, never silently cut."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.accounts.models import Membership, Role
from guichet.bookings.models import Booking, FeedToken, ServiceOrder
from guichet.desk.models import Need
from guichet.directory.models import Organization
from guichet.partnerships import services as partnership_services
from guichet.partnerships.models import PartnershipDocument

from . import test_bookings
from .conftest import make_user
from .test_bookings import at, book, trained

pytestmark = pytest.mark.django_db
lab = test_bookings.lab


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/", "http://evil.example",
                                    "https:/\\evil.example"])
def test_feed_revoke_never_redirects_off_site(client, member, target):
    feed = FeedToken.objects.create(user=member, created_by=member)
    client.force_login(member)
    response = client.post(f"/bookings/feeds/{feed.pk}/revoke/?next={target}")
    assert response.status_code == 302 and response["Location"] == "/bookings/mine/"
    response = client.post(f"/bookings/feeds/{feed.pk}/revoke/", {"next": target})
    assert response["Location"] == "/bookings/mine/"
    assert client.post("/bookings/feeds/new/", {"next": target})["Location"] == "/bookings/mine/"


def test_feed_revoke_still_goes_back_to_a_page_of_the_site(client, member):
    feed = FeedToken.objects.create(user=member, created_by=member)
    client.force_login(member)
    response = client.post(f"/bookings/feeds/{feed.pk}/revoke/", {"next": "/bookings/instruments/x.y/?week=2027-01-04"})
    assert response["Location"] == "/bookings/instruments/x.y/?week=2027-01-04"
    assert FeedToken.objects.get(pk=feed.pk).revoked_at is not None


@pytest.fixture
def partnership(db, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lab_org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    pharma = Organization.objects.create(key="pharma", name="Pharma", kind="company")
    Membership.objects.create(user=member, organization=lab_org)
    return partnership_services.partnership_create(actor=member, title="Licence", type="licence", value_eur=10,
                                                   stage="lead", parties=[lab_org, pharma])


@pytest.mark.parametrize("name, content, expected", [
    ("setup.exe", b"MZ\x90\x00", "accepted type"),
    ("contract.pdf", b"MZ\x90\x00 not a pdf", "not a real .pdf"),
    ("notes.txt", b"\x00\x01\x02binary", "not a real .txt"),
])
def test_partnership_documents_of_a_refused_type(client, member, partnership, name, content, expected):
    client.force_login(member)
    response = client.post(f"/partnerships/{partnership.pk}/", {"document": SimpleUploadedFile(name, content)},
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert expected in response.content.decode() and name in response.content.decode()
    assert not PartnershipDocument.objects.exists()


def test_partnership_documents_beyond_the_size_limit(client, member, partnership, settings):
    settings.GUICHET_PARTNERSHIP_DOCUMENT_MAX_MB = 1
    client.force_login(member)
    big = SimpleUploadedFile("annex.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024))
    response = client.post(f"/partnerships/{partnership.pk}/", {"document": big}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert "annex.pdf" in response.content.decode() and "1 Mo" in response.content.decode()
    assert not PartnershipDocument.objects.exists()
    ok = SimpleUploadedFile("annex.pdf", b"%PDF-1.7\nsmall")
    client.post(f"/partnerships/{partnership.pk}/", {"document": ok})
    assert PartnershipDocument.objects.count() == 1


def test_order_attachments_limited_in_size_and_type(client, lab, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GUICHET_ORDER_ATTACHMENT_MAX_MB = 1
    client.force_login(lab["member"])
    url = "/bookings/orders/new/cyto.sort/"
    data = {"description": "Sort", "quantity": "1"}
    for upload, expected in [(SimpleUploadedFile("run.sh", b"#!/bin/sh\nrm -rf /"), "accepted type"),
                             (SimpleUploadedFile("plate.csv", b"a," * (600 * 1024)), "larger than 1 MB")]:
        response = client.post(url, {**data, "attachment": upload}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "attachment" in errors and expected in errors["attachment"][0]
    assert not ServiceOrder.objects.exists()
    client.post(url, {**data, "attachment": SimpleUploadedFile("plate.csv", b"well,volume\nA1,20\n")})
    assert ServiceOrder.objects.get().attachment


def test_a_cost_centre_longer_than_the_apis_limit_is_refused_on_the_page(client, lab):
    trained(lab)
    client.force_login(lab["member"])
    start = at(1, 10)
    from guichet.bookings import services

    with pytest.raises(services.BookingError) as caught:
        book(lab, start, start + timedelta(hours=1), cost_centre="C" * 61)
    assert caught.value.field == "cost_centre"
    assert not Booking.objects.exists()
    # The API's schema says 60 as well.
    from guichet.bookings.api import BookingIn

    assert BookingIn.model_json_schema()["properties"]["cost_centre"]["maxLength"] == 60


def test_the_calendar_page_says_the_cost_centre_is_too_long(client, lab, settings):
    from django.utils import timezone

    from guichet.core.workdays import PARIS

    trained(lab)
    client.force_login(lab["member"])
    start = (timezone.now() + timedelta(days=2)).astimezone(PARIS).replace(hour=10, minute=0, second=0,
                                                                           microsecond=0)
    while start.isoweekday() > 5:
        start += timedelta(days=1)
    response = client.post("/bookings/instruments/cyto.aria/book/", {
        "start": start.replace(tzinfo=None).isoformat(), "duration": "60", "cost_centre": "C" * 61},
        follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Cost centre: at most 60 characters" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_desk_title_longer_than_the_apis_limit_is_refused_not_cut(staff):
    from guichet.desk import services

    member = make_user("asker@d.example", Role.MEMBER)
    with pytest.raises(services.DeskError):
        services.request_submit(actor=member, text="We need cell sorting of regulatory T cells", title="T" * 201)
    request = services.request_submit(actor=member, text="We need cell sorting of regulatory T cells")
    with pytest.raises(services.DeskError):
        services.request_triage(actor=staff, request=request, title="T" * 201)
    assert Need.objects.get().title != "T" * 200
