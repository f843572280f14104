from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from guichet.core import bounds, exports, params
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.directory.selectors import valid_key_or_404
from guichet.groups import selectors as group_selectors
from guichet.platforms import services as platform_services
from guichet.platforms.models import CustomerCategory, Instrument, Platform, Service, ServiceUnit

from . import ics, permissions, selectors, services
from . import orders as order_services
from .forms import BlackoutForm, InstrumentRulesForm, OrderForm, RevokeForm, TrainingForm
from .models import Booking, FeedToken, TrainingAuthorization

MINUTES_PER_DAY = 24 * 60  # a booking lies within one day (check_rules)


def _instrument(key) -> Instrument:
    valid_key_or_404(key)
    return get_object_or_404(Instrument.objects.select_related("platform__organization"), key=key)


def _week(request) -> date:
    """The Monday of the week asked for (this week by default); a bad or out-of-bounds date is a 400."""
    day = params.day_param(request.GET, "week", label=_("week")) or timezone.localdate()
    return selectors.week_start(day)


def calendar(request, key):
    """Week view of one instrument: free and busy slots; a trained member books a free one."""
    instrument = _instrument(key)
    monday = _week(request)
    now = timezone.now()
    user = request.user
    manager = permissions.can_manage_instrument(user, instrument)
    trained = user.is_authenticated and (manager or services.is_trained(user, instrument))
    durations = [m for m in range(instrument.min_duration, instrument.max_duration + 1, instrument.slot_minutes)]
    return render(request, "bookings/calendar.html", {
        "instrument": instrument, "columns": selectors.week_grid(instrument, monday, user, now),
        "monday": monday, "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7),
        "manager": manager, "trained": trained, "can_book": permissions.can_book(user),
        "durations": durations, "managers": instrument.platform.managers.all(),
        "projects": group_selectors.projects_chargeable(user, platform=instrument.platform,
                                                        on=timezone.localdate()),
    })


@login_required
@require_POST
def book(request, key):
    instrument = _instrument(key)
    try:
        start = datetime.fromisoformat(request.POST["start"])
        minutes = int(request.POST.get("duration", instrument.min_duration))
        # Bounded before any arithmetic (year 9999 plus an hour, or a duration of 10**12 minutes, was a 500).
        if not bounds.EARLIEST_DATE <= start.date() <= bounds.LATEST_DATE or not 0 < minutes <= MINUTES_PER_DAY:
            raise ValueError
    except (KeyError, ValueError):
        messages.error(request, _("Choose a slot and a duration."))
        return redirect("bookings:calendar", key)
    start = start if timezone.is_aware(start) else start.replace(tzinfo=PARIS)
    project = None
    if request.POST.get("project"):  # --- groups (issue 12) --- only a project the member may charge
        project = group_selectors.projects_chargeable(request.user, platform=instrument.platform).filter(
            pk=request.POST["project"] if request.POST["project"].isdigit() else 0).first()
        if project is None:
            messages.error(request, _("Choose a project you may charge for this platform."))
            return redirect("bookings:calendar", key)
    try:
        booking = services.booking_create(actor=request.user, instrument=instrument, start=start,
                                          end=start + timedelta(minutes=minutes),
                                          cost_centre=request.POST.get("cost_centre", ""), project=project)
    except services.BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Booked: %(when)s.") % {
            "when": booking.start.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")} if booking.status == "confirmed"
            else _("Your booking waits for the platform's approval."))
    return redirect(f"{reverse('bookings:calendar', args=[key])}?week={start.date().isoformat()}")


@login_required
def mine(request):
    return render(request, "bookings/mine.html", selectors.my_bookings(request.user, timezone.now()))


@login_required
@require_POST
def cancel(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("instrument__platform"), pk=pk)
    if not permissions.is_booking_party(request.user, booking):
        raise Http404
    try:
        services.booking_cancel(actor=request.user, booking=booking)
        messages.success(request, _("Booking cancelled."))
    except services.BookingError as exc:
        messages.error(request, str(exc))
    return redirect(params.safe_next(request, "bookings:mine"))


@login_required
def approvals(request):
    pending = selectors.approvals_pending(request.user)
    if pending is None:
        raise PermissionDenied
    return render(request, "bookings/approvals.html", {"pending": pending})


