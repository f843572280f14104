"""Consumables (issue 13, item 6): a platform's items with a unit price per price list and a stock; the managers
(or the member, when the item allows it) add units to an order or a booking, the stock taken in the same
transaction and refused when short; the take that crosses the alert threshold e-mails the managers in their
language; uses are billed in statements, invoices (with the VAT of the other lines) and the usage report."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from guichet.accounts.models import Role
from guichet.bookings import orders, selectors
from guichet.bookings.models import Booking
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.core.workdays import PARIS
from guichet.facility import consumables, invoicing
from guichet.facility.models import Consumable, ConsumableUse, Invoice, VatRate

from . import test_bookings
from .conftest import logged_in, make_user

lab = test_bookings.lab
pytestmark = pytest.mark.django_db
TAKEN = datetime(2027, 1, 12, 10, tzinfo=PARIS)


def item(lab, **kw):
    values = {"name": "FACS tubes", "unit": "box", "price_academic": "10.00", "price_startup": "12.50",
              "price_industry": "20.00", "stock": 10, "alert_below": 3, "members_may_add": False, "active": True,
              **kw}
    return consumables.consumable_save(actor=lab["manager"], platform=lab["platform"], **values)


def placed(lab, who="member"):
    return orders.order_create(actor=lab[who], service=lab["service"], description="Sort", quantity=1)


def booked(lab, who="member"):
    start = datetime(2027, 1, 12, 9, tzinfo=PARIS)
    return Booking.objects.create(instrument=lab["instrument"], user=lab[who], organization=lab["startup"],
                                  start=start, end=start + timedelta(hours=1),
                                  blocked_until=start + timedelta(hours=1), status="confirmed")


def test_the_manager_keeps_the_platforms_consumables_from_a_page(client, lab):
    page = reverse("facility:consumables", args=[lab["platform"].key])
    assert logged_in(client, lab["member"]).get(page).status_code == 403
    logged_in(client, lab["manager"])
    response = client.post(reverse("facility:consumable_save", args=[lab["platform"].key]), {
        "name": "FACS tubes", "unit": "box", "price_academic": "10", "price_startup": "12.50", "stock": "40",
        "alert_below": "5", "active": "on"})
    assert response.status_code == 302
    tubes = Consumable.objects.get()
    assert (tubes.stock, tubes.price_startup, tubes.price_industry, tubes.active) == (40, Decimal("12.50"), None, True)
    assert AuditEvent.objects.filter(action="consumable.create").exists()
    client.post(reverse("facility:consumable_restock", args=[tubes.pk]), {"quantity": "15"})
    tubes.refresh_from_db()
    assert tubes.stock == 55
    assert AuditEvent.objects.get(action="consumable.restock").changes["stock"] == [40, 55]
    # an edit changes the prices, never the stock
    client.post(reverse("facility:consumable_save", args=[lab["platform"].key]), {
        "consumable": tubes.pk, "name": "FACS tubes", "unit": "box", "price_academic": "11", "stock": "0",
        "alert_below": "5", "active": "on"})
    tubes.refresh_from_db()
    assert (tubes.price_academic, tubes.stock) == (Decimal("11.00"), 55)
    body = client.get(page).content.decode()
    assert "FACS tubes" in body and "55" in body
    assert page in client.get(reverse("platforms:detail", args=[lab["platform"].key])).content.decode()
    # A forged id is an id absent, not a 500: str.isdigit took "²" (int refuses it) and any length (the database
    # refuses it); the edit form is not shown and nothing is written.
    for n, forged in enumerate(("²", "٣", "9" * 30)):
        body = client.get(page, {"edit": forged}).content.decode()
        assert 'name="consumable"' not in body, forged
        response = client.post(reverse("facility:consumable_save", args=[lab["platform"].key]), {
            "consumable": forged, "name": f"Forged {n}", "unit": "box", "price_academic": "10", "stock": "1",
            "alert_below": "5", "active": "on"})
        assert response.status_code == 302, forged  # saved as a new item, as any post without an id
    assert Consumable.objects.filter(name__startswith="Forged").count() == 3


@pytest.mark.parametrize("over, field", [({"name": " "}, "name"), ({"unit": ""}, "unit"),
                                         ({"price_startup": "-1"}, "price_startup"),
                                         ({"price_academic": "abc"}, "price_academic"),
                                         ({"stock": -2}, "stock"), ({"alert_below": "many"}, "alert_below")])
def test_a_bad_consumable_is_refused_naming_its_field(lab, over, field):
    with pytest.raises(consumables.ConsumableError) as refused:
        item(lab, **over)
    assert refused.value.field == field and str(refused.value)
    assert not Consumable.objects.exists()


def test_the_same_name_twice_on_a_platform_is_refused(lab):
    item(lab)
    with pytest.raises(consumables.ConsumableError) as refused:
        item(lab)
    assert refused.value.field == "name" and Consumable.objects.count() == 1


def test_adding_to_an_order_takes_the_stock_at_the_customers_price(lab):
    tubes, order = item(lab), placed(lab)
    use = consumables.consumable_take(actor=lab["manager"], consumable=tubes, quantity=4, order=order, now=TAKEN)
    assert Consumable.objects.get(pk=tubes.pk).stock == 6
    # the member's organization is a start-up: the start-up price
    assert (use.category, use.unit_price, use.amount, use.organization) == ("startup", Decimal("12.50"),
                                                                            Decimal("50.00"), lab["startup"])
    assert AuditEvent.objects.get(action="consumable.take").changes["stock"] == [10, 6]


def test_not_enough_in_stock_is_refused_naming_what_is_left_and_takes_nothing(lab):
    tubes, order = item(lab, stock=2), placed(lab)
    for language, expected in (("en", "Not enough FACS tubes in stock: 2 left, 3 asked."),
                               ("fr", "Pas assez de FACS tubes en stock : 2 restants, 3 demandés.")):
        with translation.override(language), pytest.raises(consumables.ConsumableError) as refused:
            consumables.consumable_take(actor=lab["manager"], consumable=tubes, quantity=3, order=order)
        assert str(refused.value).replace("\xa0", " ") == expected and refused.value.field == "quantity"
    assert Consumable.objects.get(pk=tubes.pk).stock == 2 and not ConsumableUse.objects.exists()


def test_a_member_adds_only_what_allows_it_and_only_to_their_own(client, lab):
    tubes, order = item(lab), placed(lab)
    with pytest.raises(orders.NotAllowed):
        consumables.consumable_take(actor=lab["member"], consumable=tubes, quantity=1, order=order)
    open_tubes = item(lab, name="Open tubes", members_may_add=True)
    consumables.consumable_take(actor=lab["member"], consumable=open_tubes, quantity=1, order=order)
    with pytest.raises(orders.NotAllowed):  # someone else's order
        consumables.consumable_take(actor=lab["outsider"], consumable=open_tubes, quantity=1, order=order)
    # from the order's page: offered only what they may add, taken on POST
    body = logged_in(client, lab["member"]).get(reverse("bookings:order", args=[order.pk])).content.decode()
    assert f'<option value="{open_tubes.pk}">Open tubes' in body and f'<option value="{tubes.pk}">' not in body
    client.post(reverse("facility:order_consumable_add", args=[order.pk]),
                {"consumable": open_tubes.pk, "quantity": "2"})
    assert Consumable.objects.get(pk=open_tubes.pk).stock == 7
    assert client.post(reverse("facility:order_consumable_add", args=[order.pk]),
                       {"consumable": tubes.pk, "quantity": "2"}).status_code == 403
    assert Consumable.objects.get(pk=tubes.pk).stock == 10


def test_a_booking_takes_consumables_from_its_page(client, lab):
    tubes, booking = item(lab, members_may_add=True), booked(lab)
    page = reverse("facility:booking_consumables", args=[booking.pk])
    assert logged_in(client, lab["outsider"]).get(page).status_code == 404
    assert "FACS tubes" in logged_in(client, lab["member"]).get(page).content.decode()
    client.post(reverse("facility:booking_consumable_add", args=[booking.pk]), {"consumable": tubes.pk,
                                                                                 "quantity": "3"})
    use = ConsumableUse.objects.get()
    assert (use.booking, use.quantity, use.amount) == (booking, 3, Decimal("37.50"))
    assert Consumable.objects.get(pk=tubes.pk).stock == 7
    assert page in client.get(reverse("bookings:mine")).content.decode()
    Booking.objects.filter(pk=booking.pk).update(status="cancelled")
    booking.refresh_from_db()
    with pytest.raises(consumables.ConsumableError):
        consumables.consumable_take(actor=lab["manager"], consumable=tubes, quantity=1, booking=booking)


def test_the_take_crossing_the_threshold_tells_the_managers_once_in_their_language(lab):
    english = make_user("en.manager@u.example", Role.PLATFORM_MANAGER)
    english.language = "en"
    english.save()
    lab["manager"].language = "fr"
    lab["manager"].save()
    lab["platform"].managers.add(english)
    tubes, order = item(lab, stock=6, alert_below=3), placed(lab)
    consumables.consumable_take(actor=lab["manager"], consumable=tubes, quantity=3, order=order)  # 3 left: not below
    assert not OutboxMessage.objects.filter(template="consumable_low_stock").exists()
    consumables.consumable_take(actor=lab["manager"], consumable=tubes, quantity=2, order=order)  # 1 left
    consumables.consumable_take(actor=lab["manager"], consumable=tubes, quantity=1, order=order)  # 0: already told
    mails = {m.to[0]: m for m in OutboxMessage.objects.filter(template="consumable_low_stock")}
    assert set(mails) == {lab["manager"].email, "en.manager@u.example"}
    assert "Low stock: FACS tubes (1 left)" in mails["en.manager@u.example"].subject
    assert "Stock bas" in mails[lab["manager"].email].subject
    assert f"/facility/platforms/{lab['platform'].key}/consumables/" in mails["en.manager@u.example"].body


def test_uses_are_billed_in_statements_invoices_and_the_usage_report(lab, staff):
    tubes, order = item(lab), placed(lab)
    consumables.consumable_take(actor=lab["manager"], consumable=tubes, quantity=2, order=order, now=TAKEN)
    lines = [x for x in selectors.statement_lines(2027, 1, lab["startup"], now=TAKEN + timedelta(days=30))
             if x.kind == "consumable"]
    assert [(x.label, x.quantity, x.unit, x.unit_price, x.amount) for x in lines] == [
        (f"{order.reference} FACS tubes", Decimal(2), "box", Decimal("12.50"), Decimal("25.00"))]
    VatRate.objects.create(category="startup", percent=Decimal("20.00"))
    invoicing.month_close(actor=staff, year=2027, month=1, now=datetime(2027, 2, 3, tzinfo=PARIS))
    invoice = Invoice.objects.get(organization=lab["startup"])
    [line] = invoice.lines.filter(kind="consumable")
    assert (line.net, line.vat_percent, line.vat, line.unit) == (Decimal("25.00"), Decimal("20.00"), Decimal("5.00"),
                                                                 "box")
    assert (invoice.net, invoice.gross) == (Decimal("25.00"), Decimal("30.00"))
    report = selectors.usage_report(lab["platform"], 2027, 1)
    assert report["revenue"]["startup"] == Decimal("25.00")


# --- consumables in the API (issue 13, item 6) ---
def token(user):
    from guichet.accounts.services import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='lims')[1]}",
            "HTTP_ACCEPT_LANGUAGE": "en"}


def post_use(client, who, **body):
    return client.post("/api/v1/consumables/uses", body, content_type="application/json", **who)


def test_the_api_lists_what_the_caller_may_add_and_adds_it_to_a_booking(client, lab):
    tubes, beads = item(lab), item(lab, name="Beads", members_may_add=True)
    manager, member = token(lab["manager"]), token(lab["member"])
    listed = client.get("/api/v1/consumables/platforms/cyto", **manager).json()
    assert [(c["name"], c["stock"], c["price_startup"]) for c in listed] == [("Beads", 10, "12.50"),
                                                                           ("FACS tubes", 10, "12.50")]
    assert [c["name"] for c in client.get("/api/v1/consumables/platforms/cyto", **member).json()] == ["Beads"]
    booking = booked(lab)
    response = post_use(client, manager, consumable=tubes.pk, quantity=3, booking=booking.pk)
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("quantity", "unit_price", "amount", "booking", "order", "stock_left")} \
        == {"quantity": 3, "unit_price": "12.50", "amount": "37.50", "booking": booking.pk, "order": None,
            "stock_left": 7}
    assert ConsumableUse.objects.get().booking == booking and AuditEvent.objects.filter(
        action="consumable.take").count() == 1
    assert post_use(client, member, consumable=beads.pk, quantity=1, booking=booking.pk).status_code == 201


def test_the_api_refuses_other_roles_and_others_bookings(client, lab):
    tubes = item(lab)
    booking = booked(lab)
    member, outsider = token(lab["member"]), token(lab["outsider"])
    refused = post_use(client, member, consumable=tubes.pk, quantity=1, booking=booking.pk)
    assert refused.status_code == 403 and "managers" in refused.json()["detail"]
    hidden = post_use(client, outsider, consumable=tubes.pk, quantity=1, booking=booking.pk)
    assert (hidden.status_code, hidden.json()["field"]) == (404, "booking")
    assert client.post("/api/v1/consumables/uses", {"consumable": tubes.pk, "quantity": 1, "booking": booking.pk},
                       content_type="application/json").status_code == 401
    assert client.get("/api/v1/consumables/platforms/cyto").status_code == 401
    assert not ConsumableUse.objects.exists() and Consumable.objects.get().stock == 10


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"quantity": 0}, 422, "quantity"),
    ({"quantity": "many"}, 422, "quantity"),
    ({"quantity": 10001}, 422, "quantity"),
    ({"consumable": 999999}, 404, "consumable"),
    ({"booking": 999999}, 404, "booking"),
    ({"order": 999999}, 404, "order"),
    ({"booking": None}, 409, "consumable"),   # neither a booking nor an order
    ({"quantity": 11}, 409, "quantity"),      # more than the stock
])
def test_the_api_names_the_field_of_a_bad_use_and_takes_nothing(client, lab, body, status, field):
    tubes = item(lab)
    values = {"consumable": tubes.pk, "quantity": 1, "booking": booked(lab).pk, **body}
    response = post_use(client, token(lab["manager"]), **values)
    assert (response.status_code, response.json()["field"]) == (status, field)
    assert response.json()["detail"] and not ConsumableUse.objects.exists()
    assert Consumable.objects.get().stock == 10
