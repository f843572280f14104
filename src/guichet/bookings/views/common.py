"""What the bookings pages share: the instrument of a URL and the slot a form asks for."""

from datetime import datetime, timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone

from guichet.core import bounds
from guichet.core.workdays import PARIS
from guichet.directory.selectors import valid_key_or_404
from guichet.platforms.models import Instrument


def instrument_or_404(key) -> Instrument:
    valid_key_or_404(key)
    return get_object_or_404(Instrument.objects.select_related("platform__organization"), key=key)


MINUTES_PER_DAY = 24 * 60  # a booking lies within one day (check_rules)


def slot_posted(post, instrument: Instrument) -> tuple[datetime, datetime] | None:
    """The slot a booking or waitlist form asks for (`start`, `duration` in minutes), Paris time when naive;
    None when either is missing or out of bounds. Bounded before any arithmetic (year 9999 plus an hour, or a
    duration of 10**12 minutes, was a 500)."""
    try:
        start = datetime.fromisoformat(post["start"])
        minutes = int(post.get("duration", instrument.min_duration))
    except (KeyError, ValueError):
        return None
    if not bounds.EARLIEST_DATE <= start.date() <= bounds.LATEST_DATE or not 0 < minutes <= MINUTES_PER_DAY:
        return None
    start = start if timezone.is_aware(start) else start.replace(tzinfo=PARIS)
    return start, start + timedelta(minutes=minutes)

