"""Staff's admin screens for bookings, blackouts, trainings, orders and start-up figures (issue 15, item 5).

Statuses are not fields there: the admin's actions call the same services as the managers' pages."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from guichet.bookings.models import Booking, OrderStatusChange, ServiceOrder, TrainingAuthorization
from guichet.core.models import AuditEvent

from .test_admin_audit import errors, submit


@pytest.fixture
def desk(small_directory, member, manager, staff):
    from guichet.bookings.orders import order_create
    from guichet.platforms.models import Instrument, Platform, Service

    Platform.objects.get(key="cyto").managers.add(manager)
    aria = Instrument.objects.get(key="cyto.aria")
    # 10:00 Paris time five days ahead: the blackout tests below write hours of that day (never "24:00").
    start = (timezone.localtime() + timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking = Booking.objects.create(instrument=aria, user=member, start=start, end=start + timedelta(hours=1),
                                     blocked_until=start + timedelta(hours=1), status="requested")
    order = order_create(actor=member, service=Service.objects.get(key="cyto.sort"), description="x", quantity=2)
    return {"aria": aria, "booking": booking, "order": order, "start": start}


URLS = ["bookings/booking", "bookings/serviceorder", "bookings/trainingauthorization", "startups/startup",
        "startups/headcount"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", URLS)
def test_staff_find_each_record_kind_in_the_admin(staff_client, desk, path):
    response = staff_client.get(f"/admin/{path}/?q=cyto")
    assert response.status_code == 200
    index = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"/admin/{path}/" in index


@pytest.mark.django_db
def test_admin_lists_are_translated(staff_client, desk):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = staff_client.get("/admin/bookings/serviceorder/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "commande de prestation" in page.lower()
    assert "Demandée" in page  # the status through its label, never the raw code


@pytest.mark.django_db
def test_booking_status_is_read_only_and_moves_by_the_approve_action(staff_client, desk, staff):
    booking = desk["booking"]
    url = f"/admin/bookings/booking/{booking.pk}/change/"
    response = submit(staff_client, url, Booking, {"status": "cancelled", "note": "checked"})
    assert response.status_code == 302, errors(response)
    booking.refresh_from_db()
    assert booking.status == "requested" and booking.note == "checked"

    response = staff_client.post("/admin/bookings/booking/", {"action": "approve",
                                                              "_selected_action": [str(booking.pk)]})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.decided_by == staff
    assert AuditEvent.objects.filter(action="booking.confirmed", entity_key=str(booking.pk), actor=staff).exists()

    # A second approval is refused by the service, and said: no 500, no change.
    response = staff_client.post("/admin/bookings/booking/", {"action": "approve",
                                                              "_selected_action": [str(booking.pk)]}, follow=True)
    assert response.status_code == 200
    assert "can no longer change this way" in response.content.decode() or "ne peut plus" in \
        response.content.decode()


@pytest.mark.django_db
def test_a_user_booking_cannot_be_deleted_only_cancelled(staff_client, desk):
    booking = desk["booking"]
    assert staff_client.post(f"/admin/bookings/booking/{booking.pk}/delete/", {"post": "yes"}).status_code == 403
    staff_client.post("/admin/bookings/booking/", {"action": "cancel", "_selected_action": [str(booking.pk)]})
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancelled_at is not None


@pytest.mark.django_db
def test_blackout_added_in_the_admin_goes_through_blackout_create(staff_client, desk, staff):
    day = desk["start"].astimezone(timezone.get_current_timezone())
    data = {"instrument": str(desk["aria"].pk), "start_0": day.date().isoformat(), "start_1": "06:00",
            "end_0": day.date().isoformat(), "end_1": "07:00", "note": "laser service"}
    response = submit(staff_client, "/admin/bookings/booking/add/", Booking, data)
    assert response.status_code == 302, errors(response)
    blackout = Booking.objects.get(kind="blackout")
    assert blackout.user == staff and blackout.status == "confirmed" and blackout.note == "laser service"
    assert AuditEvent.objects.filter(action="blackout.create", entity_key=str(blackout.pk)).exists()

    # Over the member's booking: refused on the form, naming the field, nothing written.
    overlap = {**data, "start_1": f"{day.hour:02d}:00", "end_1": f"{day.hour + 1:02d}:00"}
    response = submit(staff_client, "/admin/bookings/booking/add/", Booking, overlap)
    assert response.status_code == 200
    assert "taken" in errors(response) or "occupé" in errors(response) or "pris" in errors(response)
    assert Booking.objects.filter(kind="blackout").count() == 1


@pytest.mark.django_db
def test_order_steps_are_admin_actions_through_order_transition(staff_client, desk, staff):
    order = desk["order"]
    url = f"/admin/bookings/serviceorder/{order.pk}/change/"
    response = submit(staff_client, url, ServiceOrder, {"status": "delivered", "cost_centre": "CC-9"})
    assert response.status_code == 302, errors(response)
    order.refresh_from_db()
    assert order.status == "requested" and order.cost_centre == "CC-9"

    staff_client.post("/admin/bookings/serviceorder/", {"action": "quote", "_selected_action": [str(order.pk)]})
    order.refresh_from_db()
    assert order.status == "quoted" and order.quote_lines.count() == 1
    # Quoted once: the second quote is refused (no second 'quoted' step).
    staff_client.post("/admin/bookings/serviceorder/", {"action": "quote", "_selected_action": [str(order.pk)]})
    assert list(OrderStatusChange.objects.filter(order=order).values_list("to_status", flat=True)) == [
        "requested", "quoted"]
    page = staff_client.get(url).content.decode()
    assert "Devis envoyé" in page or "Quoted" in page  # the history shows labels, not codes
    assert ">quoted<" not in page
    assert AuditEvent.objects.filter(action="order.quote", actor=staff).count() == 1


@pytest.mark.django_db
def test_training_granted_and_revoked_in_the_admin(staff_client, desk, member, staff):
    response = submit(staff_client, "/admin/bookings/trainingauthorization/add/", TrainingAuthorization,
                      {"user": str(member.pk), "instrument": str(desk["aria"].pk)})
    assert response.status_code == 302, errors(response)
    training = TrainingAuthorization.objects.get()
    assert training.granted_by == staff
    assert AuditEvent.objects.filter(action="training.grant").exists()
    staff_client.post("/admin/bookings/trainingauthorization/", {"action": "revoke",
                                                                 "_selected_action": [str(training.pk)]})
    training.refresh_from_db()
    assert training.revoked_at is not None
    assert AuditEvent.objects.filter(action="training.revoke").exists()


@pytest.mark.django_db
def test_booking_list_filter_is_named_in_french(staff_client, desk):
    page = staff_client.get("/admin/bookings/booking/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Par type" in page and "Par kind" not in page


# --- identity and groups leftovers (issue 12): the project in the booking and order admins ----------------------
@pytest.fixture
def grants(desk):
    from datetime import date
    from decimal import Decimal

    from guichet.directory.models import Organization
    from guichet.groups.models import Project, ResearchGroup
    from guichet.platforms.models import Instrument, Platform

    organization = Organization.objects.order_by("key").first()
    group = ResearchGroup.objects.create(key="admin-lab", name="Admin lab", organization=organization)
    today = date.today()
    dates = {"starts_on": today - timedelta(days=30), "ends_on": today + timedelta(days=300)}
    paying = Project.objects.create(key="anr-paying", name="ANR paying", group=group, budget=Decimal("5000.00"),
                                    **dates)
    elsewhere = Project.objects.create(key="erc-elsewhere", name="ERC elsewhere", group=group,
                                       budget=Decimal("5000.00"), **dates)
    # The grant pays for another platform only (made here: the test database may hold the cytometry one alone).
    other = Platform.objects.create(key="admin-other", name="Other platform", organization=organization)
    elsewhere.platforms.add(other)
    # An hour on the sorter costs something (the exchange format carries no prices): the spent grant is short.
    Instrument.objects.filter(key="cyto.aria").update(hourly_industry=Decimal("150.00"))
    spent = Project.objects.create(key="anr-spent", name="ANR spent", group=group, budget=Decimal("1.00"), **dates)
    return {"paying": paying, "elsewhere": elsewhere, "spent": spent}


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["booking", "serviceorder"])
def test_staff_see_and_change_the_project_checked_as_at_booking_time_and_audited(staff_client, desk, grants,
                                                                                 staff, model):
    record = desk["booking" if model == "booking" else "order"]
    cls = type(record)
    url = f"/admin/bookings/{model}/{record.pk}/change/"
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = staff_client.get(url).content.decode()
    assert 'name="project"' in page
    for refused, words in (("elsewhere", "does not pay for the platform"), ("spent", "left; this is estimated")):
        response = submit(staff_client, url, cls, {"project": str(grants[refused].pk)})
        assert response.status_code == 200 and words in errors(response), errors(response)
        assert cls.objects.get(pk=record.pk).project_id is None
    events = AuditEvent.objects.count()
    response = submit(staff_client, url, cls, {"project": str(grants["paying"].pk)})
    assert response.status_code == 302, errors(response)
    assert cls.objects.get(pk=record.pk).project == grants["paying"]
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == events + 1 and event.actor == staff
    assert event.changes["project_id"] == [None, grants["paying"].pk]   # the audit's names are the columns
    listing = staff_client.get(f"/admin/bookings/{model}/", {"q": "anr-paying"}).content.decode()
    assert "ANR paying" in listing and f"/admin/bookings/{model}/{record.pk}/change/" in listing