@login_required
@require_POST
def decide(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("instrument__platform"), pk=pk)
    decision = request.POST.get("approve")
    if decision not in ("1", "0"):  # anything else used to count as a refusal, cancelling the booking
        raise params.BadParameter(_("Choose to approve (1) or refuse (0) the booking."), "approve")
    try:
        services.booking_decide(actor=request.user, booking=booking, approve=decision == "1")
        messages.success(request, _("Decision recorded."))
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.BookingError as exc:
        messages.error(request, str(exc))
    return redirect("bookings:approvals")


# --- an instrument's managers: rules, trainings, maintenance, calendar feed ---------------------------
# One small view per form, over the audited services; a refused form comes back bound, with its errors under
# its fields (or above it for the service's refusals), on the manage page, nothing written (issue 15, 7).

def _managed(request, key) -> Instrument:
    """The instrument, to its platform's managers and staff only (403 otherwise: the instrument is public)."""
    instrument = _instrument(key)
    if not permissions.can_manage_instrument(request.user, instrument):
        raise PermissionDenied
    return instrument


def _manage_page(request, key, *, status=200, **forms):
    instrument = _instrument(key)  # afresh: a refused rules form has written its values into its instance
    now = timezone.now()
    feed = FeedToken.objects.filter(instrument=instrument, created_by=request.user, revoked_at__isnull=True).first()
    if status >= 400:
        messages.error(request, _("Nothing was saved: see the errors below."))
    return render(request, "bookings/manage.html", {
        "instrument": instrument, "rules": InstrumentRulesForm(instance=instrument), "training_form": TrainingForm(),
        "blackout_form": BlackoutForm(), "revoke_form": None, "revoke_pk": None, "overlaps": [],
        "trainings": selectors.trainings_with_state(instrument, now),
        "blackouts": selectors.coming_blackouts(instrument, now), "feed": feed,
        "feed_url": request.build_absolute_uri(reverse("bookings:feed", args=[feed.token])) if feed else "",
        "expiry_warning_days": selectors.TRAINING_EXPIRY_WARNING_DAYS, **forms}, status=status)


def _refused(form, exc: services.BookingError) -> None:
    if isinstance(exc, services.NotAllowed):
        raise PermissionDenied(str(exc)) from exc
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@login_required
def manage(request, key):
    _managed(request, key)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _manage_page(request, key)


@login_required
@require_POST
def manage_rules(request, key):
    form = InstrumentRulesForm(request.POST, instance=_managed(request, key))
    if form.is_valid():
        platform_services.instrument_rules_update(actor=request.user, instrument=form.instance,
                                                  **{f: form.cleaned_data[f] for f in form.Meta.fields})
        messages.success(request, _("Rules saved."))
        return redirect("bookings:manage", key)
    return _manage_page(request, key, status=400, rules=form)


@login_required
@require_POST
def training_grant(request, key):
    instrument = _managed(request, key)
    form = TrainingForm(request.POST)
    if form.is_valid():
        expires = form.cleaned_data["expires_at"]
        try:
            training = services.training_grant(
                actor=request.user, user=form.cleaned_data["user"], instrument=instrument,
                expires_at=datetime.combine(expires, datetime.min.time(), PARIS) if expires else None)
        except services.BookingError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Training recorded for %(who)s.") % {"who": training.user.get_full_name()})
            return redirect("bookings:manage", key)
    return _manage_page(request, key, status=400, training_form=form)


@login_required
@require_POST
def training_revoke(request, key, pk):
    instrument = _managed(request, key)
    training = get_object_or_404(TrainingAuthorization.objects.select_related("user", "instrument__platform"),
                                 pk=pk, instrument=instrument)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.training_revoke(actor=request.user, training=training, reason=form.cleaned_data["reason"])
        except services.BookingError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Training revoked."))
            return redirect("bookings:manage", key)
    return _manage_page(request, key, status=400, revoke_form=form, revoke_pk=training.pk)


@login_required
@require_POST
def maintenance_declare(request, key):
    """Block the instrument. Bookings in the period: the page lists them and asks to confirm (409); the
    confirmation names the bookings it cancels, so one taken meanwhile is never cancelled unseen."""
    instrument = _managed(request, key)
    form = BlackoutForm(request.POST)
    cancel = request.POST.getlist("cancel")
    if any(not pk.isdigit() or len(pk) > 18 for pk in cancel):
        raise params.BadParameter(_("The bookings to cancel are given by their numbers."), "cancel")
    if form.is_valid():
        try:
            services.blackout_create(actor=request.user, instrument=instrument, cancel_bookings=cancel,
                                     **form.cleaned_data)
        except services.MaintenanceOverlaps as exc:
            return _manage_page(request, key, status=409, blackout_form=form, overlaps=exc.bookings)
        except services.BookingError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The instrument is blocked for that period.") if not cancel else
                             _("The instrument is blocked for that period; the bookings in it are cancelled and "
                               "their holders told."))
            return redirect("bookings:manage", key)
    return _manage_page(request, key, status=400, blackout_form=form)


