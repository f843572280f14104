"""The "companies implanted" indicator fed by hosting contracts, as of any past date: a contract counts on
the days from its start to its (possibly shortened) end; one cancelled (entered by mistake) never counts."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from . import selectors

LABELS = {
    "companies_hosted": _("Companies implanted on the site (hosting contracts on the date)"),
    "hosted_surface_m2": _("Surface let to companies on the date (m²)"),
}
METHODS = {
    "companies_hosted": _("Distinct directory organizations holding at least one hosting contract (office or "
                          "lab bench) on the “as of” date: started on or before it, ending on or after it, not "
                          "cancelled. A contract ended early counts up to its new last day."),
    "hosted_surface_m2": _("Sum of the surfaces of the hosting contracts that hold on the “as of” date."),
}


def figures(*, as_of: date, start: date, end: date) -> dict:
    rows = selectors.occupancy(as_of)
    return {"companies_hosted": len(selectors.companies_hosted(as_of)),
            "hosted_surface_m2": sum((r.let_m2 for r in rows), selectors.ZERO)}
