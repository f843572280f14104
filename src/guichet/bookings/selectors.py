"""Reads for bookings, availability, orders and statements."""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from guichet.accounts.permissions import members as network_members
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.platforms.models import CustomerCategory, Platform, customer_category

from .models import Booking, FeedToken, ServiceOrder, TrainingAuthorization

CENT = Decimal("0.01")
BILLED = (Booking.Status.CONFIRMED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)


def booked_amount(instrument, hours: Decimal, category: str) -> Decimal:
    """The one price of booked hours: the instrument's hourly rate for the price list, to the cent (half up).
    Statements, the usage report and the revenue KPI all read it."""
    return (hours * instrument.hourly_rate(category)).quantize(CENT, ROUND_HALF_UP)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


SHOWN = (*Booking.LIVE, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)


def busy(instrument, start: datetime, end: datetime):
    """Bookings (live or past) and blackouts of an instrument that touch [start, end)."""
    return (Booking.objects.filter(instrument=instrument, status__in=SHOWN, start__lt=end,
                                   blocked_until__gt=start).select_related("user").order_by("start"))


@dataclass
class Slot:
    start: datetime
    end: datetime
    state: str  # free | busy | mine | blackout | closed | past
    booking: Booking | None = None


@dataclass
class DayColumn:
    day: date
    slots: list[Slot] = field(default_factory=list)


def week_grid(instrument, monday: date, user, now: datetime) -> list[DayColumn]:
    """The instrument's week in Europe/Paris slots: each local wall-clock slot, correct across DST."""
    step = timedelta(minutes=instrument.slot_minutes)
    first = datetime.combine(monday, time(0, 0), PARIS)
    last = datetime.combine(monday + timedelta(days=7), time(0, 0), PARIS)
    bookings = list(busy(instrument, first, last))
    columns = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        column = DayColumn(day)
        open_day = str(day.isoweekday()) in instrument.open_weekdays
        local = datetime.combine(day, instrument.opens_at, PARIS)
        close = datetime.combine(day, instrument.closes_at, PARIS)
        while local < close:
            # Wall-clock arithmetic in Paris, then back to an aware instant: 02:00-03:00 on the spring
            # change does not exist and is skipped; the autumn one is not shown twice.
            slot_end = min(local + step, close)
            start_utc, end_utc = local.astimezone(PARIS), slot_end.astimezone(PARIS)
            hit = next((b for b in bookings if b.start < end_utc and b.blocked_until > start_utc), None)
            if not open_day:
                state = "closed"
            elif hit is not None:
                state = "blackout" if hit.kind == Booking.Kind.BLACKOUT else (
                    "mine" if user.is_authenticated and hit.user_id == user.pk else "busy")
            elif end_utc <= now:
                state = "past"
            else:
                state = "free"
            column.slots.append(Slot(start_utc, end_utc, state, hit))
            local = slot_end
        columns.append(column)
    return columns


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=PARIS)
    days = calendar.monthrange(year, month)[1]
    return start, start + timedelta(days=days)


@dataclass
class StatementLine:
    organization: str
    cost_centre: str
    kind: str  # booking | service
    date: datetime
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    category: str
    project: str = ""  # --- groups (issue 12) --- the project that pays, when one was named

    @property
    def charged_to(self) -> str:
        """What the statement groups by: the project, else the free-text cost centre of older lines."""
        return self.project or self.cost_centre