@login_required
@require_POST
def maintenance_cancel(request, key, pk):
    instrument = _managed(request, key)
    blackout = get_object_or_404(Booking.objects.select_related("instrument__platform"), pk=pk,
                                 instrument=instrument, kind=Booking.Kind.BLACKOUT)
    try:
        services.blackout_cancel(actor=request.user, blackout=blackout)
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Maintenance period removed: the instrument can be booked then again."))
    return redirect(f"{reverse('bookings:manage', args=[key])}#maintenance")


# --- ICS feeds --------------------------------------------------------------------------------------

@login_required
@require_POST
def feed_create(request):
    key = request.POST.get("instrument")
    instrument = _instrument(key) if key else None
    try:
        services.feed_token_rotate(actor=request.user, instrument=instrument)
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("New calendar address created; the previous one no longer works."))
    return redirect(params.safe_next(request, "bookings:mine"))


@login_required
@require_POST
def feed_revoke(request, pk):
    token = get_object_or_404(FeedToken.objects.select_related("instrument"), pk=pk, created_by=request.user)
    services.feed_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Calendar address revoked."))
    return redirect(params.safe_next(request, "bookings:mine"))


def feed(request, token):
    feed_token = (FeedToken.objects.select_related("user", "instrument__platform")
                  .filter(token=token, revoked_at__isnull=True).first())
    if feed_token is None:
        raise Http404
    if feed_token.user_id:
        name = _("My bookings")

        def show_owner(b):
            return True
    else:
        name = feed_token.instrument.name

        def show_owner(b):
            return permissions.can_see_booking_owner(feed_token.created_by, b)
    body = ics.calendar_of(selectors.feed_bookings(feed_token, timezone.now()), name=name, show_owner=show_owner)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="guichet.ics"'
    return response


# --- service orders ---------------------------------------------------------------------------------

