"""The indicators the organizations declare in the yearly campaigns (declarations app), validated figures only.

A declaration counts once the cluster team has validated it, on or before the as-of date; its figures belong
to the campaign's year, so "in the period" means the campaigns whose year falls in the period's years. Each
indicator also says how much of it is validated: `coverage()` gives, per indicator, the declarations validated
and the declarations received (sent on or before the as-of date) that hold a figure for it.
"""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from guichet.core.workdays import day_end
from guichet.declarations.models import Campaign, Declaration

from . import aggregates

ZERO = Decimal("0.00")

# KPI key → (the figure it reads, how it adds up). "latest": per organization, its latest validated year.
FIGURE_OF = {
    "declared_headcount": ("headcount", "latest"),
    "jobs_created_in_period": ("jobs_created", "sum"),
    "jobs_maintained_in_period": ("jobs_maintained", "sum"),
    "cofunding_public_in_period": ("funds_public_eur", "sum"),
    "cofunding_private_in_period": ("funds_private_eur", "sum"),
    "publications_in_period": ("publications", "sum"),
    "declared_patents_in_period": ("patents", "sum"),
    "declared_trials_in_period": ("trials", "sum"),
    "declared_people_trained_in_period": ("people_trained", "sum"),
    "companies_implanted_in_period": ("implanted", "count_true"),
    "partner_satisfaction": ("satisfaction", "mean"),
}
LEVERAGE = {"leverage_public": "funds_public_eur", "leverage_private": "funds_private_eur"}

LABELS = {
    "declared_headcount": _("Headcount declared by member organizations (latest validated year)"),
    "jobs_created_in_period": _("Jobs created (validated declarations, years of the period)"),
    "jobs_maintained_in_period": _("Jobs maintained (validated declarations, years of the period)"),
    "cofunding_public_in_period": _("Public co-funding raised (EUR, validated declarations)"),
    "cofunding_private_in_period": _("Private co-funding raised (EUR, validated declarations)"),
    "leverage_public": _("Leverage: public co-funding per euro of the cluster's own funding"),
    "leverage_private": _("Leverage: private co-funding per euro of the cluster's own funding"),
    "publications_in_period": _("Publications acknowledging a platform (validated declarations)"),
    "declared_patents_in_period": _("Patent applications declared by members (validated declarations)"),
    "declared_trials_in_period": _("Clinical trials declared by members (validated declarations)"),
    "declared_people_trained_in_period": _("People trained declared by members (validated declarations)"),
    "companies_implanted_in_period": _("Companies set up in the territory (validated declarations)"),
    "partner_satisfaction": _("Partner satisfaction (mean score out of 5, validated answers)"),
}

METHODS = {
    "declared_headcount": _("Per organization, the headcount of its latest validated declaration for a year up to "
                            "the period's end, summed."),
    "jobs_created_in_period": _("Sum of the jobs created declared for the years of the period, validated declarations "
                                "only (validated on or before the as-of date)."),
    "jobs_maintained_in_period": _("Sum of the jobs maintained (neither created nor lost in the year) declared for the "
                                   "years of the period, validated declarations only."),
    "cofunding_public_in_period": _("Sum of the public co-funding (grants, public calls) declared for the years of the "
                                    "period, validated declarations only."),
    "cofunding_private_in_period": _("Sum of the private co-funding (industry contracts, private investors) declared "
                                     "for the years of the period, validated declarations only."),
    "leverage_public": _("Public co-funding above, divided by the cluster's own funding of the same campaigns (the "
                         "campaign's field); empty when no campaign of the period states it."),
    "leverage_private": _("Private co-funding above, divided by the cluster's own funding of the same campaigns; "
                          "empty when no campaign of the period states it."),
    "publications_in_period": _("Sum of the publications acknowledging a platform of the cluster, declared for the "
                                "years of the period, validated declarations only."),
    "declared_patents_in_period": _("Sum of the patent applications declared for the years of the period, validated "
                                    "declarations only (beside those the offices record in Guichet)."),
    "declared_trials_in_period": _("Sum of the clinical trials started declared for the years of the period, "
                                   "validated declarations only."),
    "declared_people_trained_in_period": _("Sum of the people trained declared for the years of the period, "
                                           "validated declarations only (beside Guichet's own trainings)."),
    "companies_implanted_in_period": _("Validated declarations of the years of the period that say the organization "
                                       "set up in the territory that year."),
    "partner_satisfaction": _("Mean of the satisfaction scores (1 to 5) of the validated declarations of the years "
                              "of the period that answered the survey."),
}


