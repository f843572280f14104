"""What a project has spent and holds, computed from the bookings and orders that name it.

Consumed: what the statements bill (bookings confirmed, completed or no-show once ended; delivered orders).
Committed: what is held until billed (live bookings not ended yet; orders requested, quoted, accepted or in
progress, at their quote or, before it, at the price list). A cancelled booking or a declined order holds
nothing, without any bookkeeping of its own. Every booking and order is priced by bookings.selectors."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from guichet.bookings.models import Booking, ServiceOrder
from guichet.bookings.selectors import BILLED, booked_amount
from guichet.platforms.models import customer_category

CENT = Decimal("0.01")
# The heads are told when what is consumed and committed reaches these shares of the budget (issue 12).
ALERT_THRESHOLDS = (80, 100)
OPEN_ORDER = (ServiceOrder.Status.REQUESTED, ServiceOrder.Status.QUOTED, ServiceOrder.Status.ACCEPTED,
              ServiceOrder.Status.IN_PROGRESS)


@dataclass
class Usage:
    budget: Decimal
    consumed: Decimal
    committed: Decimal

    @property
    def used(self) -> Decimal:
        return self.consumed + self.committed

    @property
    def left(self) -> Decimal:
        return self.budget - self.used

    @property
    def percent(self) -> int:
        """Share of the budget consumed or committed, in whole percent (rounded down: 79.9 % is not 80 %)."""
        if self.budget <= 0:
            return 100 if self.used > 0 else 0
        return int(self.used * 100 / self.budget)


def booking_estimate(*, instrument, hours: Decimal, organization) -> Decimal:
    return booked_amount(instrument, hours, customer_category(organization))


def order_estimate(order: ServiceOrder) -> Decimal:
    """The quote once there is one; before, the price list of the order's category times the quantity (a
    service without a price on that list is estimated at nothing until it is quoted)."""
    lines = list(order.quote_lines.all())
    if lines:
        return sum((line.amount for line in lines), Decimal("0.00"))
    return service_estimate(service=order.service, category=order.customer_category, quantity=order.quantity)


def service_estimate(*, service, category: str, quantity) -> Decimal:
    price = getattr(service, f"price_{category}", None)
    if price is None:
        return Decimal("0.00")
    return (Decimal(str(quantity)) * price).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Line:
    kind: str  # booking | service
    record: object
    amount: Decimal
    consumed: bool


def project_lines(project, now=None) -> list[Line]:
    """Every booking and order charged to the project that counts against its budget, priced."""
    now = now or timezone.now()
    lines = []
    bookings = (Booking.objects.filter(project=project, kind=Booking.Kind.BOOKING,
                                       status__in=(*Booking.LIVE, *BILLED))
                .select_related("instrument", "organization", "user").order_by("start"))
    for b in bookings:
        consumed = b.status in BILLED and b.end <= now
        lines.append(Line("booking", b, booking_estimate(instrument=b.instrument, hours=b.hours,
                                                          organization=b.organization), consumed))
    orders = (ServiceOrder.objects.filter(project=project, status__in=(*OPEN_ORDER, ServiceOrder.Status.DELIVERED))
              .select_related("service", "requester").prefetch_related("quote_lines").order_by("created_at"))
    for o in orders:
        lines.append(Line("service", o, order_estimate(o), o.status == ServiceOrder.Status.DELIVERED))
    return lines


def project_usage(project, now=None, *, beside=None) -> Usage:
    """`beside`: an order being accepted or started, checked against everything else the project holds; other
    quotes still waiting for their requester's answer hold nothing there (a quote is the platform's offer, the
    group commits when it accepts: the first accepted of two quotes for the last euros is the one served).
    A booking being approved is checked against everything else the project holds, as when it was asked."""
    lines = project_lines(project, now)
    if isinstance(beside, Booking):
        lines = [x for x in lines if not (x.kind == "booking" and x.record.pk == beside.pk)]
    elif beside is not None:
        lines = [x for x in lines if not (x.kind == "service" and (
            x.record.pk == beside.pk or x.record.status == ServiceOrder.Status.QUOTED))]
    consumed = sum((x.amount for x in lines if x.consumed), Decimal("0.00"))
    committed = sum((x.amount for x in lines if not x.consumed), Decimal("0.00"))
    return Usage(budget=project.budget, consumed=consumed, committed=committed)
