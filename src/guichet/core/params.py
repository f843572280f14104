"""Query parameters parsed into bounded values: a bad one is a 400 with a translated message naming it.

Dates are held within core.bounds' outer dates, so that no arithmetic on them (the week after, the end
of the month, the instant in UTC) can leave Python's calendar (issue 9: `week=9999-12-31` was a 500).
"""

from datetime import date

from django.core.exceptions import BadRequest
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import bounds


class BadParameter(BadRequest):
    """A query parameter Guichet cannot use; the message is translated and names the parameter."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def _outside(value: str, label: str) -> BadParameter:
    return BadParameter(_("%(label)s: “%(value)s” is outside the dates Guichet covers (%(first)s to %(last)s).")
                        % {"label": label, "value": value, "first": date_format(bounds.EARLIEST_DATE, "DATE_FORMAT"),
                           "last": date_format(bounds.LATEST_DATE, "DATE_FORMAT")}, label)


def check_day(day: date, *, field: str, label: str = "") -> date:
    if not bounds.EARLIEST_DATE <= day <= bounds.LATEST_DATE:
        exc = _outside(day.isoformat(), label or field)
        exc.field = field
        raise exc
    return day


def day_param(query, name: str, *, label: str = "") -> date | None:
    """The date in query[name] (YYYY-MM-DD), None when absent; BadParameter when unreadable or out of bounds."""
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw[:10]) if len(raw) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadParameter(_("%(label)s: “%(value)s” is not a date (write it YYYY-MM-DD).")
                           % {"label": label or name, "value": raw[:40]}, name)
    return check_day(day, field=name, label=label)


def month_param(query, name: str = "month", *, label: str = "") -> tuple[int, int] | None:
    """(year, month) from query[name] (YYYY-MM), None when absent; BadParameter when unreadable or out of bounds."""
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    try:
        year, month = (int(x) for x in raw.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise BadParameter(_("%(label)s: “%(value)s” is not a month (write it YYYY-MM).")
                           % {"label": label or name, "value": raw[:40]}, name) from None
    if not bounds.EARLIEST_DATE <= first <= bounds.LATEST_DATE:
        exc = _outside(raw, label or name)
        exc.field = name
        raise exc
    return year, month


def safe_next(request, default: str) -> str:
    """The `next` address of a form, when it stays on this site; else the default (no open redirect)."""
    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return resolve_url(default)


def text_error(value: str, *, max_length: int, label: str) -> str | None:
    """The same limit as the API's schema and the database column, said instead of silently cutting; and no NUL
    character, which PostgreSQL cannot store in a text column (its refusal would be a 500; a page's form refuses
    it already, but a JSON body of the API can carry one)."""
    if value is not None and len(value) > max_length:
        return _("%(label)s: at most %(max)d characters (this one has %(n)d).") % {
            "label": label, "max": max_length, "n": len(value)}
    if value is not None and "\x00" in value:
        return _("%(label)s: contains a NUL character, which cannot be stored; remove it.") % {"label": label}
    return None


def page_param(query, paginator, name: str = "page"):
    """The page query[name] of a paginator (1 when absent); BadParameter when it is not one of its page numbers,
    rather than silently showing another page (Django's get_page)."""
    raw = (query.get(name) or "").strip()
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None if raw else 1
    if number is None or not 1 <= number <= paginator.num_pages:
        raise BadParameter(_("Page: “%(value)s” is not a page number (1 to %(last)d).")
                           % {"value": raw[:40], "last": paginator.num_pages}, name)
    return paginator.page(number)


def id_param(query, name: str) -> int | None:
    """The record id in `query[name]` (a GET or POST), or None when absent or not an id: ASCII digits only and
    within a database key (`str.isdigit` also accepts "²" and "٣", which `int` refuses, and any length, which the
    database refuses), so a forged value answers as a missing one, never a 500."""
    from .api_types import MAX_ID

    raw = str(query.get(name, "") or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 19 and int(raw) <= MAX_ID else None


def year_param(query, name: str = "year", *, label: str = "") -> int | None:
    """The year in query[name] (four ASCII digits within the dates Guichet covers), None when absent;
    BadParameter naming the parameter otherwise (a select box's value forged or mistyped)."""
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) == 4 and bounds.EARLIEST_DATE.year <= int(raw) <= bounds.LATEST_DATE.year:
        return int(raw)
    raise BadParameter(_("%(label)s: “%(value)s” is not a year (%(first)d to %(last)d).")
                       % {"label": label or name, "value": raw[:40], "first": bounds.EARLIEST_DATE.year,
                          "last": bounds.LATEST_DATE.year}, name)


def choice_param(query, name: str, choices, *, label: str = "") -> str | None:
    """query[name] when it is one of `choices` (a select box's values), None when absent; BadParameter naming the
    parameter otherwise."""
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    if raw in choices:
        return raw
    raise BadParameter(_("%(label)s: “%(value)s” is not one of the choices offered.")
                       % {"label": label or name, "value": raw[:40]}, name)
