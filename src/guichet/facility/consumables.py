"""Consumables (issue 13, item 6): a platform's items with a unit price per price list and a stock; its managers
(or the member, when the item allows it) add units to an order or a booking, and the stock is taken in the
same transaction by a compare-and-set (`stock >= n`, then `stock - n`): two takes of the last units never both
succeed, on PostgreSQL (the row's lock, the condition read again) and on SQLite (one writer at a time). The
take that brings the stock below the item's threshold e-mails the platform's managers (the outbox, each in
their language). Uses are billed in the month they were taken: statements, invoices and the usage report
read them from `month_uses`."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.bookings import permissions as booking_permissions
from guichet.bookings.models import Booking, ServiceOrder
from guichet.bookings.selectors import month_bounds
from guichet.bookings.services import BookingError, NotAllowed
from guichet.core import bounds, params
from guichet.core.audit import audit_record
from guichet.core.mail import notify
from guichet.platforms.models import CustomerCategory, customer_category

from . import permissions
from .models import Consumable, ConsumableUse

CENT = Decimal("0.01")
NAME_MAX = Consumable._meta.get_field("name").max_length
UNIT_MAX = Consumable._meta.get_field("unit").max_length
# The most units one use takes, and the largest stock a platform keeps of one item (a typo guard: a
# platform's store holds thousands of tubes, not millions).
TAKE_MAX = 10000
STOCK_MAX = 1000000
# An order or a booking that is over for the customer takes no more consumables.
ORDER_CLOSED = (ServiceOrder.Status.DECLINED, ServiceOrder.Status.CANCELLED)
PRICE_FIELDS = tuple(f"price_{c}" for c in CustomerCategory.values)


class ConsumableError(BookingError):
    """A refused consumable step, naming the field (translated)."""


def _count(raw, *, field: str, label: str, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        raise ConsumableError(_("%(field)s: a whole number from %(low)d to %(high)d.") % {
            "field": label, "low": low, "high": high}, field)
    return value


def _values_check(*, name, unit, alert_below, members_may_add, active, **prices) -> dict:
    name, unit = (name or "").strip(), (unit or "").strip()
    if not name:
        raise ConsumableError(_("Name the consumable."), "name")
    if not unit:
        raise ConsumableError(_("Say its unit (tube, box, chip…)."), "unit")
    for value, limit, field, shown in ((name, NAME_MAX, "name", _("Name")), (unit, UNIT_MAX, "unit", _("Unit"))):
        if message := params.text_error(value, max_length=limit, label=shown):
            raise ConsumableError(message, field)
    clean = {"name": name, "unit": unit, "members_may_add": bool(members_may_add), "active": bool(active),
             "alert_below": _count(alert_below if alert_below not in (None, "") else 0, field="alert_below",
                                   label=_("Alert below"), low=0, high=STOCK_MAX)}
    for field in PRICE_FIELDS:
        raw = prices.get(field)
        if raw in (None, ""):
            clean[field] = None
            continue
        try:
            price = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            price = Decimal("NaN")
        if not price.is_finite() or price < 0 or price > bounds.MAX_UNIT_PRICE_EUR:
            raise ConsumableError(_("A unit price is from 0 to %(max)s EUR.") % {"max": bounds.MAX_UNIT_PRICE_EUR},
                                  field)
        clean[field] = price.quantize(CENT, ROUND_HALF_UP)
    return clean


def _manager(actor, platform):
    if not booking_permissions.can_manage_platform(actor, platform):
        raise NotAllowed(_("Only the platform's managers manage its consumables."))


def consumable_save(*, actor, platform, consumable: Consumable | None = None, stock=None, **values) -> Consumable:
    """Create a consumable (with its first stock) or change its name, unit, prices, threshold and flags (its
    stock moves only by restocking and uses, never by an edit that could overwrite a take)."""
    _manager(actor, platform)
    if consumable is not None and consumable.platform_id != platform.pk:
        raise ConsumableError(_("This consumable belongs to another platform."), "consumable")
    clean = _values_check(**values)
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                if consumable is None:
                    clean["stock"] = _count(stock if stock not in (None, "") else 0, field="stock",
                                            label=_("In stock"), low=0, high=STOCK_MAX)
                    saved = Consumable.objects.create(platform=platform, **clean)
                    before = {}
                else:
                    saved = Consumable.objects.select_for_update().get(pk=consumable.pk)
                    before = {k: getattr(saved, k) for k in clean}
                    for k, v in clean.items():
                        setattr(saved, k, v)
                    saved.save(update_fields=list(clean))
        except IntegrityError:
            raise ConsumableError(_("The platform already has a consumable of this name."), "name") from None
        changes = {k: [None if before.get(k) is None else str(before[k]), None if v is None else str(v)]
                   for k, v in clean.items() if before.get(k) != v}
        audit_record(actor=actor, action="consumable.create" if consumable is None else "consumable.update",
                     entity_type="consumable", entity_key=str(saved.pk), entity_label=str(saved), changes=changes)
    return saved


def consumable_restock(*, actor, consumable: Consumable, quantity) -> Consumable:
    """Units received: added to the stock as it is now (an addition, so a take at the same moment is kept)."""
    _manager(actor, consumable.platform)
    quantity = _count(quantity, field="quantity", label=_("Units received"), low=1, high=STOCK_MAX)
    with transaction.atomic(durable=True):
        if not Consumable.objects.filter(pk=consumable.pk, stock__lte=STOCK_MAX - quantity).update(
                stock=F("stock") + quantity):
            raise ConsumableError(_("A stock holds at most %(max)d units.") % {"max": STOCK_MAX}, "quantity")
        consumable.refresh_from_db()
        audit_record(actor=actor, action="consumable.restock", entity_type="consumable",
                     entity_key=str(consumable.pk), entity_label=str(consumable),
                     changes={"stock": [consumable.stock - quantity, consumable.stock]})
    return consumable


def _target(order, booking):
    if (order is None) == (booking is None):
        raise ConsumableError(_("Add the consumable to an order or to a booking."), "consumable")
    if order is not None:
        if order.status in ORDER_CLOSED:
            raise ConsumableError(_("This order is over: it takes no more consumables."), "consumable")
        return order.service.platform, order.organization, order.customer_category
    if booking.kind != Booking.Kind.BOOKING or booking.status == Booking.Status.CANCELLED:
        raise ConsumableError(_("This booking is cancelled: it takes no more consumables."), "consumable")
    return booking.instrument.platform, booking.organization, customer_category(booking.organization)


def consumable_take(*, actor, consumable: Consumable, quantity, order: ServiceOrder | None = None,
                    booking: Booking | None = None, now: datetime | None = None) -> ConsumableUse:
    """Units of the consumable for the order or the booking: priced from its customer's price list, taken from
    the stock in the same transaction (refused, naming the units left, when there are not enough)."""
    platform, organization, category = _target(order, booking)
    if consumable.platform_id != platform.pk:
        raise ConsumableError(_("This consumable belongs to another platform."), "consumable")
    if not permissions.can_add_consumable(actor, consumable, order=order, booking=booking):
        raise NotAllowed(_("Only the platform's managers add this consumable."))
    if not consumable.active:
        raise ConsumableError(_("This consumable is no longer offered."), "consumable")
    quantity = _count(quantity, field="quantity", label=_("Quantity"), low=1, high=TAKE_MAX)
    unit_price = consumable.price(category)
    if unit_price is None:
        raise ConsumableError(_("This consumable has no price for the %(category)s price list.") % {
            "category": CustomerCategory(category).label}, "consumable")
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        if not Consumable.objects.filter(pk=consumable.pk, stock__gte=quantity).update(stock=F("stock") - quantity):
            left = Consumable.objects.filter(pk=consumable.pk).values_list("stock", flat=True).first() or 0
            raise ConsumableError(_("Not enough %(name)s in stock: %(left)d left, %(asked)d asked.") % {
                "name": consumable.name, "left": left, "asked": quantity}, "quantity")
        left = Consumable.objects.filter(pk=consumable.pk).values_list("stock", flat=True).get()
        use = ConsumableUse.objects.create(
            consumable=consumable, order=order, booking=booking, organization=organization, quantity=quantity,
            category=category, unit_price=unit_price, amount=(unit_price * quantity).quantize(CENT, ROUND_HALF_UP),
            added_by=actor, added_at=now)
        audit_record(actor=actor, action="consumable.take", entity_type="consumable", entity_key=str(consumable.pk),
                     entity_label=str(consumable), changes={
                         "stock": [left + quantity, left],
                         "for": [None, f"order {order.pk}" if order is not None else f"booking {booking.pk}"]})
        # Only the take that crosses the threshold tells (each take sees the stock its own update left).
        if left < consumable.alert_below <= left + quantity:
            notify(platform.managers.all(), "consumable_low_stock", {"consumable": consumable, "left": left})
    consumable.stock = left
    return use


def uses_of(*, order=None, booking=None):
    uses = ConsumableUse.objects.select_related("consumable", "added_by")
    return uses.filter(order=order) if order is not None else uses.filter(booking=booking)


def offered_for(user, platform, *, order=None, booking=None):
    """The platform's offered consumables the user may add to this order or booking."""
    items = Consumable.objects.filter(platform=platform, active=True).select_related("platform").order_by("name")
    return [c for c in items if permissions.can_add_consumable(user, c, order=order, booking=booking)]


