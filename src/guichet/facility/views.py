from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from guichet.bookings import permissions as booking_permissions
from guichet.bookings.models import Booking
from guichet.bookings.services import BookingError, NotAllowed
from guichet.bookings.views.calendar import refused_on_calendar
from guichet.bookings.views.common import SlotRefused, slot_posted
from guichet.core import params
from guichet.core.actions import attempt, attempt_form, refused_on_form
from guichet.directory.selectors import valid_key_or_404
from guichet.platforms.models import Instrument

from . import incidents as incidents_service
from . import permissions, selectors, series, usage, waitlist
from .forms import BillingRuleForm, IncidentForm, SeriesForm, UsageForm


def _series_page(request, instrument, form, *, rule="", planned=None, status=200):
    return render(request, "facility/series_new.html", {
        "instrument": instrument, "form": form, "rule": rule, "planned": planned,
        "free": sum(o.state == series.FREE for o in planned or ()), "status": status}, status=status)


def _bookable(request, key):
    instrument = get_object_or_404(Instrument.objects.select_related("platform"), key=valid_key_or_404(key))
    if not permissions.can_book_series(request.user, instrument):
        raise PermissionDenied
    return instrument


@login_required
@require_GET
def series_new(request, key):
    """The series form; once filled in (GET: nothing is written), each occurrence as free, taken or outside."""
    instrument = _bookable(request, key)
    if "day" not in request.GET:
        return _series_page(request, instrument, SeriesForm(instrument=instrument))
    form = SeriesForm(request.GET, instrument=instrument)
    return attempt_form(
        request, form,
        lambda data: series.series_preview(actor=request.user, instrument=instrument, first_start=form.first_start,
                                           rule=data["rule"], duration_minutes=data["duration"],
                                           cost_centre=data["cost_centre"]),
        "", lambda found: _series_page(request, instrument, form, rule=found[0], planned=found[1]),
        lambda form: _series_page(request, instrument, form, status=400),
        refusals=(BookingError,), forbidden=(NotAllowed,))


@login_required
@require_POST
def series_book(request, key):
    instrument = _bookable(request, key)
    form = SeriesForm(request.POST, instrument=instrument)

    def taken(exc):
        refused_on_form(form, exc)
        return _series_page(request, instrument, form, status=409)

    return attempt_form(
        request, form,
        lambda data: series.series_create(
            actor=request.user, instrument=instrument, first_start=form.first_start, rule=data["rule"],
            duration_minutes=data["duration"], cost_centre=data["cost_centre"],
            only_free=request.POST.get("only_free") == "1"),
        lambda done: _booked_text(done[1]), lambda done: redirect("facility:series", done[0].pk),
        lambda form: _series_page(request, instrument, form, status=400),
        refusals=(BookingError,), forbidden=(NotAllowed,), answers={series.SlotUnavailable: taken})


def _booked_text(planned) -> str:
    booked = sum(o.booking is not None for o in planned)
    skipped = len(planned) - booked
    return (ngettext("%(n)d occurrence booked.", "%(n)d occurrences booked.", booked) % {"n": booked}
            + (" " + ngettext("%(n)d skipped (taken or outside the rules).",
                              "%(n)d skipped (taken or outside the rules).", skipped) % {"n": skipped}
               if skipped else ""))


@login_required
@require_GET
def series_detail(request, pk):
    found = selectors.series_for(request.user, pk)
    now = timezone.now()
    bookings = selectors.series_bookings(found)
    rows = [{"booking": b, "live": b.status in Booking.LIVE and b.start > now,
             "cancellable": b.status in Booking.LIVE and booking_permissions.can_cancel_booking(request.user, b, now)}
            for b in bookings]
    return render(request, "facility/series_detail.html", {
        "series": found, "rows": rows, "live": sum(r["live"] for r in rows),
        "deadline": found.instrument.cancel_deadline_hours})


@login_required
@require_POST
def series_cancel(request, pk):
    """Cancel this occurrence and every later one of the series."""
    found = selectors.series_for(request.user, pk)
    try:
        pk = int(request.POST.get("from", ""))
        if not 0 < pk < 2**63:  # the largest key the databases hold
            raise ValueError
        first = Booking.objects.get(pk=pk, series_occurrence__series=found)
    except (ValueError, Booking.DoesNotExist):
        raise Http404 from None
    return attempt(request, lambda: series.series_cancel_rest(actor=request.user, series=found, from_booking=first),
                   lambda cancelled: ngettext("%(n)d occurrence cancelled.", "%(n)d occurrences cancelled.",
                                              len(cancelled)) % {"n": len(cancelled)},
                   redirect("facility:series", found.pk), refusals=(BookingError,), forbidden=(NotAllowed,))


# --- waitlists ------------------------------------------------------------------------------------------

