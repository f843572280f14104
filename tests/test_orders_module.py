"""Service orders in their own module (issue 10, item 5): bookings/orders.py raises OrderError, a BookingError
naming the field at fault, so the pages and the API that answer booking refusals answer order refusals too."""

import pytest

from guichet.bookings import orders, services
from guichet.bookings.models import ServiceOrder

from . import test_bookings

lab = test_bookings.lab

pytestmark = pytest.mark.django_db


def test_the_order_steps_live_in_orders_only():
    for name in ("order_create", "order_transition", "default_quote_lines", "order_admin_update", "ORDER_FLOW"):
        assert hasattr(orders, name) and not hasattr(services, name), name
    assert issubclass(orders.OrderError, services.BookingError)


@pytest.mark.parametrize("kwargs, field", [({"description": "  "}, "description"),
                                           ({"quantity": "0"}, "quantity"),
                                           ({"cost_centre": "x" * 200}, "cost_centre")])
def test_a_refused_order_names_its_field(lab, kwargs, field):
    values = {"description": "Sort 3 samples", "quantity": "3", **kwargs}
    with pytest.raises(orders.OrderError) as refused:
        orders.order_create(actor=lab["member"], service=lab["service"], **values)
    assert refused.value.field == field and str(refused.value)
    assert not ServiceOrder.objects.exists()


def test_a_bad_quote_line_is_an_order_error_and_changes_nothing(lab):
    order = orders.order_create(actor=lab["member"], service=lab["service"], description="x", quantity=2)
    with pytest.raises(orders.OrderError) as refused:
        orders.order_transition(actor=lab["manager"], order=order, action="quote", lines=[("Sort", -1, "10")])
    assert refused.value.field == "lines"
    assert ServiceOrder.objects.get(pk=order.pk).status == ServiceOrder.Status.REQUESTED


def test_the_wrong_role_is_not_allowed_not_an_order_error(lab):
    order = orders.order_create(actor=lab["member"], service=lab["service"], description="x", quantity=2)
    with pytest.raises(services.NotAllowed):
        orders.order_transition(actor=lab["member"], order=order, action="quote")
