"""The calendar of a member's bookings or of an instrument (core.ics)."""

from django.urls import reverse

from guichet.core import ics
from guichet.core.workdays import PARIS


def calendar_of(bookings, *, name: str, show_owner) -> bytes:
    cal = ics.calendar(name)
    for booking in bookings:
        title = booking.instrument.name
        if booking.kind == booking.Kind.BLACKOUT:
            title += " — maintenance"
        elif show_owner(booking):
            title += f" — {booking.user.get_full_name()}"
        # The link opens the instrument's week of the booking.
        week = booking.start.astimezone(PARIS).date().isoformat()
        item = ics.timed_item("booking", booking.pk, booking.start, booking.end, summary=title,
                              path=f"{reverse('bookings:calendar', args=[booking.instrument.key])}?week={week}")
        item.add("location", booking.instrument.platform.name)
        item.add("status", "TENTATIVE" if booking.status == booking.Status.REQUESTED else "CONFIRMED")
        cal.add_component(item)
    return cal.to_ical()