@login_required
@require_POST
def waitlist_join(request, key):
    """From the calendar: a taken slot (its start, the duration chosen above the grid)."""
    instrument = _bookable(request, key)
    try:
        start, end = slot_posted(request.POST, instrument)
    except SlotRefused as exc:  # beside its field on the calendar, as the booking form's
        return refused_on_calendar(request, instrument, exc, reverse("bookings:calendar", args=[key]))
    back = f"{reverse('bookings:calendar', args=[key])}?week={start.date().isoformat()}"
    return attempt(request, lambda: waitlist.waitlist_join(actor=request.user, instrument=instrument, start=start,
                                                           end=end),
                   lambda entry: _("You are on the waitlist (number %(n)d in line): you will be e-mailed if the "
                                   "slot frees.") % {"n": waitlist.position(entry)},
                   back, refusals=(BookingError,), forbidden=(NotAllowed,),
                   answers={BookingError: lambda exc: refused_on_calendar(request, instrument, exc, back)})


@login_required
@require_GET
def waitlist_offer(request, pk):
    entry = selectors.entry_for(request.user, pk)
    return render(request, "facility/waitlist_offer.html", {
        "entry": entry, "open": entry.status == entry.Status.OFFERED and entry.offer_expires_at > timezone.now(),
        "position": waitlist.position(entry) if entry.status in entry.LIVE else None})


@login_required
@require_POST
def waitlist_claim(request, pk):
    entry = selectors.entry_for(request.user, pk)
    return attempt(request, lambda: waitlist.waitlist_claim(actor=request.user, entry=entry), _booked_on,
                   redirect("facility:waitlist_offer", pk), refusals=(BookingError,),
                   then=lambda _booking: redirect("bookings:mine"))


def _booked_on(booking) -> str:
    return _("Booked: %(when)s.") % {"when": timezone.localtime(booking.start).strftime("%d/%m/%Y %H:%M")}


@login_required
@require_POST
def waitlist_leave(request, pk):
    entry = selectors.entry_for(request.user, pk)
    return attempt(
        request,
        lambda: waitlist.waitlist_leave(actor=request.user, entry=entry),
        _("You have left this waitlist."),
        redirect(params.safe_next(request, "bookings:mine")))


# --- actual use: kiosk, QR code, the managers' usage page -----------------------------------------------

def _kiosk_booking(user, instrument, now):
    """The user's booking at the instrument now (or starting within the early check-in window)."""
    return (Booking.objects.filter(instrument=instrument, user=user, kind=Booking.Kind.BOOKING,
                                   status__in=[Booking.Status.CONFIRMED, Booking.Status.COMPLETED],
                                   start__lte=now + timedelta(minutes=usage.EARLY_CHECK_IN_MINUTES), end__gt=now)
            .select_related("instrument__platform").order_by("start").first())


@login_required
def kiosk(request, key):
    """The page the instrument's QR code opens: check in and out of one's booking there, now."""
    instrument = get_object_or_404(Instrument.objects.select_related("platform"), key=valid_key_or_404(key))
    now = timezone.now()
    if request.method == "POST":
        booking = _kiosk_booking(request.user, instrument, now)
        action = request.POST.get("action")
        if booking is None or action not in ("in", "out"):
            messages.error(request, _("You have no booking of this instrument now."))
            return redirect("facility:kiosk", key)
        return attempt(request, lambda: (usage.check_in if action == "in" else usage.check_out)(
            actor=request.user, booking=booking, now=now), _("Checked in.") if action == "in" else _("Checked out."),
            redirect("facility:kiosk", key), refusals=(BookingError,), forbidden=(NotAllowed,))
    if request.method != "GET":
        raise PermissionDenied
    booking = _kiosk_booking(request.user, instrument, now)
    record = getattr(booking, "usage", None) if booking else None
    return render(request, "facility/kiosk.html", {
        "instrument": instrument, "booking": booking, "usage": record,
        "manager": booking_permissions.can_manage_instrument(request.user, instrument),
        "early": usage.EARLY_CHECK_IN_MINUTES})


@login_required
@require_GET
def kiosk_qr(request, key):
    """The QR code to print and stick on the instrument (SVG): it opens the kiosk page."""
    from django.http import HttpResponse

    from guichet.events.qr import qr_svg

    instrument = _managed(request, key)
    url = request.build_absolute_uri(reverse("facility:kiosk", args=[instrument.key]))
    return HttpResponse(qr_svg(url, size_px=480), content_type="image/svg+xml")


def _managed(request, key) -> Instrument:
    instrument = get_object_or_404(Instrument.objects.select_related("platform"), key=valid_key_or_404(key))
    if not booking_permissions.can_manage_instrument(request.user, instrument):
        raise PermissionDenied
    return instrument


