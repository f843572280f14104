"""What the bookings pages share: the instrument of a URL and the slot a form asks for."""

from datetime import datetime, timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.core import bounds
from guichet.core.workdays import PARIS
from guichet.directory.selectors import valid_key_or_404
from guichet.platforms.models import Instrument


def instrument_or_404(key) -> Instrument:
    valid_key_or_404(key)
    return get_object_or_404(Instrument.objects.select_related("platform__organization"), key=key)


MINUTES_PER_DAY = 24 * 60  # a booking lies within one day (check_rules)


class SlotRefused(ValueError):
    """The slot a form posted cannot be read; the message names the field (`field`: "start", the slot, or
    "duration"), and the calendar shows it beside that field."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def slot_posted(post, instrument: Instrument) -> tuple[datetime, datetime]:
    """The slot a booking or waitlist form asks for (`start`, `duration` in minutes), Paris time when naive.
    Raises SlotRefused naming what is wrong: no slot, a slot that is no date, out of bounds (year 9999 plus an
    hour was a 500), or a duration that is no number or not within a day (10**12 minutes was a 500)."""
    text = (post.get("start") or "").strip()
    if not text:
        raise SlotRefused(_("Slot: choose a free time in the calendar."), "start")
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise SlotRefused(_("Slot: “%(value)s” is not a date and time.") % {"value": text[:40]}, "start") from None
    if message := bounds.date_error(start.date(), planned=True):
        raise SlotRefused(_("Slot: %(reason)s") % {"reason": message}, "start")
    try:
        minutes = int(post.get("duration", instrument.min_duration))
    except ValueError:
        raise SlotRefused(_("Duration: give a whole number of minutes."), "duration") from None
    if not 0 < minutes <= MINUTES_PER_DAY:
        raise SlotRefused(_("Duration: choose between %(min)d and %(max)d minutes.") % {
            "min": instrument.min_duration, "max": instrument.max_duration}, "duration")
    start = start if timezone.is_aware(start) else start.replace(tzinfo=PARIS)
    return start, start + timedelta(minutes=minutes)

