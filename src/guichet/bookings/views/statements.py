"""Monthly statements (a member's organizations, every organization for staff) and a platform's usage."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.core import exports, params
from guichet.directory.models import Organization
from guichet.directory.selectors import valid_key_or_404
from guichet.platforms.models import CustomerCategory, Platform, ServiceUnit

from .. import permissions, selectors


def _month(request) -> tuple[int, int]:
    """The month asked for (this month by default); a bad or out-of-bounds month is a 400."""
    asked = params.month_param(request.GET, "month", label=_("month"))
    if asked:
        return asked
    today = timezone.localdate()
    return today.year, today.month


def _statement_scope(request):
    """(the organization shown, or None for every one; those the user may choose among, or None for all)."""
    own = selectors.statement_organizations(request.user)
    key = request.GET.get("organization", "")
    if key:
        org = get_object_or_404(Organization, key=valid_key_or_404(key))
        if own is not None and not own.filter(pk=org.pk).exists():
            raise Http404
        return org
    if own is not None:
        org = own.first()
        if org is None:
            raise PermissionDenied
        return org
    return None


STATEMENT_COLUMNS = [("organization", gettext_lazy("Organization")), ("cost_centre", gettext_lazy("Cost centre")),
                     ("kind", gettext_lazy("Kind")), ("date", gettext_lazy("Date")), ("label", gettext_lazy("Label")),
                     ("quantity", gettext_lazy("Quantity")), ("unit", gettext_lazy("Unit")), ("unit_price", gettext_lazy("Unit price")),
                     ("amount", gettext_lazy("Amount")), ("price_list", gettext_lazy("Price list")),
                     ("project", gettext_lazy("Project"))]  # --- groups (issue 12) ---
STATEMENT_LINE_KINDS = {"booking": gettext_lazy("Booking"), "service": gettext_lazy("Service"),
                        "consumable": gettext_lazy("Consumable")}  # --- consumables (issue 13, item 6) ---


def _statement_export(fmt, stem, period, lines, totals, grand):
    """The statement as CSV or XLSX: translated headers and labels, amounts as numbers (core.exports)."""
    units, categories = dict(ServiceUnit.choices), dict(CustomerCategory.choices)
    rows = [[x.organization, x.cost_centre, STATEMENT_LINE_KINDS.get(x.kind, x.kind), x.date, x.label, x.quantity,
             units.get(x.unit, x.unit), x.unit_price, x.amount, categories.get(x.category, x.category), x.project]
            for x in lines]
    if fmt == "csv":
        rows += [[org, centre, _("Total"), "", "", "", "", "", total, "", ""]
                 for (org, centre), total in sorted(totals.items())]
        rows.append(["", "", _("Grand total"), "", "", "", "", "", grand, "", ""])
        return exports.csv_response(f"{stem}.csv", STATEMENT_COLUMNS, rows)
    first, last = 3, len(rows) + 2  # rows 1 and 2 are the headers
    rows += [[], [_("Total"), "", "", "", "", "", "", "",
                  exports.Formula(f"=SUM(I{first}:I{last})") if lines else 0]]
    return exports.xlsx_response(f"{stem}.xlsx", [exports.Sheet(
        period, STATEMENT_COLUMNS, rows, widths={"organization": 24, "label": 40, "date": 17},
        number_formats={"amount": "#,##0.00", "unit_price": "#,##0.00"})])


@login_required
def statement(request, fmt="html"):
    year, month = _month(request)
    organization = _statement_scope(request)
    lines = selectors.statement_lines(year, month, organization)
    totals = selectors.statement_totals(lines)
    grand = sum(totals.values(), Decimal("0.00"))
    stem = f"guichet-statement-{year}-{month:02d}" + (f"-{organization.key}" if organization else "")
    if fmt in ("csv", "xlsx"):
        return _statement_export(fmt, stem, f"{year}-{month:02d}", lines, totals, grand)
    return render(request, "bookings/statement.html", {
        "lines": lines, "totals": sorted(totals.items()), "grand": grand, "year": year, "month": month,
        "organization": organization, "choices": selectors.statement_choices(request.user),
        "month_value": f"{year}-{month:02d}"})


@login_required
def usage(request, key):
    valid_key_or_404(key)
    platform = get_object_or_404(Platform, key=key)
    if not permissions.can_manage_platform(request.user, platform):
        raise PermissionDenied
    year, month = _month(request)
    report = selectors.usage_report(platform, year, month)
    for row in report["rows"]:
        # the bar's share of its track, in percent: the chart is HTML text beside a stretched bar, so its words
        # keep their size at any width (a 700-unit SVG wrote them 6 px tall at 390 px, issue 15)
        row["bar"] = int(min(row["utilization"], Decimal(100)))
    return render(request, "bookings/usage.html", {"platform": platform, "report": report, "year": year,
                                                   "month": month, "month_value": f"{year}-{month:02d}"})
