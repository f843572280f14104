"""Issue 15, defect 6: an order is quoted once (compare-and-set); its history says who took each step; its
attachment is a permission-checked download; booking_create keeps to the instrument's slot grid, so the API
and the page agree; a decision other than approve/refuse is refused, not taken as a refusal."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.bookings import orders, services
from guichet.bookings.models import Booking, OrderStatusChange, ServiceOrder

from . import test_bookings
from .test_bookings import at, book, trained

lab = test_bookings.lab  # the platform, its instrument, service and people

pytestmark = pytest.mark.django_db


def order(lab, **kw):
    return orders.order_create(actor=lab["member"], service=lab["service"], description="Sort 3 samples",
                               quantity="3", **kw)


def test_an_order_is_quoted_once(lab):
    o = order(lab)
    orders.order_transition(actor=lab["manager"], order=o, action="quote")
    stale = ServiceOrder.objects.get(pk=o.pk)
    stale.status = ServiceOrder.Status.REQUESTED  # what a second tab still shows
    with pytest.raises(services.BookingError):
        orders.order_transition(actor=lab["staff"], order=stale, action="quote")
    assert list(OrderStatusChange.objects.filter(order=o).values_list("to_status", flat=True)) == [
        "requested", "quoted"]
    assert o.quote_lines.count() == 1


def test_the_history_names_who_took_each_step_in_words(client, lab):
    o = order(lab)
    orders.order_transition(actor=lab["manager"], order=o, action="quote")
    orders.order_transition(actor=lab["member"], order=o, action="accept")
    client.force_login(lab["member"])
    page = client.get(f"/bookings/orders/{o.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    history = page.split('id="order-history"')[1].split("</ol>")[0]
    lines = history.split("<li>")[1:]
    assert "Requested" in lines[0] and lab["member"].get_full_name() in lines[0]
    assert "Quoted" in lines[1] and lab["manager"].get_full_name() in lines[1]
    assert "Quote accepted" in lines[2] and lab["member"].get_full_name() in lines[2]
    assert "in_progress" not in history and ">quoted<" not in history


def test_the_attachment_is_a_download_for_those_who_see_the_order(client, lab, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    o = order(lab, attachment=SimpleUploadedFile("samples.csv", b"id,volume\n1,20\n", "text/csv"))
    url = f"/bookings/orders/{o.pk}/attachment/"
    client.force_login(lab["member"])
    page = client.get(f"/bookings/orders/{o.pk}/").content.decode()
    assert f'href="{url}"' in page and "samples" in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"id,volume\n1,20\n"
    client.force_login(lab["manager"])
    assert client.get(url).status_code == 200
    client.force_login(lab["outsider"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("start, end, field", [
    (at(1, 14, 7).replace(second=13), at(1, 15, 13), "start"),  # the 14:07:13 (an hour at least here)
    (at(1, 14, 0), at(1, 15, 3), "end"),
    (at(1, 14, 15), at(1, 15, 15), "start"),                       # 30-minute grid from 08:00
])
def test_booking_create_keeps_to_the_slot_grid(lab, start, end, field):
    trained(lab)
    with pytest.raises(services.BookingError) as caught:
        book(lab, start, end)
    assert caught.value.field == field
    assert not Booking.objects.exists()
    assert book(lab, at(1, 14, 30), at(1, 15, 30)).pk  # on the grid: fine


def test_the_api_refuses_an_off_grid_booking(client, lab):
    from django.utils import timezone

    from guichet.accounts.services import api_token_create
    from guichet.core.workdays import PARIS

    trained(lab)
    raw = api_token_create(actor=lab["member"], name="lims")[1]
    start = (timezone.now() + timedelta(days=2)).astimezone(PARIS).replace(hour=14, minute=7, second=13,
                                                                           microsecond=0)
    while start.isoweekday() > 5:
        start += timedelta(days=1)
    payload = {"instrument": "cyto.aria", "start": start.isoformat(),
               "end": start.replace(hour=15, minute=13, second=0).isoformat()}
    response = client.post("/api/v1/bookings", payload, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and response.json()["field"] == "start"  # a rule of the instrument
    assert "grid" in response.json()["detail"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("value", ["maybe", "", "yes", "2"])
def test_an_unknown_decision_is_refused_and_the_booking_stays_pending(client, lab, value):
    lab["instrument"].approval_required = True
    lab["instrument"].save()
    trained(lab)
    booking = book(lab, at(1, 10), at(1, 11))
    assert booking.status == Booking.Status.REQUESTED
    client.force_login(lab["manager"])
    response = client.post(f"/bookings/{booking.pk}/decide/", {"approve": value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "approve" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.REQUESTED
    client.post(f"/bookings/{booking.pk}/decide/", {"approve": "0"})
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
