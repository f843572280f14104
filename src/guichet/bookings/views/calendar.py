"""An instrument's week, booking a slot, a member's bookings, and the approvals of a platform's managers."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core import bounds, params
from guichet.core.actions import attempt
from guichet.core.errors import Refused
from guichet.core.workdays import PARIS
from guichet.groups import selectors as group_selectors

from .. import permissions, selectors, services
from ..models import Booking
from .common import SlotRefused, instrument_or_404, slot_posted


def _week(request) -> date:
    """The Monday of the week asked for (this week by default); a bad or out-of-bounds date is a 400."""
    day = params.day_param(request.GET, "week", label=_("week")) or timezone.localdate()
    return selectors.week_start(day)


def calendar(request, key):
    """Week view of one instrument: free and busy slots; a trained member books a free one."""
    instrument = instrument_or_404(key)
    return calendar_page(request, instrument, _week(request))


# The booking form's fields, by the name a refusal gives them (a service says "end" where the form asks a duration).
BOOKING_FORM_FIELDS = {"start": "start", "end": "duration", "duration": "duration", "cost_centre": "cost_centre",
                       "project": "project"}


def calendar_page(request, instrument, monday: date, *, refused: Exception | None = None):
    """The calendar page; after a refused booking or waitlist form, the same week again with the refusal beside the
    field it names (the slots, the duration, the cost centre, the project) and what was chosen kept."""
    user = request.user
    manager = permissions.can_manage_instrument(user, instrument)
    trained = user.is_authenticated and (manager or services.is_trained(user, instrument))
    durations = list(range(instrument.min_duration, instrument.max_duration + 1, instrument.slot_minutes))
    errors = {BOOKING_FORM_FIELDS[refused.field]: str(refused)} if refused is not None else {}
    posted = request.POST if refused is not None else {}
    return render(request, "bookings/calendar.html", {
        "instrument": instrument, "columns": selectors.week_grid(instrument, monday, user, timezone.now()),
        "monday": monday, "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7),
        "manager": manager, "trained": trained, "can_book": permissions.can_book(user),
        "durations": durations, "managers": instrument.platform.managers.all(),
        "projects": group_selectors.projects_chargeable(user, platform=instrument.platform,
                                                        on=timezone.localdate()),
        "errors": errors, "chosen": {name: posted.get(name, "") for name in ("duration", "cost_centre", "project")},
    })


def refused_on_calendar(request, instrument, exc: Exception, back: str):
    """A refused booking or waitlist form: beside its field on the week posted when the refusal names one of the
    form's fields, else (a rule about the account or the instrument) the page's message, as before."""
    if getattr(exc, "field", "") in BOOKING_FORM_FIELDS:
        return calendar_page(request, instrument, _posted_week(request), refused=exc)
    messages.error(request, str(exc))
    return redirect(back)


def _posted_week(request) -> date:
    """The week the form was posted from (its hidden `week`), else the slot's, else this week."""
    for text in (request.POST.get("week"), (request.POST.get("start") or "")[:10]):
        try:
            day = date.fromisoformat((text or "").strip())
        except ValueError:
            continue
        if bounds.date_error(day, planned=True) is None:
            return selectors.week_start(day)
    return selectors.week_start(timezone.localdate())


@login_required
@require_POST
def book(request, key):
    instrument = instrument_or_404(key)
    try:
        start, end = slot_posted(request.POST, instrument)
    except SlotRefused as exc:
        return refused_on_calendar(request, instrument, exc, reverse("bookings:calendar", args=[key]))
    back = f"{reverse('bookings:calendar', args=[key])}?week={start.date().isoformat()}"
    project = None
    if request.POST.get("project"):  # --- groups (issue 12) --- only a project the member may charge
        project = group_selectors.projects_chargeable(request.user, platform=instrument.platform).filter(
            pk=params.id_param(request.POST, "project") or 0).first()
        if project is None:
            return refused_on_calendar(request, instrument, services.BookingError(
                _("Choose a project you may charge for this platform."), "project"), back)
    return attempt(
        request, lambda: services.booking_create(actor=request.user, instrument=instrument, start=start, end=end,
                                                 cost_centre=request.POST.get("cost_centre", ""), project=project),
        lambda booking: _("Booked: %(when)s.") % {"when": booking.start.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")}
        if booking.status == "confirmed" else _("Your booking waits for the platform's approval."),
        back, answers={Refused: lambda exc: refused_on_calendar(request, instrument, exc, back)})


@login_required
def mine(request):
    return render(request, "bookings/mine.html", selectors.my_bookings(request.user, timezone.now()))


@login_required
@require_POST
def cancel(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("instrument__platform"), pk=pk)
    if not permissions.is_booking_party(request.user, booking):
        raise Http404
    return attempt(
        request,
        lambda: services.booking_cancel(actor=request.user, booking=booking),
        _("Booking cancelled."),
        redirect(params.safe_next(request, "bookings:mine")))


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
    return attempt(request, lambda: services.booking_decide(actor=request.user, booking=booking,
                                                            approve=decision == "1"),
                   lambda done: (_("Booking approved: %(booking)s.") if decision == "1"
                                 else _("Booking refused: %(booking)s.")) % {"booking": done},
                   "bookings:approvals",
                   refusals=(services.BookingError,), forbidden=(services.NotAllowed,))
