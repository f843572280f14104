"""Service orders: requested by a member, quoted, accepted, run and delivered by the platform; one transaction
per step, audited, e-mailed after commit. A refused step raises OrderError (a BookingError, so the pages and
the API that answer booking refusals answer these too) or NotAllowed."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.selectors import organization_of
from guichet.core import bounds, params, uploads
from guichet.core.audit import audit_record
from guichet.core.idempotency import Claim
from guichet.core.mail import notify
from guichet.groups import budget
from guichet.groups import services as group_services
from guichet.platforms.models import customer_category

from . import permissions
from .models import OrderStatusChange, QuoteLine, ServiceOrder
from .services import COST_CENTRE_MAX, BookingError, NotAllowed, charge_project, project_change_check

CENT = Decimal("0.01")
DESCRIPTION_MAX = ServiceOrder._meta.get_field("description").max_length
QUOTE_LABEL_MAX = QuoteLine._meta.get_field("label").max_length


class OrderError(BookingError):
    """A refused order step, with a translated message and the field at fault."""


def _figure(value) -> Decimal:
    """A quote line's quantity or price as typed; NaN when it is no number, so the bounds refuse it by name
    (`Decimal("abc")` raised InvalidOperation, which each door had to catch itself)."""
    try:
        return Decimal(str(value).strip())
    except ArithmeticError:
        return Decimal("NaN")


ORDER_FLOW = {
    # action: (from states, to state, who: "requester" | "manager")
    # Quoted once: the compare-and-set on "requested" makes a second quote (a double click, a second
    # manager) fail instead of writing a second "quoted" step over the first quote's lines.
    "quote": ([ServiceOrder.Status.REQUESTED], ServiceOrder.Status.QUOTED, "manager"),
    "accept": ([ServiceOrder.Status.QUOTED], ServiceOrder.Status.ACCEPTED, "requester"),
    "start": ([ServiceOrder.Status.ACCEPTED], ServiceOrder.Status.IN_PROGRESS, "manager"),
    "deliver": ([ServiceOrder.Status.IN_PROGRESS], ServiceOrder.Status.DELIVERED, "manager"),
    "decline": ([ServiceOrder.Status.REQUESTED, ServiceOrder.Status.QUOTED], ServiceOrder.Status.DECLINED, "manager"),
    "cancel": ([ServiceOrder.Status.REQUESTED, ServiceOrder.Status.QUOTED, ServiceOrder.Status.ACCEPTED],
               ServiceOrder.Status.CANCELLED, "requester"),
}


def order_create(*, actor, service, description: str, quantity, organization=None, cost_centre: str = "",
                 desk_request=None, attachment=None, project=None, samples=None, sample_files=None,
                 idempotency: Claim | None = None) -> ServiceOrder:
    """`samples` (and `sample_files`): the answers to the service's sample form, by input name
    (facility.samples.input_name); the form's rules are facility.samples.answers_check's. With an `idempotency`
    claim (API `Idempotency-Key`), the key is taken first in the transaction, as booking_create does: a
    concurrent duplicate raises AlreadyClaimed and places nothing."""
    # --- sample forms (issue 13, item 5) --- facility builds on bookings: imported here, not at the top
    from guichet.facility import samples as sample_forms

    if not permissions.can_book(actor):
        raise NotAllowed(_("Log in as a member of the network to order a service."))
    description = (description or "").strip()
    if not description:
        raise OrderError(_("Describe the work to do."), "description")
    quantity = Decimal(str(quantity))
    if not quantity.is_finite() or quantity <= 0 or quantity > bounds.MAX_ORDER_QUANTITY:
        raise OrderError(_("Give a quantity above 0 and at most %(max)s.") % {"max": bounds.MAX_ORDER_QUANTITY},
                           "quantity")
    cost_centre = (cost_centre or "").strip()
    if message := params.text_error(cost_centre, max_length=COST_CENTRE_MAX, label=_("Cost centre")):
        raise OrderError(message, "cost_centre")
    if message := params.text_error(description, max_length=DESCRIPTION_MAX, label=_("Work to do")):
        raise OrderError(message, "description")
    if attachment:
        try:
            uploads.check_upload(attachment, max_mb=settings.GUICHET_ORDER_ATTACHMENT_MAX_MB)
        except uploads.UploadRefused as exc:
            raise OrderError(str(exc), "attachment") from None
    checked = sample_forms.answers_check(service=service, answers=samples, files=sample_files)
    if project is not None:  # --- groups (issue 12) --- the paying group's organization is billed
        organization = organization or project.group.organization
    organization = organization or organization_of(actor)
    category = customer_category(organization)
    with transaction.atomic(durable=True):
        if idempotency is not None:
            idempotency.begin()
        if project is not None:
            charge_project(actor=actor, project=project, platform=service.platform, service=service,
                            on=timezone.localdate(), amount=budget.service_estimate(service=service, category=category,
                                                                                    quantity=quantity))
        order = ServiceOrder.objects.create(
            service=service, requester=actor, organization=organization, cost_centre=cost_centre, project=project,
            customer_category=category, description=description, quantity=quantity,
            desk_request=desk_request, **({"attachment": attachment} if attachment else {}))
        if project is not None:
            group_services.project_alerts(project=project)
        sample_forms.answers_write(order=order, checked=checked)
        OrderStatusChange.objects.create(order=order, from_status="", to_status=order.status, actor=actor)
        audit_record(actor=actor, action="order.create", entity_type="service_order", entity_key=str(order.pk),
                     entity_label=str(service), changes={"quantity": [None, str(quantity)],
                                                         **sample_forms.answers_for_audit(checked)})
        notify(service.platform.managers.all(), "order_requested", {"order": order})
        if idempotency is not None:
            idempotency.complete(201, order)
    return order


def default_quote_lines(order: ServiceOrder) -> list[tuple[str, Decimal, Decimal]]:
    """One line from the price list of the order's customer category."""
    price = getattr(order.service, f"price_{order.customer_category}")
    if price is None:
        raise OrderError(_("This service has no price for the %(category)s price list: write the quote "
                             "lines.") % {"category": order.customer_category}, "lines")
    return [(order.service.name, order.quantity, price)]


