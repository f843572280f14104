"""A participant's meetings as a calendar (core.ics)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from guichet.core import ics


def meetings_calendar(meetings, *, name: str) -> bytes:
    cal = ics.calendar(name)
    for meeting in meetings:
        item = ics.timed_item("meeting", meeting.pk, meeting.slot.start, meeting.slot.end,
                              summary=_("Meeting with %(name)s") % {"name": str(meeting.other)},
                              path=reverse("partnering:day", args=[meeting.event.key]))
        item.add("location", _("Table %(n)s") % {"n": meeting.table.number})
        cal.add_component(item)
    return cal.to_ical()
