from django.http import Http404
from django.shortcuts import get_object_or_404

from guichet.bookings.models import Booking

from . import permissions
from .models import BookingSeries, WaitlistEntry


def series_for(user, pk: int) -> BookingSeries:
    """The series, to its booker and the instrument's managers; 404 to anyone else (same as not existing)."""
    series = get_object_or_404(BookingSeries.objects.select_related("instrument__platform", "user"), pk=pk)
    if not permissions.can_see_series(user, series):
        raise Http404
    return series


def series_bookings(series: BookingSeries) -> list[Booking]:
    return list(Booking.objects.filter(series_occurrence__series=series).select_related("instrument__platform")
                .order_by("start"))


def series_of_user(user, limit: int = 50) -> list[BookingSeries]:
    return list(BookingSeries.objects.filter(user=user).select_related("instrument").order_by("-created_at")[:limit])


def entry_for(user, pk: int) -> WaitlistEntry:
    """A waitlist entry, to the member waiting only (404 to anyone else)."""
    entry = get_object_or_404(WaitlistEntry.objects.select_related("instrument__platform"), pk=pk)
    if not user.is_authenticated or entry.user_id != user.pk:
        raise Http404
    return entry


def waitlist_of_user(user, limit: int = 50) -> list[WaitlistEntry]:
    return list(WaitlistEntry.objects.filter(user=user, status__in=WaitlistEntry.LIVE)
                .select_related("instrument").order_by("start")[:limit])


def month_usage(instrument, year: int, month: int) -> list[dict]:
    """The instrument's bookings of a month (Paris time) with their usage, for the managers' usage page."""
    from datetime import date, datetime

    from guichet.core.workdays import PARIS

    first = datetime.combine(date(year, month, 1), datetime.min.time(), PARIS)
    after = datetime.combine(date(year + month // 12, month % 12 + 1, 1), datetime.min.time(), PARIS)
    bookings = (Booking.objects.filter(instrument=instrument, kind=Booking.Kind.BOOKING, start__gte=first,
                                       start__lt=after).select_related("user", "usage", "instrument")
                .order_by("start"))
    return [{"booking": b} for b in bookings]


def instrument_series(instrument, limit: int = 100) -> list[BookingSeries]:
    """The instrument's series with an occurrence still to come, for its managers' usage page."""
    from django.utils import timezone

    return list(BookingSeries.objects.filter(instrument=instrument, occurrences__booking__start__gt=timezone.now(),
                                             occurrences__booking__status__in=Booking.LIVE)
                .select_related("user").distinct().order_by("first_start")[:limit])


# --- invoices (issue 13, item 7) ---
def invoices_visible_to(user):
    from .models import Invoice

    return (Invoice.objects.filter(pk__in=Invoice.objects.filter(permissions.invoices_visible_q(user)).values("pk"))
            .select_related("organization", "corrects").order_by("-issued_at", "-pk"))


def invoice_for(user, pk: int):
    """An invoice to whoever may read it; 404 to anyone else (the same as not existing)."""
    found = invoices_visible_to(user).filter(pk=pk).prefetch_related("lines__platform", "credit_notes").first()
    if found is None:
        raise Http404
    return found


# --- incidents (issue 13, item 4) ---
def incident_offer_for(user, pk: int):
    """An incident's offer, to the member it was made to only (404 to anyone else)."""
    from .models import IncidentOffer

    offer = get_object_or_404(IncidentOffer.objects.select_related("incident__instrument__platform", "cancelled"),
                              pk=pk)
    if not user.is_authenticated or offer.user_id != user.pk:
        raise Http404
    return offer


def incident_offers_of_user(user, limit: int = 20):
    from .models import IncidentOffer

    return list(IncidentOffer.objects.filter(user=user, status=IncidentOffer.Status.OPEN)
                .select_related("incident__instrument", "cancelled").order_by("-id")[:limit])


# --- orders with their sample-form answers in the API (issue 13, item 5) ---
def own_orders(user):
    """The service orders the user placed (not those of the platforms they manage), with their answers."""
    from guichet.bookings.models import ServiceOrder

    if not user.is_authenticated:
        return ServiceOrder.objects.none()
    return (ServiceOrder.objects.filter(requester=user).select_related("service__platform")
            .prefetch_related("sample_answers").order_by("-created_at", "-id"))