def listed_for(user, platform):
    """The platform's offered consumables the user could add to some booking or order: all of them for its
    managers, those that allow it for a member (to their own), none for anyone else."""
    from guichet.accounts.permissions import is_member

    items = Consumable.objects.filter(platform=platform, active=True).order_by("name")
    if booking_permissions.can_manage_platform(user, platform):
        return list(items)
    return list(items.filter(members_may_add=True)) if is_member(user) else []


def month_uses(year: int, month: int, organization=None, platform=None):
    """The uses taken in the month (what statements, invoices and the usage report bill), with what they read."""
    start, end = month_bounds(year, month)
    uses = (ConsumableUse.objects.filter(added_at__gte=start, added_at__lt=end)
            .select_related("consumable__platform", "organization", "order__project", "order__requester",
                            "booking__project", "booking__user", "booking__instrument").order_by("added_at", "pk"))
    if organization is not None:
        uses = uses.filter(organization=organization)
    if platform is not None:
        uses = uses.filter(consumable__platform=platform)
    return uses


def use_context(use: ConsumableUse) -> dict:
    """What a statement's or an invoice's line says of a use: its label, who, and what pays."""
    source = use.order if use.order_id else use.booking
    if use.order_id:
        label, user = f"{use.order.reference} {use.consumable.name}", use.order.requester
    else:
        label, user = f"{use.consumable.name} ({use.booking.instrument.name}, {use.booking.user.get_full_name()})", \
            use.booking.user
    return {"label": label, "user": user, "cost_centre": source.cost_centre,
            "project": str(source.project) if source.project_id else ""}


def consumable_admin_save(*, actor, record: Consumable, is_new: bool) -> None:
    """The admin's door: the same checks and audit entry as the managers' page."""
    saved = consumable_save(actor=actor, platform=record.platform, consumable=None if is_new else record,
                            stock=record.stock if is_new else None, name=record.name, unit=record.unit,
                            alert_below=record.alert_below, members_may_add=record.members_may_add,
                            active=record.active, **{f: getattr(record, f) for f in PRICE_FIELDS})
    record.pk = saved.pk