def statement_lines(year: int, month: int, organization=None, now=None) -> list[StatementLine]:
    """Every booked hour (bookings that ended in the month) and delivered service of the month, priced."""
    start, end = month_bounds(year, month)
    billed_until = min(end, now or timezone.now())  # a slot is billed once it has happened
    bookings = (Booking.objects.filter(kind=Booking.Kind.BOOKING, status__in=BILLED, end__gt=start,
                                       end__lte=billed_until)
                .select_related("instrument", "organization", "user", "project"))
    orders = (ServiceOrder.objects.filter(status=ServiceOrder.Status.DELIVERED, delivered_at__gte=start,
                                          delivered_at__lt=end)
              .select_related("service", "organization", "project").prefetch_related("quote_lines"))
    if organization is not None:
        bookings = bookings.filter(organization=organization)
        orders = orders.filter(organization=organization)
    lines = []
    for b in bookings:
        category = customer_category(b.organization)
        rate = b.instrument.hourly_rate(category)
        lines.append(StatementLine(
            b.organization.name if b.organization else "—", b.cost_centre, "booking", b.start,
            f"{b.instrument.name} ({b.user.get_full_name()})", b.hours, "hour", rate,
            booked_amount(b.instrument, b.hours, category), category, str(b.project) if b.project_id else ""))
    for o in orders:
        for line in o.quote_lines.all():
            lines.append(StatementLine(
                o.organization.name if o.organization else "—", o.cost_centre, "service", o.delivered_at,
                f"{o.reference} {line.label}", line.quantity, o.service.unit or "unit", line.unit_price, line.amount,
                o.customer_category, str(o.project) if o.project_id else ""))
    # --- consumables (issue 13, item 6) --- billed in the month they were taken (facility builds on bookings)
    from guichet.facility.consumables import month_uses, use_context

    for use in month_uses(year, month, organization):
        said = use_context(use)
        lines.append(StatementLine(
            use.organization.name if use.organization else "—", said["cost_centre"], "consumable", use.added_at,
            said["label"], Decimal(use.quantity), use.consumable.unit, use.unit_price, use.amount, use.category,
            said["project"]))
    lines.sort(key=lambda x: (x.organization, x.charged_to, x.date, x.label))
    return lines


def statement_totals(lines: list[StatementLine]) -> dict[tuple[str, str], Decimal]:
    totals = defaultdict(lambda: Decimal("0.00"))
    for line in lines:
        totals[(line.organization, line.charged_to)] += line.amount
    return dict(totals)


def open_hours(instrument, year: int, month: int) -> Decimal:
    start, end = month_bounds(year, month)
    hours = Decimal(0)
    day = start.date()
    while day < end.date():
        if str(day.isoweekday()) in instrument.open_weekdays:
            opened = datetime.combine(day, instrument.opens_at, PARIS)
            closed = datetime.combine(day, instrument.closes_at, PARIS)
            hours += Decimal((closed - opened).total_seconds()) / 3600
        day += timedelta(days=1)
    return hours


def usage_report(platform, year: int, month: int) -> dict:
    """Hours booked, utilization (booked / open hours) and downtime per instrument, revenue by customer category."""
    from guichet.facility.incidents import downtime_hours  # facility builds on bookings, not the other way

    start, end = month_bounds(year, month)
    rows, revenue = [], {c: Decimal("0.00") for c in CustomerCategory.values}
    for instrument in platform.instruments.order_by("name"):
        bookings = Booking.objects.filter(instrument=instrument, kind=Booking.Kind.BOOKING, status__in=BILLED,
                                          start__lt=end, end__gt=start).select_related("organization")
        # Hours booked in the month, coming ones included: utilization is about the calendar, not billing.
        booked = Decimal(0)
        for b in bookings:
            overlap = (min(b.end, end) - max(b.start, start)).total_seconds()
            hours = Decimal(overlap) / 3600
            booked += hours
            category = customer_category(b.organization)
            revenue[category] += booked_amount(instrument, hours, category)
        opened = open_hours(instrument, year, month)
        rows.append({"instrument": instrument, "booked": booked.quantize(CENT), "open": opened.quantize(CENT),
                     "utilization": (booked / opened * 100).quantize(Decimal("0.1")) if opened else Decimal(0),
                     # --- incidents (issue 13, item 4) --- hours down, from the instrument's incident log
                     "downtime": downtime_hours(instrument, start, end)})
    for order in ServiceOrder.objects.filter(service__platform=platform, status=ServiceOrder.Status.DELIVERED,
                                             delivered_at__gte=start, delivered_at__lt=end
                                             ).prefetch_related("quote_lines"):
        revenue[order.customer_category] += order.total
    from guichet.facility.consumables import month_uses  # --- consumables (issue 13, item 6) ---

    for use in month_uses(year, month, platform=platform):
        revenue[use.category] += use.amount
    return {"rows": rows, "revenue": revenue, "total": sum(revenue.values(), Decimal("0.00"))}


def orders_visible_to(user):
    if not user.is_authenticated:
        return ServiceOrder.objects.none()
    qs = ServiceOrder.objects.select_related("service__platform", "requester", "organization")
    if user.is_staff:
        return qs
    return qs.filter(Q(requester=user) | Q(service__platform__managers=user)).distinct()


