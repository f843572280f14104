"""Recurrence rules (RFC 5545 RRULE, read and expanded by python-dateutil) for booking series.

A series repeats a Paris wall-clock time: 10:00 stays 10:00 across the DST change, so the rule is
expanded on naive local times and each occurrence is then placed in Europe/Paris and stored in UTC.
"""

from datetime import UTC, date, datetime, time

from dateutil import rrule
from django.utils.translation import gettext as _

from guichet.core.workdays import PARIS

# Two years of a weekly slot: what a platform plans ahead (instruments' maximum advance is 90 days by
# default); beyond it a series is refused rather than expanded without end.
MAX_OCCURRENCES = 104
MAX_INTERVAL = 52  # every year at most
RULE_MAX = 300  # the stored RRULE text
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # ISO order: 1 = Monday
FREQUENCIES = {"DAILY": rrule.DAILY, "WEEKLY": rrule.WEEKLY, "MONTHLY": rrule.MONTHLY}
# Parts that would put two occurrences on one day (or move the time of day): a series books one slot a day.
REFUSED_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS", "BYYEARDAY", "BYWEEKNO")


class RuleError(ValueError):
    """A recurrence rule that cannot be used, with a translated message naming what is wrong."""

    def __init__(self, message, field="rule"):
        super().__init__(message)
        self.field = field


def build_rule(*, interval: int = 1, weekdays=(), until: date | None = None, count: int | None = None) -> str:
    """The RRULE of "every `interval` weeks on `weekdays` (ISO numbers), until a date or `count` times"."""
    if not 1 <= interval <= MAX_INTERVAL:
        raise RuleError(_("Repeat every 1 to %(n)d weeks.") % {"n": MAX_INTERVAL}, "interval")
    days = sorted({int(d) for d in weekdays})
    if not days or not all(1 <= d <= 7 for d in days):
        raise RuleError(_("Choose at least one day of the week."), "weekdays")
    if (until is None) == (count is None):
        raise RuleError(_("End the series on a date or after a number of occurrences."), "until")
    parts = ["FREQ=WEEKLY", f"INTERVAL={interval}", "BYDAY=" + ",".join(WEEKDAYS[d - 1] for d in days)]
    if count is not None:
        if not 1 <= count <= MAX_OCCURRENCES:
            raise RuleError(_("A series has 1 to %(n)d occurrences.") % {"n": MAX_OCCURRENCES}, "count")
        parts.append(f"COUNT={count}")
    else:
        parts.append(f"UNTIL={until:%Y%m%d}T235959")
    return ";".join(parts)


def _parts(rule: str) -> dict:
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or len(text) > RULE_MAX:
        raise RuleError(_("Give a recurrence rule (RFC 5545 RRULE) of at most %(n)d characters.") % {"n": RULE_MAX})
    parts = {}
    for item in text.split(";"):
        name, _sep, value = item.partition("=")
        if not name or not value:
            raise RuleError(_("This recurrence rule cannot be read: %(part)s.") % {"part": item or ";"})
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def normalize(rule: str) -> str:
    """The rule as stored: checked (frequency, an end, no intra-day parts), upper-case, without `RRULE:`."""
    parts = _parts(rule)
    if parts.get("FREQ") not in FREQUENCIES:
        raise RuleError(_("A series repeats daily, weekly or monthly (FREQ=DAILY, WEEKLY or MONTHLY)."))
    refused = [p for p in REFUSED_PARTS if p in parts]
    if refused:
        raise RuleError(_("A series books one slot a day at one time: %(parts)s cannot be used.")
                        % {"parts": ", ".join(refused)})
    if ("COUNT" in parts) == ("UNTIL" in parts):
        raise RuleError(_("End the series on a date (UNTIL) or after a number of occurrences (COUNT)."))
    if "UNTIL" in parts:
        until = parts["UNTIL"].rstrip("Z")
        parts["UNTIL"] = until if "T" in until else until + "T235959"  # a date: that whole day, Paris time
    return ";".join(f"{k}={v}" for k, v in parts.items())


def occurrences(rule: str, first_start: datetime) -> list[datetime]:
    """The starts of the series in UTC: the rule expanded from `first_start`'s Paris wall-clock time.
    More than MAX_OCCURRENCES is refused."""
    text = normalize(rule)
    local = first_start.astimezone(PARIS).replace(tzinfo=None)
    try:
        expanded = rrule.rrulestr(text, dtstart=local, forceset=False)
        starts = []
        for value in expanded:
            if len(starts) == MAX_OCCURRENCES:
                raise RuleError(_("A series has 1 to %(n)d occurrences.") % {"n": MAX_OCCURRENCES}, "count")
            starts.append(value)
    except RuleError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise RuleError(_("This recurrence rule cannot be read: %(part)s.") % {"part": str(exc)[:100]}) from None
    if not starts:
        raise RuleError(_("This rule gives no occurrence after the first start."))
    return [v.replace(tzinfo=PARIS).astimezone(UTC) for v in starts]


def describe_weekdays(rule: str) -> list[int]:
    """The ISO weekdays a weekly rule names (for the form shown again)."""
    byday = _parts(rule).get("BYDAY", "")
    return [WEEKDAYS.index(d[-2:]) + 1 for d in byday.split(",") if d[-2:] in WEEKDAYS]


def local_time(value: datetime) -> time:
    return value.astimezone(PARIS).time()