@login_required
def order_new(request, key):
    valid_key_or_404(key)
    service = get_object_or_404(Service.objects.select_related("platform"), key=key)
    form = OrderForm(request.POST or None, request.FILES or None, projects=group_selectors.projects_chargeable(
        request.user, platform=service.platform, service=service, on=timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        try:
            order = order_services.order_create(actor=request.user, service=service, **form.cleaned_data)
            messages.success(request, _("Order sent: the platform will answer with a quote."))
            return redirect("bookings:order", order.pk)
        except services.BookingError as exc:
            form.add_error(exc.field or None, str(exc))
    return render(request, "bookings/order_new.html", {"service": service, "form": form})


@login_required
def orders(request):
    return render(request, "bookings/orders.html", {"orders": selectors.orders_visible_to(request.user)[:200]})


@login_required
def order_detail(request, pk):
    order = get_object_or_404(selectors.orders_visible_to(request.user).prefetch_related("quote_lines",
                                                                                          "history__actor"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        lines = None
        if action == "quote" and request.POST.get("label"):
            lines = list(zip(request.POST.getlist("label"), request.POST.getlist("quantity"),
                             request.POST.getlist("unit_price"), strict=False))
            lines = [(lab, q, p) for lab, q, p in lines if lab.strip()]
        try:
            order_services.order_transition(actor=request.user, order=order, action=action, lines=lines)
            messages.success(request, _("Order updated."))
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except (services.BookingError, ArithmeticError, ValueError) as exc:
            messages.error(request, str(exc) if isinstance(exc, services.BookingError)
                           else _("Quote lines need a positive quantity and a price."))
        return redirect("bookings:order", order.pk)
    manager = permissions.can_manage_platform(request.user, order.service.platform)
    return render(request, "bookings/order.html", {
        "order": order, "manager": manager, "is_requester": order.requester_id == request.user.pk,
        "attachment_name": order.attachment.name.rsplit("/", 1)[-1] if order.attachment else ""})


@login_required
def order_attachment(request, pk):
    """The order's attachment, to those who may see the order (its requester, the platform's managers, staff)."""
    order = get_object_or_404(selectors.orders_visible_to(request.user), pk=pk)
    if not order.attachment:
        raise Http404
    return FileResponse(order.attachment.open("rb"), as_attachment=True,
                        filename=order.attachment.name.rsplit("/", 1)[-1])


# --- statements and usage -----------------------------------------------------------------------------

def _month(request) -> tuple[int, int]:
    """The month asked for (this month by default); a bad or out-of-bounds month is a 400."""
    asked = params.month_param(request.GET, "month", label=_("month"))
    if asked:
        return asked
    today = timezone.localdate()
    return today.year, today.month


def _statement_scope(request):
    """Staff see every organization; members see their own organizations' statements."""
    orgs = Organization.objects.filter(memberships__user=request.user) if not request.user.is_staff else None
    key = request.GET.get("organization", "")
    if key:
        org = get_object_or_404(Organization, key=valid_key_or_404(key))
        if orgs is not None and not orgs.filter(pk=org.pk).exists():
            raise Http404
        return org, orgs
    if orgs is not None:
        org = orgs.first()
        if org is None:
            raise PermissionDenied
        return org, orgs
    return None, orgs


STATEMENT_COLUMNS = [("organization", _lazy("Organization")), ("cost_centre", _lazy("Cost centre")),
                     ("kind", _lazy("Kind")), ("date", _lazy("Date")), ("label", _lazy("Label")),
                     ("quantity", _lazy("Quantity")), ("unit", _lazy("Unit")), ("unit_price", _lazy("Unit price")),
                     ("amount", _lazy("Amount")), ("price_list", _lazy("Price list")),
                     ("project", _lazy("Project"))]  # --- groups (issue 12) ---
STATEMENT_LINE_KINDS = {"booking": _lazy("Booking"), "service": _lazy("Service")}


def _statement_export(fmt, stem, period, lines, totals, grand):
    """The statement as CSV or XLSX: translated headers and labels, amounts as numbers (core.exports)."""
    units, categories = dict(ServiceUnit.choices), dict(CustomerCategory.choices)
    rows = [[x.organization, x.cost_centre, STATEMENT_LINE_KINDS.get(x.kind, x.kind), x.date, x.label, x.quantity,
             units.get(x.unit, x.unit), x.unit_price, x.amount, categories.get(x.category, x.category), x.project]
            for x in lines]
    if fmt == "csv":
        rows += [[org, centre, _("Total"), "", "", "", "", "", total, "", ""]
                 for (org, centre), total in sorted(totals.items())]
        rows.append(["", "", _("Grand total"), "", "", "", "", "", grand, "", ""])
        return exports.csv_response(f"{stem}.csv", STATEMENT_COLUMNS, rows)
    first, last = 3, len(rows) + 2  # rows 1 and 2 are the headers
    rows += [[], [_("Total"), "", "", "", "", "", "", "",
                  exports.Formula(f"=SUM(I{first}:I{last})") if lines else 0]]
    return exports.xlsx_response(f"{stem}.xlsx", [exports.Sheet(
        period, STATEMENT_COLUMNS, rows, widths={"organization": 24, "label": 40, "date": 17},
        number_formats={"amount": "#,##0.00", "unit_price": "#,##0.00"})])


@login_required
def statement(request, fmt="html"):
    year, month = _month(request)
    organization, choices = _statement_scope(request)
    lines = selectors.statement_lines(year, month, organization)
    totals = selectors.statement_totals(lines)
    grand = sum(totals.values(), Decimal("0.00"))
    stem = f"guichet-statement-{year}-{month:02d}" + (f"-{organization.key}" if organization else "")
    if fmt in ("csv", "xlsx"):
        return _statement_export(fmt, stem, f"{year}-{month:02d}", lines, totals, grand)
    return render(request, "bookings/statement.html", {
        "lines": lines, "totals": sorted(totals.items()), "grand": grand, "year": year, "month": month,
        "organization": organization, "choices": choices if choices is not None else Organization.objects.filter(
            bookings__isnull=False).distinct().order_by("name"), "month_value": f"{year}-{month:02d}"})


@login_required
def usage(request, key):
    valid_key_or_404(key)
    platform = get_object_or_404(Platform, key=key)
    if not permissions.can_manage_platform(request.user, platform):
        raise PermissionDenied
    year, month = _month(request)
    report = selectors.usage_report(platform, year, month)
    for index, row in enumerate(report["rows"]):
        row["y"] = 30 * index
        row["bar"] = int(min(row["utilization"], Decimal(100)) * 4)  # 400 px at 100 %
    return render(request, "bookings/usage.html", {"platform": platform, "report": report, "year": year,
                                                   "month": month, "chart_height": 30 * len(report["rows"]) + 10,
                                                   "month_value": f"{year}-{month:02d}"})