# A training shown as "expires soon" this many days ahead: a month gives the manager time for a session.
TRAINING_EXPIRY_WARNING_DAYS = 30
MEMBER_MATCHES_SHOWN = 10


def members_matching(query: str):
    """Active members of the network (not guests) whose e-mail is `query`, or whose name or e-mail contains
    it: an exact e-mail address wins alone."""
    query = (query or "").strip()
    members = network_members()
    if not query:
        return members.none()
    exact = members.filter(email__iexact=query)
    if exact.exists():
        return exact
    return members.filter(Q(full_name__icontains=query) | Q(email__icontains=query)).order_by("full_name", "email")


def trainings_with_state(instrument, now=None):
    """The instrument's trainings, newest first, each with `state`: valid | expiring | expired | revoked."""
    now = now or timezone.now()
    soon = now + timedelta(days=TRAINING_EXPIRY_WARNING_DAYS)
    rows = list(instrument.trainings.select_related("user", "granted_by").order_by("-granted_at", "-id"))
    for t in rows:
        t.state = ("revoked" if t.revoked_at else "expired" if t.expires_at and t.expires_at <= now
                   else "expiring" if t.expires_at and t.expires_at <= soon else "valid")
    return rows


def coming_blackouts(instrument, now=None):
    return Booking.objects.filter(instrument=instrument, kind=Booking.Kind.BLACKOUT, end__gt=now or timezone.now(),
                                  status=Booking.Status.CONFIRMED).order_by("start")


def my_bookings(user, now: datetime) -> dict:
    """A member's own bookings, split into upcoming (live, not over) and the last 50 past ones, with their
    calendar feed and trainings: what "My bookings" shows."""
    bookings = (Booking.objects.filter(user=user, kind=Booking.Kind.BOOKING)
                .select_related("instrument__platform").order_by("-start"))
    return {"upcoming": [b for b in bookings if b.end > now and b.status in Booking.LIVE],
            "past": [b for b in bookings if not (b.end > now and b.status in Booking.LIVE)][:50],
            "feed": FeedToken.objects.filter(user=user, revoked_at__isnull=True).first(),
            "trainings": TrainingAuthorization.objects.filter(user=user).select_related("instrument")}


def approvals_pending(user):
    """Bookings waiting for a decision on the platforms `user` manages (every platform for staff); None when
    `user` manages none."""
    platforms = Platform.objects.all() if user.is_staff else user.managed_platforms.all()
    if not user.is_staff and not platforms.exists():
        return None
    return (Booking.objects.filter(status=Booking.Status.REQUESTED, instrument__platform__in=platforms)
            .select_related("instrument", "user", "organization").order_by("start"))


FEED_DAYS_BACK = 60  # a calendar feed carries the last two months and everything to come


def feed_bookings(feed_token, now: datetime):
    """What a calendar feed carries: its owner's bookings, or every booking of its instrument."""
    bookings = Booking.objects.filter(status__in=Booking.LIVE + (Booking.Status.COMPLETED,),
                                      end__gte=now - timedelta(days=FEED_DAYS_BACK))
    if feed_token.user_id:
        bookings = bookings.filter(user=feed_token.user, kind=Booking.Kind.BOOKING)
    else:
        bookings = bookings.filter(instrument=feed_token.instrument)
    return bookings.select_related("instrument__platform", "user")


def feed_token_active(token: str):
    """The live calendar feed behind a secret address, with what it shows; None when revoked or unknown."""
    return (FeedToken.objects.select_related("user", "instrument__platform", "created_by")
            .filter(token=token, revoked_at__isnull=True).first())


def instrument_feed_of(user, instrument):
    """The instrument's calendar feed `user` made (a manager's), if it still works."""
    return FeedToken.objects.filter(instrument=instrument, created_by=user, revoked_at__isnull=True).first()


def statement_organizations(user):
    """The organizations whose statements `user` may read: their own for a member, None (every one) for staff."""
    return None if user.is_staff else Organization.objects.filter(memberships__user=user)


def statement_choices(user):
    """The organizations offered in the statement's picker: the user's own, or for staff every one that booked."""
    own = statement_organizations(user)
    return own if own is not None else Organization.objects.filter(bookings__isnull=False).distinct().order_by("name")
