"""Bounds on every figure Guichet stores and publishes: amounts, headcounts, values and dates.

One place for the numbers, each with where it comes from. Forms, API schemas, the pipelines workbook and
the services check them (each refusal names the field); a database CHECK constraint stands behind each
(the constraints cannot read today's date, so they hold the fixed outer bounds and the code holds "not in
the future"); the KPIs leave out, rather than crash on, any stored row outside them.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Nothing the cluster counts predates 1990: its oldest members' start-ups and contracts are from the 1990s,
# and a date before that is a typing error (1900 is a spreadsheet's empty date).
EARLIEST_DATE = date(1990, 1, 1)
# Outer bound the database checks (a CHECK constraint cannot use today's date); the code is stricter.
LATEST_DATE = date(2100, 12, 31)
# Where the future is meaningful (a planned milestone), this far ahead at most.
PLANNED_YEARS = 10
# 10 billion euros: above the largest private biotech round ever raised (about 3 billion); a start-up of
# the programme raises thousands to tens of millions, so anything above is a typing error.
MAX_FUNDING_ROUND_EUR = Decimal("10000000000")
# 10 billion euros: the largest pharma licensing deals reach a few billion euros with all their milestones.
MAX_PARTNERSHIP_VALUE_EUR = Decimal("10000000000")
# Above 50 million euros a partnership is exceptional for the cluster's members: it still counts, once
# confirmed, but it is listed for staff to check (issue 9: one typed value can dwarf every other figure).
PARTNERSHIP_VALUE_OUTLIER_EUR = Decimal("50000000")
# 100,000 people: the payroll of one of the largest pharma groups worldwide; an organization of the
# cluster declares from one to a few thousand.
MAX_HEADCOUNT = 100_000
# Targets are counts or euro amounts of the whole cluster: a thousand billion is far beyond any of them.
MAX_TARGET_VALUE = Decimal("1000000000000")
EARLIEST_TARGET_YEAR, LATEST_TARGET_YEAR = 2000, 2100
# A service order counts samples, hours or plates: 100,000 of them is more than a platform delivers in years.
MAX_ORDER_QUANTITY = Decimal("100000")
# The dearest platform service (a GMP production batch) costs tens of thousands of euros: a million per unit
# is far above, and keeps every quote line's amount within its column.
MAX_UNIT_PRICE_EUR = Decimal("1000000")


def latest_past_date() -> date:
    """What has happened (a round, a headcount, a stage, a founding) happened today at the latest."""
    return timezone.localdate()


def latest_planned_date() -> date:
    today = timezone.localdate()
    return today.replace(year=today.year + PLANNED_YEARS) if not (today.month == 2 and today.day == 29) else \
        date(today.year + PLANNED_YEARS, 2, 28)


def date_error(day: date | None, *, planned: bool = False) -> str | None:
    """A translated reason when the date is outside its bounds, else None."""
    if day is None:
        return None
    latest = latest_planned_date() if planned else latest_past_date()
    if day < EARLIEST_DATE or day > latest:
        return _("Give a date between %(first)s and %(last)s.") % {
            "first": date_format(EARLIEST_DATE, "DATE_FORMAT"), "last": date_format(latest, "DATE_FORMAT")}
    return None


def amount_error(value, maximum: Decimal) -> str | None:
    """A translated reason when the amount is not a number between 0 and the maximum, to the cent."""
    if value is None:
        return None
    try:
        value = Decimal(str(value))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        return _("Give a number.")
    if value < 0 or value > maximum or value != value.quantize(Decimal("0.01")):
        return _("Give an amount between 0 and %(max)s EUR, to the cent.") % {"max": f"{maximum:,.0f}".replace(",", " ")}
    return None


def count_error(value, maximum: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > maximum:
        return _("Give a whole number between 0 and %(max)s.") % {"max": f"{maximum:,}".replace(",", " ")}
    return None


# --- the same bounds, for forms (validators) and models (CHECK constraints) ------------------------------

def past_date_validator(day):
    from django.core.exceptions import ValidationError

    message = date_error(day)
    if message:
        raise ValidationError(message, code="date_bounds")


def planned_date_validator(day):
    from django.core.exceptions import ValidationError

    message = date_error(day, planned=True)
    if message:
        raise ValidationError(message, code="date_bounds")


def date_in_bounds(field: str) -> Q:
    return Q(**{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_DATE})


def amount_in_bounds(field: str, maximum: Decimal) -> Q:
    return Q(**{f"{field}__gte": 0, f"{field}__lte": maximum})



# --- hosting spaces (issue 13) ---
# A space's or a contract's surface: the cluster's largest buildings are a few thousand m² (CIPHE 3,500 m²,
# HalioDx's Luminy site 6,188 m², /work/shared/ecosystem-facts.md); 100,000 m² leaves room for a campus.
MAX_SURFACE_M2 = Decimal("100000")
# A monthly rent: a whole building let at several hundred euros per m² and year stays below it.
MAX_MONTHLY_RENT_EUR = Decimal("1000000")
