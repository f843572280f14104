"""Working days in France (weekends and public holidays excluded), for response deadlines."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def day_start(day: date) -> datetime:
    """The first instant of a day in Paris: where a KPI's period or "as of" date begins."""
    return datetime.combine(day, time.min, PARIS)


def day_end(day: date) -> datetime:
    """The last instant of a day in Paris: a figure "as of" a date counts all of that day."""
    return datetime.combine(day, time.max, PARIS)


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@lru_cache(maxsize=64)
def french_holidays(year: int) -> frozenset[date]:
    e = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return frozenset([date(year, m, d) for m, d in fixed] +
                     [e + timedelta(days=1), e + timedelta(days=39), e + timedelta(days=50)])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in french_holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The same local time `days` working days later (end of that day's office hours when start is off-day)."""
    local = start.astimezone(PARIS)
    day = local.date()
    if not is_working_day(day):
        local = datetime.combine(day, time(18, 0), PARIS)
    added = 0
    while added < days:
        day += timedelta(days=1)
        if is_working_day(day):
            added += 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), PARIS)