def _usage_page(request, instrument, *, rule_form=None, usage_form=None, status=200):
    from guichet.platforms.models import CustomerCategory

    month = params.month_param(request.GET, "month", label=_("month")) or (timezone.localdate().year,
                                                                            timezone.localdate().month)
    rows = selectors.month_usage(instrument, *month)
    rule = usage.rule_for(instrument)
    category = request.GET.get("category") or CustomerCategory.ACADEMIC
    if category not in CustomerCategory.values:
        raise params.BadParameter(_("Choose a price list."), "category")
    for row in rows:
        row["charge"] = usage.charge(row["booking"], category, rule)
    return render(request, "facility/usage.html", {
        "instrument": instrument, "rows": rows, "rule": rule, "year": month[0], "month": month[1],
        "rule_form": rule_form or BillingRuleForm(instance=rule if rule.pk else None,
                                                  initial=None if rule.pk else {"mode": rule.mode}),
        "usage_form": usage_form, "category": category, "categories": CustomerCategory.choices,
        "series_list": selectors.instrument_series(instrument),
        "total": sum((r["charge"].total for r in rows), Decimal("0.00"))}, status=status)


@login_required
@require_GET
def usage_page(request, key):
    return _usage_page(request, _managed(request, key))


@login_required
@require_POST
def billing_rule(request, key):
    instrument = _managed(request, key)
    return attempt_form(
        request, BillingRuleForm(request.POST),
        lambda data: usage.billing_rule_save(actor=request.user, instrument=instrument, **data),
        _("Rules saved."), redirect("facility:usage", key),
        lambda form: _usage_page_again(request, instrument, rule_form=form), refusals=())


@login_required
@require_POST
def usage_correct(request, key):
    instrument = _managed(request, key)

    def correct(data):
        booking = Booking.objects.filter(pk=data["booking"], instrument=instrument).first()
        if booking is None:
            raise Http404
        usage.usage_correct(actor=request.user, booking=booking, checked_in_at=data["checked_in_at"],
                            checked_out_at=data["checked_out_at"], reason=data["reason"])
        return booking

    return attempt_form(
        request, UsageForm(request.POST), correct, _("Usage corrected."),
        lambda booking: f"{reverse('facility:usage', args=[key])}?month={booking.start:%Y-%m}",
        lambda form: _usage_page_again(request, instrument, usage_form=form),
        refusals=(BookingError,), forbidden=(NotAllowed,))


def _usage_page_again(request, instrument, **form):
    """The usage page with a form's errors, said first (the message shows on this very page)."""
    messages.error(request, _("Nothing was saved: see the errors below."))
    return _usage_page(request, instrument, status=400, **form)


# --- incidents (issue 13, item 4) -----------------------------------------------------------------------


def _incidents_page(request, instrument, form=None, status=200):
    from .models import Incident

    log = list(Incident.objects.filter(instrument=instrument).select_related("declared_by")
               .prefetch_related("offers")[:100])
    return render(request, "facility/incidents.html", {
        "instrument": instrument, "incidents": log, "open": next((i for i in log if i.ended_at is None), None),
        "form": form or IncidentForm()}, status=status)


@login_required
@require_GET
def incidents(request, key):
    return _incidents_page(request, _managed(request, key))


@login_required
@require_POST
def incident_declare(request, key):
    instrument = _managed(request, key)
    form = IncidentForm(request.POST)
    return attempt_form(
        request, form,
        lambda data: incidents_service.incident_declare(actor=request.user, instrument=instrument,
                                                        description=data["description"],
                                                        expected_back_at=form.expected_back_at),
        lambda incident: _incident_told(incident.offers.count()), redirect("facility:incidents", instrument.key),
        lambda form: _incidents_page(request, instrument, form, status=400),
        refusals=(BookingError,), forbidden=(NotAllowed,), fields={"expected_back_at": "back_day"})


def _incident_told(told: int) -> str:
    return ngettext("Incident declared: %(n)d booking cancelled, its holder told.",
                    "Incident declared: %(n)d bookings cancelled, their holders told.", told) % {"n": told}


@login_required
@require_POST
def incident_end(request, pk):
    from .models import Incident

    incident = get_object_or_404(Incident.objects.select_related("instrument__platform"), pk=pk)
    instrument = _managed(request, incident.instrument.key)
    return attempt(request, lambda: incidents_service.incident_end(actor=request.user, incident=incident),
                   _("The instrument is back: the incident is over."), redirect("facility:incidents", instrument.key),
                   refusals=(BookingError,))


@login_required
@require_GET
def incident_offer(request, pk):
    offer = selectors.incident_offer_for(request.user, pk)
    return render(request, "facility/incident_offer.html", {
        "offer": offer, "incident": offer.incident, "slots": list(enumerate(incidents_service.offer_slots(offer)))})


@login_required
@require_POST
def incident_offer_take(request, pk):
    offer = selectors.incident_offer_for(request.user, pk)
    try:
        index = int(request.POST.get("slot", ""))
    except ValueError:
        index = -1
    return attempt(request, lambda: incidents_service.offer_take(actor=request.user, offer=offer, index=index),
                   _booked_on, redirect("facility:incident_offer", pk), refusals=(BookingError,),
                   then=lambda _booking: redirect("bookings:mine"))
