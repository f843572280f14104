"""The cluster's KPIs, computed from the data (never typed in), for a period and as of any past date.

Histories are kept (stage changes, headcount declarations, rounds), so a KPI "as of" a date only reads what
was true then. `public=True` leaves out what the public may not see (private and members-only programmes).

Every KPI reads only rows whose figures are within `core.bounds` (the database checks them, but a row
stored before the constraints, or behind their back, must never take a page down nor inflate a figure):
such rows are left out here and listed for staff by `out_of_bounds()`.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractYear, Lag
from django.utils.translation import gettext_lazy as _

from guichet.bookings.models import Booking, QuoteLine, ServiceOrder, booked_hours
from guichet.bookings.selectors import BILLED, booked_amount
from guichet.core import bounds
from guichet.core.workdays import day_end, day_start
from guichet.desk.models import Need
from guichet.directory.models import PRIVATE_KINDS, PUBLIC_KINDS, Organization
from guichet.partnerships.models import Partnership, PartnershipStageChange, Stage
from guichet.partnerships.selectors import signed_by
from guichet.platforms.models import Instrument, kind_category
from guichet.programmes.models import STAGE_ORDER, Indication, Programme, ProgrammeStageChange, Visibility
from guichet.startups.models import FundingRound, Headcount, Startup

from . import aggregates
from .models import Target

ZERO = Decimal("0.00")


@dataclass
class Report:
    as_of: date
    start: date
    end: date
    values: dict = field(default_factory=dict)   # KPI key -> number
    series: dict = field(default_factory=dict)   # chart key -> list of (label, number) or dict
    method: str = ""
    methods: dict = field(default_factory=dict)  # KPI key -> how it is computed (the transfer indicators)




def members_by_kind(as_of: date) -> dict[str, int]:
    # Counted by the database (reading 100,000 kinds into Python took a second, bench/impact_bench.py).
    return dict(Organization.objects.filter(created_at__lte=day_end(as_of)).order_by().values("kind")
                .annotate(n=Count("pk")).values_list("kind", "n"))


def startups_by_year(as_of: date) -> dict[int, int]:
    # Counted per year by the database, not one founding date per start-up read into Python.
    return dict(Startup.objects.filter(bounds.date_in_bounds("founded_on"), founded_on__lte=as_of).order_by()
                .annotate(year=ExtractYear("founded_on")).values("year").annotate(n=Count("pk"))
                .order_by("year").values_list("year", "n"))


def jobs(as_of: date) -> int:
    """Sum, over organizations, of the latest validated headcount each declared on or before the date. A founder's
    figure counts once the cluster team validated it, from its validation (issue 11), so the past reads the same."""
    sane = Headcount.objects.filter(bounds.date_in_bounds("on"), headcount__lte=bounds.MAX_HEADCOUNT,
                                    validated_at__lte=day_end(as_of))
    if connection.vendor == "postgresql":
        # One DISTINCT ON read (one headcount per organization and day: the same rows as the subquery below,
        # which took 3 s at 200,000 headcounts), summed by the database (bench/impact_bench.py).
        latest = (sane.filter(on__lte=as_of).order_by("organization_id", "-on").distinct("organization_id")
                  .values("headcount"))
        return aggregates.over(latest, "coalesce(sum(headcount), 0)")[0]
    latest = (sane.filter(organization=OuterRef("organization"), on__lte=as_of).order_by("-on").values("on")[:1])
    total = sane.filter(on__lte=as_of, on=Subquery(latest)).aggregate(n=Sum("headcount"))["n"]
    return total or 0


def jobs_coverage(as_of: date) -> tuple[int, int]:
    """How much of `jobs` is validated: (organizations whose latest headcount on or before the date is validated
    by then, organizations that declared one); a founder's newer figure waiting for the team shows here, one the
    team returned does not."""
    done = day_end(as_of)
    # A figure the team returned (by then) is not declared any more: the organization's previous one stands.
    declared = Headcount.objects.filter(Q(returned_at__isnull=True) | Q(returned_at__gt=done),
                                        bounds.date_in_bounds("on"), headcount__lte=bounds.MAX_HEADCOUNT, on__lte=as_of)
    if connection.vendor == "postgresql":  # one DISTINCT ON read, counted by the database, as `jobs` does
        latest = declared.order_by("organization_id", "-on").distinct("organization_id").values("validated_at")
        ok, n = aggregates.over(latest, "count(*) FILTER (WHERE validated_at <= %s), count(*)", (done,))
        return ok, n
    newest = declared.filter(organization=OuterRef("organization")).order_by("-on").values("on")[:1]
    counts = declared.filter(on=Subquery(newest)).aggregate(ok=Count("pk", filter=Q(validated_at__lte=done)),
                                                            n=Count("pk"))
    return counts["ok"], counts["n"]


def _rounds(start: date | None, end: date):
    qs = FundingRound.objects.filter(bounds.amount_in_bounds("amount_eur", bounds.MAX_FUNDING_ROUND_EUR),
                                     bounds.date_in_bounds("on"), on__lte=end)
    return qs.filter(on__gte=start) if start else qs


def funds_raised(start: date | None, end: date, as_of: date | None = None) -> Decimal:
    """Rounds dated in the period, validated by the cluster team on or before the as-of date (issue 11: a
    founder's figure counts once validated, from its validation, so the past reads the same later)."""
    return funds_figures(start, end, as_of or end)["in_period"]


def funds_coverage(start: date | None, end: date, as_of: date | None = None) -> tuple[int, int]:
    """How much of `funds_raised` is validated: (rounds validated by the as-of date, rounds declared then and not
    returned); a founder's round waiting for the team shows here."""
    return funds_figures(start, end, as_of or end)["in_period_coverage"]


def funds_figures(start: date | None, end: date, as_of: date) -> dict:
    """`funds_raised` and `funds_coverage` to the as-of date and in the period, summed and counted by the database
    in one read (four reads, one of them every amount summed in Python, before: bench/impact_bench.py)."""
    known = day_end(as_of)
    validated, declared = Q(validated_at__lte=known), Q(returned_at__isnull=True) | Q(returned_at__gt=known)
    to_date = Q(on__lte=as_of)
    period = Q(on__lte=end) & (Q(on__gte=start) if start else Q())
    row = _rounds(None, max(end, as_of)).aggregate(
        total=Sum("amount_eur", filter=to_date & validated), in_period=Sum("amount_eur", filter=period & validated),
        total_ok=Count("pk", filter=to_date & declared & validated), total_n=Count("pk", filter=to_date & declared),
        period_ok=Count("pk", filter=period & declared & validated), period_n=Count("pk", filter=period & declared))
    return {"total": _cents(row["total"]), "in_period": _cents(row["in_period"]),
            "total_coverage": (row["total_ok"], row["total_n"]),
            "in_period_coverage": (row["period_ok"], row["period_n"])}


def _cents(total) -> Decimal:
    # SQLite sums decimals as floats: back to the cent (PostgreSQL's sum is exact)
    return ZERO if total is None else Decimal(total).quantize(ZERO, ROUND_HALF_UP)


def partnership_figures(as_of: date, start: date, end: date) -> dict:
    """The signed partnerships' figures as of the date, all counted by the database in one query: those counted
    (confirmed by their other parties or the cluster team) in total, in the period, public-private, their value
    and per year of first signature; and those declared (signed, confirmed or not), for the validated share.

    A partnership is signed on its first change to a signed stage on or before the date; public-private when its
    parties include a public and a private organization.
    """
    # The parties counted by kind over the same join (two EXISTS per partnership scanned every organization of
    # the kind: twice as slow at 100,000 organizations, bench/impact_bench.py).
    signed = signed_by(as_of).annotate(n_public=Count("parties", filter=Q(parties__kind__in=PUBLIC_KINDS)),
                                       n_private=Count("parties", filter=Q(parties__kind__in=PRIVATE_KINDS)))
    counted = Q(confirmed_at__isnull=False)  # a member's record counts once the other parties confirm it
    period = Q(signed__gte=start, signed__lte=end)
    years = range(bounds.EARLIEST_DATE.year, as_of.year + 1)
    row = signed.aggregate(
        total=Count("pk", filter=counted), in_period=Count("pk", filter=counted & period),
        public_private=Count("pk", filter=counted & Q(n_public__gt=0, n_private__gt=0)),
        value=Sum("value_eur", filter=counted), declared=Count("pk"), declared_in_period=Count("pk", filter=period))
    # Per year of first signature, grouped by the database (a filtered count per year compiled 40 expressions:
    # most of this function's time, bench/impact_bench.py).
    counts = dict(aggregates.grouped(signed_by(as_of).filter(counted).annotate(year=ExtractYear("signed"))
                                     .values("year"), "year, count(*)", "year"))
    per_year = [(y, counts.get(y, 0)) for y in years]
    while len(per_year) > 1 and not per_year[0][1]:  # from the first year with a signature, zeros kept after it
        per_year.pop(0)
    return {"total": row["total"], "in_period": row["in_period"], "public_private": row["public_private"],
            "value": row["value"] if row["value"] is not None else ZERO, "per_year": per_year,
            "declared": row["declared"], "declared_in_period": row["declared_in_period"]}


def platform_usage(start: date, end: date) -> tuple[Decimal, Decimal]:
    """Hours booked and revenue (booked hours at the hourly rates, delivered orders) in the period."""
    return platform_usages([(start, end)])[0]


def platform_usages(periods: list[tuple[date, date]]) -> list[tuple[Decimal, Decimal]]:
    """`platform_usage` for each period, in one read of the bookings and one of the orders.

    A booking's hours and price depend only on its instrument, its organization's kind and its length, so the
    database counts the bookings of each (instrument, kind, length) in each period and only those groups are
    priced here, each booking at the cent as `booked_amount` prices it (rows walked in Python, then one read per
    period: bench/impact_bench.py)."""
    bounds_of = [(day_start(start), day_end(end)) for start, end in periods]
    low, high = min(b[0] for b in bounds_of), max(b[1] for b in bounds_of)
    length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
    groups = list(Booking.objects.filter(kind=Booking.Kind.BOOKING, status__in=BILLED, end__gte=low, end__lte=high)
                  .annotate(length=length).order_by()
                  .values_list("instrument_id", "organization__kind", "length")
                  .annotate(**{f"n{i}": Count("pk", filter=Q(end__gte=a, end__lte=b))
                               for i, (a, b) in enumerate(bounds_of)}))
    instruments = Instrument.objects.in_bulk({instrument_id for instrument_id, *_ in groups})
    usage = [[ZERO, ZERO] for _ in periods]
    for instrument_id, kind, booked, *counts in groups:
        each = booked_hours(booked)
        price = booked_amount(instruments[instrument_id], each, kind_category(kind))
        for i, n in enumerate(counts):
            usage[i][0] += each * n
            usage[i][1] += price * n
    orders = QuoteLine.objects.filter(order__status=ServiceOrder.Status.DELIVERED, order__delivered_at__gte=low,
                                      order__delivered_at__lte=high).aggregate(
        **{f"s{i}": Sum("amount", filter=Q(order__delivered_at__gte=a, order__delivered_at__lte=b))
           for i, (a, b) in enumerate(bounds_of)})
    for i, (hours, revenue) in enumerate(usage):
        total = orders[f"s{i}"]
        if total is not None:  # SQLite sums decimals as floats: back to the cent
            revenue += Decimal(total).quantize(ZERO, ROUND_HALF_UP)
        usage[i] = (hours, revenue)
    return usage


def desk_figures(start: date, end: date) -> tuple[int, float | None]:
    """Requests answered in the period, and the median first-response time (hours) of those: the database
    counts them and reads only the middle one or two response times, in order."""
    answered = Need.objects.filter(first_response_at__gte=day_start(start), first_response_at__lte=day_end(end))
    n = answered.count()
    if not n:
        return 0, None
    waits = (answered.annotate(wait=ExpressionWrapper(F("first_response_at") - F("created_at"),
                                                      output_field=DurationField()))
             .order_by("wait").values_list("wait", flat=True))
    middle = [w.total_seconds() / 3600 for w in waits[(n - 1) // 2:n // 2 + 1]]
    return n, round(statistics.median(middle), 1)


def programmes(as_of: date, start: date, end: date, public: bool):
    """Programmes by stage as of the date (overall and by therapeutic area), and the stage advances made
    in the period (a change to a later stage than the one before it)."""
    qs = Programme.objects.all()
    if public:
        qs = qs.filter(visibility=Visibility.PUBLIC)
    latest = (ProgrammeStageChange.objects.filter(programme=OuterRef("pk"), on__lte=as_of)
              .order_by("-on", "-id").values("stage")[:1])
    stage_of = dict(qs.annotate(current=Subquery(latest)).exclude(current=None).values_list("pk", "current"))
    by_stage = Counter(stage_of.values())
    by_area_stage = defaultdict(Counter)
    areas = defaultdict(set)
    # The programmes' ids as a subquery, not a list of a thousand literals (which PostgreSQL planned badly).
    for pk, area in Indication.objects.filter(programme_id__in=qs.values("pk")).values_list("programme_id",
                                                                                            "therapeutic_area"):
        areas[pk].add(area)
    for pk, stage in stage_of.items():
        for area in areas.get(pk) or {"other"}:
            by_area_stage[area][stage] += 1
    # An advance: a change in the period to a later stage than the programme's change before it (in the order of
    # the histories, by date then id), counted by the database over each history with the previous change's rank
    # beside it (a programme with a change in the period has a stage as of the date: it is in `stage_of`).
    until = min(end, as_of)
    rank = Case(*[When(stage=s, then=Value(i)) for i, s in enumerate(STAGE_ORDER)], default=Value(None),
                output_field=IntegerField())
    changes = (ProgrammeStageChange.objects.filter(programme_id__in=qs.values("pk"), on__lte=until)
               .annotate(stage_rank=rank, prev_rank=Window(Lag(rank), partition_by=[F("programme_id")],
                                                           order_by=[F("on").asc(), F("id").asc()]),
                         in_period=Case(When(on__gte=start, then=Value(1)), default=Value(0),
                                        output_field=IntegerField()))
               .order_by().values("stage_rank", "prev_rank", "in_period"))
    advances = aggregates.over(changes, "coalesce(sum(CASE WHEN in_period = 1 AND stage_rank > prev_rank "
                                        "THEN 1 ELSE 0 END), 0)")[0]
    return dict(by_stage), advances, {a: dict(c) for a, c in by_area_stage.items()}


METHOD = _("Economic impact = funds raised by the programme's start-ups (all rounds to date) + value of the "
           "partnerships signed (contract values to date) + platform revenue (booked hours at their rates and "
           "delivered services, to date). Nothing else is added: no multiplier, no estimate of indirect effects.")


# How each economic figure is computed, and from which validated records (issue 11: every figure with its stated
# method), shown beside it on the dashboard and in the annual report.
METHODS = {
    "jobs": _("Sum, over the organizations, of the latest headcount each declared on or before the date, counting "
              "only headcounts validated by the cluster team by then (a founder's figure waiting for validation or "
              "returned for correction counts nowhere; the organization's previous validated figure stands)."),
    "funds_raised_total": _("Sum of the funding rounds dated on or before the date that the cluster team validated "
                            "by then (rounds declared by founders and not yet validated, or returned, are left out; "
                            "the team's own entries and imports stand validated)."),
    "funds_raised_in_period": _("The same validated funding rounds, those dated within the period."),
    "partnerships_signed_total": _("Partnerships that reached a signed stage (signed, active or completed) on or "
                                   "before the date, counting only those confirmed by each other party or by the "
                                   "cluster team; each counts in the period of its first signature, even when "
                                   "confirmed later. The validated share is confirmed of declared signed."),
    "partnerships_signed_in_period": _("The same confirmed partnerships, those whose first signature falls within "
                                       "the period (the date of the signed stage, not that of the confirmation)."),
    "public_private_share": _("Share of the confirmed signed partnerships whose parties include both a public "
                              "organization (lab, hospital, training, public authority) and a private one (company, "
                              "start-up, investor)."),
    "partnerships_value_total": _("Sum of the contract values of the confirmed signed partnerships, as recorded."),
    "platform_hours": _("Hours of the bookings of the platforms' instruments that ended within the period and were "
                        "confirmed, completed or not shown up for (cancelled ones are left out)."),
    "platform_revenue": _("Those hours at the platforms' hourly rates for each customer's category, plus the quotes "
                          "of the service orders delivered within the period."),
    "economic_impact": _("Validated funding rounds to date + value of the confirmed signed partnerships + platform "
                         "revenue to date (bookings and delivered orders). No multiplier, no indirect effects; the "
                         "validated share counts the founders' rounds and the members' partnerships."),
}


def compute(*, as_of: date | None = None, start: date | None = None, end: date | None = None,
            public: bool = False) -> Report:
    as_of = as_of or date.today()
    end = min(end or as_of, as_of)
    start = start or date(end.year, 1, 1)
    report = Report(as_of=as_of, start=start, end=end, method=str(METHOD),
                    methods={k: str(m) for k, m in METHODS.items()})
    v, s = report.values, report.series
    kinds = members_by_kind(as_of)
    v["members"] = sum(kinds.values())
    s["members_by_kind"] = sorted(kinds.items())
    per_year = startups_by_year(as_of)
    v["startups_total"] = sum(per_year.values())
    v["startups_in_period"] = sum(1 for _ in _startups_between(start, end))
    cumulative, running = [], 0
    for year in range(min(per_year, default=as_of.year), as_of.year + 1):
        running += per_year.get(year, 0)
        cumulative.append((year, running))
    s["startups_per_year"] = [(y, per_year.get(y, 0)) for y, _ in cumulative]
    s["startups_cumulative"] = cumulative
    v["jobs"] = jobs(as_of)
    funds = funds_figures(start, end, as_of)
    v["funds_raised_total"], v["funds_raised_in_period"] = funds["total"], funds["in_period"]
    signed = partnership_figures(as_of, start, end)
    v["partnerships_signed_total"] = signed["total"]
    v["partnerships_signed_in_period"] = signed["in_period"]
    v["public_private_share"] = (round(100 * signed["public_private"] / signed["total"], 1)
                                 if signed["total"] else 0.0)
    v["partnerships_value_total"] = signed["value"]
    s["partnerships_per_year"] = signed["per_year"]  # years without a signature show as zero
    s["partnership_funnel"] = _funnel(as_of)
    (hours, revenue), (_all_hours, all_revenue) = platform_usages([(start, end), (date(2000, 1, 1), as_of)])
    v["platform_hours"], v["platform_revenue"] = hours, revenue
    answered, median = desk_figures(start, end)
    v["desk_answered"], v["desk_median_first_response_hours"] = answered, median
    by_stage, advances, by_area = programmes(as_of, start, end, public)
    v["programmes"] = sum(by_stage.values())
    v["programme_stage_advances"] = advances
    s["programmes_by_stage"] = by_stage
    s["programmes_by_area_stage"] = by_area
    v["economic_impact"] = v["funds_raised_total"] + v["partnerships_value_total"] + all_revenue
    # --- events ---
    from guichet.events.kpis import figures as network_life

    v.update(network_life(as_of=as_of, start=start, end=end))
    from guichet.partnering.kpis import figures as partnering

    v.update(partnering(as_of=as_of, start=start, end=end))
    from guichet.partnering.kpis import METHODS as partnering_methods

    report.methods.update({k: str(m) for k, m in partnering_methods.items()})
    targets = {t.key: t for t in Target.objects.all()}
    report.series["targets"] = {k: {"label": t.display_label, "value": t.value, "year": t.year,
                                    "source": t.display_source, "source_lang": t.source_language,
                                    "reference": t.reference}
                                for k, t in targets.items()}
    if "startups_2030" in targets and cumulative:
        first_year, target = cumulative[0][0], targets["startups_2030"]
        span = max(target.year - first_year, 1)
        s["startups_trajectory"] = [(y, round(float(target.value) * (y - first_year) / span, 1))
                                    for y in range(first_year, target.year + 1)]
    # --- clinical transfer, technology transfer ---
    from . import kpis_transfer

    v.update(kpis_transfer.compute(as_of, start, end))
    report.methods.update({k: str(m) for k, m in kpis_transfer.METHODS.items()})
    # --- declaration campaigns ---
    from . import kpis_declarations

    v.update(kpis_declarations.compute(as_of, start, end))
    report.methods.update({k: str(m) for k, m in kpis_declarations.METHODS.items()})
    # --- calls, talent ---
    from guichet.talent.kpis import figures as talent

    v.update(talent(as_of=as_of, start=start, end=end))
    from guichet.calls.kpis import figures as calls

    v.update(calls(as_of=as_of, start=start, end=end))
    funds_total = funds["total_coverage"]
    # Signed partnerships: those confirmed (by their other parties or the team) of those declared signed.
    partnerships_total = (signed["total"], signed["declared"])
    report.series["validation"] = kpis_declarations.coverage(as_of, start, end) | {
        "jobs": jobs_coverage(as_of), "funds_raised_total": funds_total,
        "funds_raised_in_period": funds["in_period_coverage"],
        "partnerships_signed_total": partnerships_total, "partnerships_value_total": partnerships_total,
        "public_private_share": partnerships_total,
        "partnerships_signed_in_period": (signed["in_period"], signed["declared_in_period"]),
        # its declared parts are the founders' rounds and the members' partnerships (platform revenue is not)
        "economic_impact": (funds_total[0] + partnerships_total[0], funds_total[1] + partnerships_total[1])}
    # --- hosting spaces (issue 13) --- companies implanted: the contracts that hold on the date
    from guichet.hosting import kpis as hosting

    v.update(hosting.figures(as_of=as_of, start=start, end=end))
    report.methods.update({k: str(m) for k, m in hosting.METHODS.items()})
    return report


def _startups_between(start: date, end: date):
    return Startup.objects.filter(founded_on__gte=start, founded_on__lte=end).values_list("pk", flat=True)


def _funnel(as_of: date) -> list[tuple[str, int]]:
    """How many partnerships reached each stage (on or before the date): lead → NDA → … → signed."""
    order = [Stage.LEAD, Stage.NDA, Stage.NEGOTIATION, Stage.SIGNED]
    rank = Case(*[When(stage=s, then=Value(i)) for i, s in enumerate(order)],
                When(stage__in=[Stage.ACTIVE, Stage.COMPLETED], then=Value(3)), default=Value(-1),
                output_field=IntegerField())
    furthest = Counter(PartnershipStageChange.objects.filter(bounds.date_in_bounds("on"), on__lte=as_of,
                                                             partnership__confirmed_at__isnull=False)
                       .values("partnership")
                       .annotate(furthest=Max(rank)).values_list("furthest", flat=True))
    return [(stage.value, sum(n for f, n in furthest.items() if f >= i)) for i, stage in enumerate(order)]


def out_of_bounds() -> list[dict]:
    """Stored rows whose figures are outside the bounds (left out of every KPI), for staff to repair.

    Filters in SQL and reads only keys and dates, so that a value that cannot even be read as a Decimal
    is found as well."""
    found = []
    today = bounds.latest_past_date()  # a round, a headcount, a founding in the future is a typing error too
    for row in (FundingRound.objects.exclude(bounds.amount_in_bounds("amount_eur", bounds.MAX_FUNDING_ROUND_EUR)
                                             & bounds.date_in_bounds("on") & Q(on__lte=today))
                .values("pk", "startup_id", "startup__organization__name")):
        found.append({"what": _("Funding round"), "name": row["startup__organization__name"],
                      "admin": ("startups", "startup", row["startup_id"])})
    for row in (Headcount.objects.exclude(Q(headcount__lte=bounds.MAX_HEADCOUNT) & bounds.date_in_bounds("on")
                                          & Q(on__lte=today))
                .values("pk", "organization__name")):
        found.append({"what": _("Headcount"), "name": row["organization__name"],
                      "admin": ("startups", "headcount", row["pk"])})
    for row in (Startup.objects.exclude(bounds.date_in_bounds("founded_on") & Q(founded_on__lte=today))
                .values("pk", "organization__name")):
        found.append({"what": _("Founding date"), "name": row["organization__name"],
                      "admin": ("startups", "startup", row["pk"])})
    for row in (Partnership.objects.exclude(bounds.amount_in_bounds("value_eur", bounds.MAX_PARTNERSHIP_VALUE_EUR))
                .values("pk", "title")):
        found.append({"what": _("Partnership value"), "name": row["title"],
                      "admin": ("partnerships", "partnership", row["pk"])})
    return found


def as_rows(report: Report) -> list[tuple[str, str, object]]:
    """Every KPI as (key, label, value) rows, for the exports."""
    labels = KPI_LABELS
    return [(k, str(labels.get(k, k)), report.values[k]) for k in labels if k in report.values]


# The figures the public summary page and the public API show (aggregates only; programmes public ones only).
PUBLIC_KPIS = ("members", "startups_total", "jobs", "funds_raised_total", "partnerships_signed_total",
               "public_private_share", "platform_hours", "programmes")


def public_rows(report: Report) -> list[tuple[str, str, object]]:
    """The rows of as_rows() the public may see."""
    return [row for row in as_rows(report) if row[0] in PUBLIC_KPIS]


KPI_LABELS = {
    "members": _("Members of the network"),
    "startups_total": _("Start-ups created (to date)"),
    "startups_in_period": _("Start-ups created in the period"),
    "jobs": _("Jobs (latest validated headcounts)"),
    "funds_raised_total": _("Funds raised by start-ups, to date (EUR)"),
    "funds_raised_in_period": _("Funds raised in the period (EUR)"),
    "partnerships_signed_total": _("Partnerships signed (to date)"),
    "partnerships_signed_in_period": _("Partnerships signed in the period"),
    "public_private_share": _("Public-private share of signed partnerships (%)"),
    "partnerships_value_total": _("Value of signed partnerships (EUR)"),
    "platform_hours": _("Platform hours booked in the period"),
    "platform_revenue": _("Platform revenue in the period (EUR)"),
    "desk_answered": _("Desk requests answered in the period"),
    "desk_median_first_response_hours": _("Median first-response time (hours)"),
    "programmes": _("Antibody programmes"),
    "programme_stage_advances": _("Programme stage advances in the period"),
    "economic_impact": _("Economic impact (EUR, see method)"),
    # --- events ---
    "people_trained_total": _("People trained (to date)"),
    "people_trained_in_period": _("People trained in the period"),
    "training_hours_in_period": _("Training hours in the period (per person trained)"),
    "events_held_in_period": _("Events held in the period"),
    "event_participants_in_period": _("Event participants in the period (present)"),
    "meetings_requested_in_period": _("One-to-one meetings requested in the period"),
    "meetings_accepted_in_period": _("One-to-one meetings accepted in the period"),
    "meetings_held_in_period": _("One-to-one meetings held in the period"),
    "partnerships_from_meetings": _("Partnerships born from meetings, signed in the period"),
}
# --- clinical transfer, technology transfer ---
from .kpis_transfer import LABELS as _TRANSFER_LABELS  # noqa: E402

KPI_LABELS.update(_TRANSFER_LABELS)
# --- declaration campaigns ---
from .kpis_declarations import LABELS as _DECLARATION_LABELS  # noqa: E402

KPI_LABELS.update(_DECLARATION_LABELS)
# --- calls, talent ---
KPI_LABELS.update({
    "jobs_offered_in_period": _("Jobs offered in the period (postings published)"),
    "jobs_filled_in_period": _("Jobs filled in the period (postings closed as filled)"),
    "jobs_offered_total": _("Jobs offered (to date)"),
    "jobs_filled_total": _("Jobs filled (to date)"),
    "call_proposals_submitted_in_period": _("Proposals submitted to calls in the period"),
    "call_projects_awarded_in_period": _("Projects awarded by calls in the period"),
    "call_amount_awarded_in_period": _("Amount awarded by calls in the period (EUR)"),
    "call_projects_awarded_total": _("Projects awarded by calls (to date)"),
    "call_amount_awarded_total": _("Amount awarded by calls, to date (EUR)"),
})
# --- hosting spaces (issue 13) ---
from guichet.hosting.kpis import LABELS as _HOSTING_LABELS  # noqa: E402

KPI_LABELS.update(_HOSTING_LABELS)
