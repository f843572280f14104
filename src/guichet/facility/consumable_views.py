"""Consumables (issue 13, item 6): the managers' page of a platform's items (prices, stock, restocking), and
adding units to an order (from the order's page) or a booking (from the booking's consumables page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guichet.bookings import permissions as booking_permissions
from guichet.bookings import selectors as booking_selectors
from guichet.bookings.models import Booking
from guichet.bookings.services import BookingError, NotAllowed
from guichet.core import params
from guichet.core.actions import attempt, attempt_form
from guichet.directory.selectors import valid_key_or_404
from guichet.platforms.models import Platform

from . import consumables
from .forms import ConsumableForm
from .models import Consumable


def _managed_platform(request, key) -> Platform:
    platform = get_object_or_404(Platform, key=valid_key_or_404(key))
    if not booking_permissions.can_manage_platform(request.user, platform):
        raise PermissionDenied
    return platform


def _page(request, platform, form=None, editing=None, status=200):
    return render(request, "facility/consumables.html", {
        "platform": platform, "items": Consumable.objects.filter(platform=platform).order_by("name"),
        "editing": editing, "form": form or ConsumableForm(creating=editing is None)}, status=status)


@login_required
@require_GET
def consumables_page(request, key):
    platform = _managed_platform(request, key)
    editing, form = None, None
    if (pk := params.id_param(request.GET, "edit")) is not None:
        editing = get_object_or_404(Consumable, pk=pk, platform=platform)
        form = ConsumableForm(creating=False, initial={n: getattr(editing, n) for n in ConsumableForm.base_fields
                                                       if n != "stock"})
    return _page(request, platform, form, editing)


@login_required
@require_POST
def consumable_save(request, key):
    platform = _managed_platform(request, key)
    editing = None
    if (pk := params.id_param(request.POST, "consumable")) is not None:
        editing = get_object_or_404(Consumable, pk=pk, platform=platform)
    return attempt_form(
        request, ConsumableForm(request.POST, creating=editing is None),
        lambda data: consumables.consumable_save(actor=request.user, platform=platform, consumable=editing, **data),
        _("Consumable saved."), redirect("facility:consumables", platform.key),
        lambda form: _page(request, platform, form, editing, status=400),
        refusals=(BookingError,), forbidden=(NotAllowed,))


@login_required
@require_POST
def consumable_restock(request, pk):
    item = get_object_or_404(Consumable.objects.select_related("platform"), pk=pk)
    platform = _managed_platform(request, item.platform.key)
    return attempt(request, lambda: consumables.consumable_restock(actor=request.user, consumable=item,
                                                                   quantity=request.POST.get("quantity")),
                   lambda _result: _("Stock updated: %(n)d in stock.") % {"n": item.stock},
                   redirect("facility:consumables", platform.key), refusals=(BookingError,))


def _take(request, back, *, order=None, booking=None):
    try:
        item = Consumable.objects.select_related("platform").get(pk=int(request.POST.get("consumable", "")))
    except (ValueError, Consumable.DoesNotExist):
        messages.error(request, _("Choose a consumable."))
        return back
    return attempt(request, lambda: consumables.consumable_take(actor=request.user, consumable=item,
                                                                quantity=request.POST.get("quantity"),
                                                                order=order, booking=booking),
                   lambda use: _("Added: %(n)d × %(name)s.") % {"n": use.quantity, "name": item.name}, back,
                   refusals=(BookingError,), forbidden=(NotAllowed,))


@login_required
@require_POST
def order_consumable_add(request, pk):
    order = get_object_or_404(booking_selectors.orders_visible_to(request.user), pk=pk)
    return _take(request, redirect("bookings:order", order.pk), order=order)


def _booking_for(request, pk) -> Booking:
    booking = get_object_or_404(Booking.objects.select_related("instrument__platform", "user", "organization"),
                                pk=pk, kind=Booking.Kind.BOOKING)
    if not booking_permissions.is_booking_party(request.user, booking):
        raise Http404
    return booking


@login_required
@require_GET
def booking_consumables(request, pk):
    """The consumables used with a booking, and the form to add one (for those who may)."""
    booking = _booking_for(request, pk)
    platform = booking.instrument.platform
    return render(request, "facility/booking_consumables.html", {
        "booking": booking, "uses": consumables.uses_of(booking=booking),
        "offered": consumables.offered_for(request.user, platform, booking=booking),
        "can_manage": booking_permissions.can_manage_platform(request.user, platform)})


@login_required
@require_POST
def booking_consumable_add(request, pk):
    booking = _booking_for(request, pk)
    return _take(request, redirect("facility:booking_consumables", booking.pk), booking=booking)
