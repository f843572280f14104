"""Recurrence rules (RFC 5545 RRULE, read and expanded by python-dateutil) for booking series.

A series repeats a Paris wall-clock time: 10:00 stays 10:00 across the DST change, so the rule is
expanded on naive local times and each occurrence is then placed in Europe/Paris and stored in UTC.
"""

import re
from datetime import UTC, date, datetime, time, timedelta

from dateutil import rrule
from django.utils.translation import gettext as _

from guichet.core.workdays import PARIS

# Two years of a weekly slot: what a platform plans ahead (instruments' maximum advance is 90 days by
# default); beyond it a series is refused rather than expanded without end.
MAX_OCCURRENCES = 104
MAX_INTERVAL = 52  # every year at most
# A series ends within three years of its first day (two years of weekly slots, with room for an every-two-
# weeks series): beyond that, instruments' rules and rates will have changed.
HORIZON_DAYS = 3 * 366
RULE_MAX = 300  # the stored RRULE text
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # ISO order: 1 = Monday
FREQUENCIES = {"DAILY": rrule.DAILY, "WEEKLY": rrule.WEEKLY, "MONTHLY": rrule.MONTHLY}
# Parts that would put two occurrences on one day (or move the time of day): a series books one slot a day.
REFUSED_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS", "BYYEARDAY", "BYWEEKNO")
ALLOWED_PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST")
BYDAY_ITEM = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


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
    unknown = [p for p in parts if p not in ALLOWED_PARTS]
    if unknown:
        raise RuleError(_("This recurrence rule cannot be read: %(part)s.") % {"part": ", ".join(unknown)[:100]})
    if not parts.get("INTERVAL", "1").isdigit() or not 1 <= int(parts.get("INTERVAL", "1")) <= MAX_INTERVAL:
        raise RuleError(_("Repeat every 1 to %(n)d weeks.") % {"n": MAX_INTERVAL})
    if "COUNT" in parts and (not parts["COUNT"].isdigit() or not 1 <= int(parts["COUNT"]) <= MAX_OCCURRENCES):
        raise RuleError(_("A series has 1 to %(n)d occurrences.") % {"n": MAX_OCCURRENCES}, "count")
    if "BYDAY" in parts and not all(BYDAY_ITEM.match(d) for d in parts["BYDAY"].split(",")):
        raise RuleError(_("This recurrence rule cannot be read: %(part)s.") % {"part": "BYDAY=" + parts["BYDAY"][:80]})
    if ("COUNT" in parts) == ("UNTIL" in parts):
        raise RuleError(_("End the series on a date (UNTIL) or after a number of occurrences (COUNT)."))
    if "UNTIL" in parts:
        until = parts["UNTIL"].rstrip("Z")
        parts["UNTIL"] = until if "T" in until else until + "T235959"  # a date: that whole day, Paris time
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _until(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%S")
    except ValueError:
        raise RuleError(_("This recurrence rule cannot be read: %(part)s.") % {"part": f"UNTIL={value}"}) from None


def occurrences(rule: str, first_start: datetime) -> list[datetime]:
    """The starts of the series in UTC: the rule expanded from `first_start`'s Paris wall-clock time.
    More than MAX_OCCURRENCES, or an end beyond HORIZON_DAYS, is refused. The rule is expanded up to an
    UNTIL of our own (never to the year 9999: a rule that matches no day, say 30 February, would search
    that long), and COUNT is applied to what it gives."""
    parts = dict(item.split("=", 1) for item in normalize(rule).split(";"))
    local = first_start.astimezone(PARIS).replace(tzinfo=None)
    horizon = local + timedelta(days=HORIZON_DAYS)
    count = int(parts.pop("COUNT")) if "COUNT" in parts else None
    until = _until(parts["UNTIL"]) if "UNTIL" in parts else horizon
    if until > horizon:
        raise RuleError(_("A series ends within %(n)d days of its first day.") % {"n": HORIZON_DAYS}, "until")
    parts["UNTIL"] = f"{until:%Y%m%dT%H%M%S}"
    try:
        expanded = rrule.rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=local, forceset=False)
        starts = list(expanded)
    except (ValueError, TypeError, OverflowError) as exc:
        raise RuleError(_("This recurrence rule cannot be read: %(part)s.") % {"part": str(exc)[:100]}) from None
    if count is not None:
        if len(starts) < count:
            raise RuleError(_("A series ends within %(n)d days of its first day.") % {"n": HORIZON_DAYS}, "count")
        starts = starts[:count]
    if len(starts) > MAX_OCCURRENCES:
        raise RuleError(_("A series has 1 to %(n)d occurrences.") % {"n": MAX_OCCURRENCES}, "count")
    if not starts:
        raise RuleError(_("This rule gives no occurrence after the first start."))
    return [v.replace(tzinfo=PARIS).astimezone(UTC) for v in starts]


def describe_weekdays(rule: str) -> list[int]:
    """The ISO weekdays a weekly rule names (for the form shown again)."""
    byday = _parts(rule).get("BYDAY", "")
    return [WEEKDAYS.index(d[-2:]) + 1 for d in byday.split(",") if d[-2:] in WEEKDAYS]


def local_time(value: datetime) -> time:
    return value.astimezone(PARIS).time()