def _in_period(start: date, end: date):
    return Declaration.objects.filter(campaign__year__gte=start.year, campaign__year__lte=end.year)


def _validated(as_of: date, start: date, end: date):

    return _in_period(start, end).filter(status=Declaration.Status.VALIDATED, validated_at__lte=day_end(as_of))


def compute(as_of: date, start: date, end: date) -> dict:

    end = min(end, as_of)
    validated = _validated(as_of, start, end)
    v = {}
    sums = validated.aggregate(**{key: Sum(field) for key, (field, how) in FIGURE_OF.items() if how == "sum"},
                               implanted=Count("pk", filter=Q(implanted=True)),
                               satisfaction=Avg("satisfaction"))
    for key, (field, how) in FIGURE_OF.items():
        if how == "sum":
            total = sums[key]
            v[key] = (Decimal(total) if total is not None else ZERO) if field.endswith("_eur") else (total or 0)
    v["companies_implanted_in_period"] = sums["implanted"] or 0
    v["partner_satisfaction"] = round(float(sums["satisfaction"]), 1) if sums["satisfaction"] is not None else None
    # Per organization, its latest validated year up to the period's end (not only the period's years). On
    # PostgreSQL one DISTINCT ON read (a correlated subquery took 8 s at 200,000 declarations, bench/
    # impact_bench.py); elsewhere the rows in order, the last one per organization kept.
    counted = (Declaration.objects.filter(status=Declaration.Status.VALIDATED, validated_at__lte=day_end(as_of),
                                          headcount__isnull=False, campaign__year__lte=end.year)
               .order_by("organization_id", "-campaign__year", "-validated_at", "-pk"))
    if connection.vendor == "postgresql":
        v["declared_headcount"] = aggregates.over(counted.distinct("organization_id").values("headcount"),
                                                  "coalesce(sum(headcount), 0)")[0]
    else:
        latest = {}
        for org, headcount in counted.values_list("organization_id", "headcount"):
            latest.setdefault(org, headcount)
        v["declared_headcount"] = sum(latest.values())
    funding = Campaign.objects.filter(year__gte=start.year, year__lte=end.year, cluster_funding_eur__gt=0,
                                      opened_at__lte=day_end(as_of)).aggregate(s=Sum("cluster_funding_eur"))["s"]
    for key, field in LEVERAGE.items():
        raised = v["cofunding_public_in_period" if field == "funds_public_eur" else "cofunding_private_in_period"]
        v[key] = round(float(Decimal(raised) / Decimal(funding)), 2) if funding else None
    return v


def coverage(as_of: date, start: date, end: date) -> dict:
    """Per indicator: (validated declarations holding its figure, declarations received holding it)."""

    end = min(end, as_of)
    received = _in_period(start, end).filter(submitted_at__lte=day_end(as_of))
    ok = Q(status=Declaration.Status.VALIDATED, validated_at__lte=day_end(as_of))
    fields = {key: field for key, (field, _how) in FIGURE_OF.items()} | LEVERAGE
    holds = {key: Q(implanted=True) if field == "implanted" else Q(**{f"{field}__isnull": False})
             for key, field in fields.items()}
    counts = received.aggregate(**{f"n_{key}": Count("pk", filter=q) for key, q in holds.items()},
                                **{f"ok_{key}": Count("pk", filter=q & ok) for key, q in holds.items()})
    return {key: (counts[f"ok_{key}"], counts[f"n_{key}"]) for key in fields}
