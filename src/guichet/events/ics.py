"""The calendar of event sessions (core.ics)."""

from django.urls import reverse

from guichet.core import ics


def sessions_calendar(sessions, *, name: str) -> bytes:
    cal = ics.calendar(name)
    for session in sessions:
        item = ics.timed_item("session", session.pk, session.start, session.end,
                              summary=f"{session.event.title} — {session.title}",
                              path=reverse("events:detail", args=[session.event.key]))
        location = session.room.resource.name if session.room_id else session.event.venue
        if location:
            item.add("location", location)
        item.add("status", "CANCELLED" if session.event.status == "cancelled" else "CONFIRMED")
        cal.add_component(item)
    return cal.to_ical()