# --- groups (issue 12) --- the steps that commit the project again, as at ordering time: the requester accepts
# the quote (its amount, not the price list's estimate), the platform starts the work.
RECHECKED = ("accept", "start")


def _project_recheck(*, actor, order: ServiceOrder, action: str) -> None:
    """The project is still valid today, pays for this platform and service, and has the quote's amount left
    beside what it holds; its row is locked first, so two acceptances of the last euros are served in turn."""
    project = order.project
    current = ServiceOrder.objects.prefetch_related("quote_lines").select_related("service__platform").get(pk=order.pk)
    charge_project(actor=actor, project=project, platform=current.service.platform, service=current.service,
                   on=timezone.localdate(), amount=budget.order_estimate(current), order=current,
                   check_actor=action == "accept")


def order_transition(*, actor, order: ServiceOrder, action: str, lines=None) -> ServiceOrder:
    """Move an order one step, by the right role only; quoting writes the quote lines."""
    if action not in ORDER_FLOW:
        raise OrderError(_("Unknown action."), "status")
    allowed_from, to, who = ORDER_FLOW[action]
    if who == "manager" and not permissions.can_manage_platform(actor, order.service.platform):
        raise NotAllowed(_("Only the platform's managers can do this."))
    if who == "requester" and order.requester_id != actor.pk:
        raise NotAllowed(_("Only the person who ordered can do this."))
    with transaction.atomic(durable=True):
        fields = {"delivered_at": timezone.now()} if to == ServiceOrder.Status.DELIVERED else {}
        updated = ServiceOrder.objects.filter(pk=order.pk, status__in=allowed_from).update(status=to, **fields)
        if not updated:
            raise OrderError(_("This order can no longer change this way."), "status")
        if order.project_id is not None and action in RECHECKED:
            _project_recheck(actor=actor, order=order, action=action)
        if action == "quote":
            order.quote_lines.all().delete()
            for label, quantity, unit_price in (lines or default_quote_lines(order)):
                quantity, unit_price = _figure(quantity), _figure(unit_price)
                if not (quantity.is_finite() and unit_price.is_finite()) or quantity <= 0 or unit_price < 0 \
                        or quantity > bounds.MAX_ORDER_QUANTITY or unit_price > bounds.MAX_UNIT_PRICE_EUR:
                    raise OrderError(_("Quote lines need a quantity above 0 and at most %(q)s, and a unit price "
                                         "from 0 to %(p)s EUR.") % {"q": bounds.MAX_ORDER_QUANTITY,
                                                                     "p": bounds.MAX_UNIT_PRICE_EUR}, "lines")
                if message := params.text_error(str(label), max_length=QUOTE_LABEL_MAX, label=_("Line")):
                    raise OrderError(message, "lines")
                QuoteLine.objects.create(order=order, label=str(label), quantity=quantity, unit_price=unit_price,
                                         amount=(quantity * unit_price).quantize(CENT, ROUND_HALF_UP))
        OrderStatusChange.objects.create(order=order, from_status=order.status, to_status=to, actor=actor)
        audit_record(actor=actor, action=f"order.{action}", entity_type="service_order", entity_key=str(order.pk),
                     entity_label=str(order.service), changes={"status": [order.status, to]})
        order.status = to
        for name, value in fields.items():
            setattr(order, name, value)
        if order.project_id is not None and action == "accept":
            group_services.project_alerts(project=order.project)
        if action == "quote":
            notify([order.requester], "order_quoted", {"order": order})
        elif who == "manager":
            notify([order.requester], "order_status", {"order": order})
    return order


def order_admin_update(*, actor, record: ServiceOrder, is_new: bool = False) -> None:
    """Staff correct an order's cost centre, organization, project (checked as at ordering time) or description;
    its status moves only through order_transition."""
    from guichet.core.services import record_save

    if is_new:
        raise OrderError(_("Orders are placed by members, from the service's page."), "service")
    with transaction.atomic():
        moved = order_project_check(record=record, project=record.project)
        record_save(actor=actor, record=record, is_new=False)
        if moved:
            group_services.project_alerts(project=record.project)


def order_project_check(*, record: ServiceOrder, project) -> bool:
    """--- groups (issue 12) --- an open or delivered order moved to `project` by staff: checked as at ordering
    time, for its quote (or its price-list estimate before the quote)."""
    if record.status not in (*budget.OPEN_ORDER, ServiceOrder.Status.DELIVERED):
        return False
    return project_change_check(record=record, project=project, platform=record.service.platform,
                                service=record.service, amount=budget.order_estimate(record),
                                on=timezone.localdate())
