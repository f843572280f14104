"""A participant's meetings as an RFC 5545 calendar."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from guichet.events.ics import PARIS, _calendar, _host


def meetings_calendar(meetings, *, name: str) -> bytes:
    cal = _calendar(name)
    for meeting in meetings:
        item = Event()
        item.add("uid", f"meeting-{meeting.pk}@{_host()}")
        item.add("dtstamp", timezone.now())
        item.add("dtstart", meeting.slot.start.astimezone(PARIS))
        item.add("dtend", meeting.slot.end.astimezone(PARIS))
        item.add("summary", _("Meeting with %(name)s") % {"name": str(meeting.other)})
        item.add("location", _("Table %(n)s") % {"n": meeting.table.number})
        path = reverse("partnering:day", args=[meeting.event.key])
        item.add("url", f"{settings.SITE_URL.rstrip('/')}{path}")
        cal.add_component(item)
    return cal.to_ical()
