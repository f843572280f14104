"""RFC 5545 calendars of event sessions (and, later, partnering meetings), with the Europe/Paris zone."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

PARIS = ZoneInfo("Europe/Paris")


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Guichet//Marseille Immunology Biocluster//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    today = timezone.localdate()
    cal.add_component(Timezone.from_tzinfo(PARIS, first_date=today.replace(year=today.year - 2, day=1),
                                           last_date=today.replace(year=today.year + 3, day=1)))
    return cal


def _host() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0]


def sessions_calendar(sessions, *, name: str) -> bytes:
    cal = _calendar(name)
    for session in sessions:
        item = Event()
        item.add("uid", f"session-{session.pk}@{_host()}")
        item.add("dtstamp", timezone.now())
        item.add("dtstart", session.start.astimezone(PARIS))
        item.add("dtend", session.end.astimezone(PARIS))
        item.add("summary", f"{session.event.title} — {session.title}")
        location = session.room.resource.name if session.room_id else session.event.venue
        if location:
            item.add("location", location)
        path = reverse("events:detail", args=[session.event.key])
        item.add("url", f"{settings.SITE_URL.rstrip('/')}{path}")
        item.add("status", "CANCELLED" if session.event.status == "cancelled" else "CONFIRMED")
        cal.add_component(item)
    return cal.to_ical()
