"""RFC 5545 calendars of bookings, with the Europe/Paris time zone, built with the icalendar library."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

PARIS = ZoneInfo("Europe/Paris")


def calendar_of(bookings, *, name: str, show_owner) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Guichet//Marseille Immunology Biocluster//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    today = timezone.localdate()
    cal.add_component(Timezone.from_tzinfo(PARIS, first_date=today.replace(year=today.year - 2, day=1),
                                           last_date=today.replace(year=today.year + 3, day=1)))
    host = settings.SITE_URL.split("//")[-1].split("/")[0]
    for booking in bookings:
        event = Event()
        event.add("uid", f"booking-{booking.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", booking.start.astimezone(PARIS))
        event.add("dtend", booking.end.astimezone(PARIS))
        title = booking.instrument.name
        if booking.kind == booking.Kind.BLACKOUT:
            title += " — maintenance"
        elif show_owner(booking):
            title += f" — {booking.user.get_full_name()}"
        event.add("summary", title)
        event.add("location", booking.instrument.platform.name)
        # An absolute link to the instrument's week, on the address the site is served at (GUICHET_SITE_URL).
        week = booking.start.astimezone(PARIS).date().isoformat()
        path = reverse("bookings:calendar", args=[booking.instrument.key])
        event.add("url", f"{settings.SITE_URL.rstrip('/')}{path}?week={week}")
        event.add("status", "TENTATIVE" if booking.status == booking.Status.REQUESTED else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
