"""RFC 5545 calendars (icalendar), the one shape of every feed Guichet serves: bookings, event sessions,
partnering meetings. Times in Europe/Paris with its zone written in, each item a stable UID and an absolute
link on the address the site is served at (GUICHET_SITE_URL)."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from .workdays import PARIS


def calendar(name: str) -> Calendar:
    """An empty calendar named `name`, with the Paris zone's rules from two years back to three ahead."""
    cal = Calendar()
    cal.add("prodid", "-//Guichet//Marseille Immunology Biocluster//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    today = timezone.localdate()
    cal.add_component(Timezone.from_tzinfo(PARIS, first_date=today.replace(year=today.year - 2, day=1),
                                           last_date=today.replace(year=today.year + 3, day=1)))
    return cal


def timed_item(kind: str, pk: int, start, end, *, summary: str, path: str) -> Event:
    """One item from `start` to `end`: UID `<kind>-<pk>@<site host>`, its summary, a link to `path`."""
    host = settings.SITE_URL.split("//")[-1].split("/")[0]
    item = Event()
    item.add("uid", f"{kind}-{pk}@{host}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", start.astimezone(PARIS))
    item.add("dtend", end.astimezone(PARIS))
    item.add("summary", summary)
    item.add("url", f"{settings.SITE_URL.rstrip('/')}{path}")
    return item
