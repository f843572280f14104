"""Service orders: asking a platform for a service, its quote, its life along `orders.ORDER_FLOW`."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.core.actions import attempt, attempt_form
from guichet.directory.selectors import valid_key_or_404
from guichet.groups import selectors as group_selectors
from guichet.platforms.models import Service

from .. import orders as order_services
from .. import permissions, selectors, services
from ..forms import OrderForm


@login_required
def order_new(request, key):
    valid_key_or_404(key)
    service = get_object_or_404(Service.objects.select_related("platform"), key=key)
    from guichet.facility.forms import sample_inputs  # --- sample forms (issue 13, item 5) ---

    form = OrderForm(request.POST or None, request.FILES or None, projects=group_selectors.projects_chargeable(
        request.user, platform=service.platform, service=service, on=timezone.localdate()),
        sample_inputs=sample_inputs(service))

    def page(form):
        return render(request, "bookings/order_new.html", {"service": service, "form": form})

    if request.method != "POST":
        return page(form)
    return attempt_form(
        request, form, lambda _data: order_services.order_create(actor=request.user, service=service,
                                                                 **form.order_values(), sample_files=request.FILES),
        _("Order sent: the platform will answer with a quote."), lambda order: redirect("bookings:order", order.pk),
        page, refusals=(services.BookingError,))


@login_required
def orders(request):
    return render(request, "bookings/orders.html", {"orders": selectors.orders_visible_to(request.user)[:200]})


def _quote_lines(post) -> list[tuple[str, str, str]] | None:
    """The quote's (label, quantity, unit price) rows as typed, blank rows dropped; None for another action."""
    if post.get("action") != "quote" or not post.get("label"):
        return None
    rows = zip(post.getlist("label"), post.getlist("quantity"), post.getlist("unit_price"), strict=False)
    return [(label, quantity, price) for label, quantity, price in rows if label.strip()]


@login_required
def order_detail(request, pk):
    """The order, to its requester, the platform's managers and staff; a POST moves it one step of its flow
    (the service decides which steps the actor may take)."""
    order = get_object_or_404(selectors.orders_visible_to(request.user).prefetch_related("quote_lines",
                                                                                          "history__actor"), pk=pk)
    if request.method == "POST":
        return attempt(request, lambda: order_services.order_transition(
            actor=request.user, order=order, action=request.POST.get("action", ""), lines=_quote_lines(request.POST)),
            _("Order updated."), redirect("bookings:order", order.pk), forbidden=(services.NotAllowed,))
    return render(request, "bookings/order.html", {
        "order": order, "manager": permissions.can_manage_platform(request.user, order.service.platform),
        "is_requester": order.requester_id == request.user.pk,
        "attachment_name": order.attachment.name.rsplit("/", 1)[-1] if order.attachment else ""})


@login_required
def order_attachment(request, pk):
    """The order's attachment, to those who may see the order (its requester, the platform's managers, staff)."""
    order = get_object_or_404(selectors.orders_visible_to(request.user), pk=pk)
    if not order.attachment:
        raise Http404
    return FileResponse(order.attachment.open("rb"), as_attachment=True,
                        filename=order.attachment.name.rsplit("/", 1)[-1])
