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
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from guichet.bookings.models import Booking, ServiceOrder
from guichet.bookings.selectors import BILLED, booked_amount
from guichet.core import bounds
from guichet.core.workdays import PARIS
from guichet.desk.models import Request
from guichet.directory.models import PRIVATE_KINDS, PUBLIC_KINDS, Organization
from guichet.partnerships.models import SIGNED_STAGES, Partnership, PartnershipStageChange, Stage
from guichet.platforms.models import customer_category
from guichet.programmes.models import STAGE_ORDER, Indication, Programme, ProgrammeStageChange, Visibility
from guichet.startups.models import FundingRound, Headcount, Startup

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


def _eod(day: date) -> datetime:
    return datetime.combine(day, time.max, PARIS)


def _sod(day: date) -> datetime:
    return datetime.combine(day, time.min, PARIS)


def members_by_kind(as_of: date) -> dict[str, int]:
    # Counted by the database (reading 100,000 kinds into Python took a second, bench/impact_bench.py).
    return dict(Organization.objects.filter(created_at__lte=_eod(as_of)).order_by().values("kind")
                .annotate(n=Count("pk")).values_list("kind", "n"))


def startups_by_year(as_of: date) -> dict[int, int]:
    return dict(sorted(Counter(d.year for d in Startup.objects.filter(bounds.date_in_bounds("founded_on"),
                                                                      founded_on__lte=as_of)
                               .values_list("founded_on", flat=True)).items()))


def jobs(as_of: date) -> int:
    """Sum, over organizations, of the latest headcount each declared on or before the date."""
    sane = Headcount.objects.filter(bounds.date_in_bounds("on"), headcount__lte=bounds.MAX_HEADCOUNT)
    if connection.vendor == "postgresql":
        # One DISTINCT ON read (one headcount per organization and day: the same rows as the subquery below,
        # which took 3 s at 200,000 headcounts, bench/impact_bench.py).
        return sum(sane.filter(on__lte=as_of).order_by("organization_id", "-on").distinct("organization_id")
                   .values_list("headcount", flat=True))
    latest = (sane.filter(organization=OuterRef("organization"), on__lte=as_of).order_by("-on").values("on")[:1])
    total = sane.filter(on__lte=as_of, on=Subquery(latest)).aggregate(n=Sum("headcount"))["n"]
    return total or 0


def funds_raised(start: date | None, end: date) -> Decimal:
    qs = FundingRound.objects.filter(bounds.amount_in_bounds("amount_eur", bounds.MAX_FUNDING_ROUND_EUR),
                                     bounds.date_in_bounds("on"), on__lte=end)
    if start:
        qs = qs.filter(on__gte=start)
    return sum(qs.values_list("amount_eur", flat=True), ZERO)


def signed_partnerships(as_of: date) -> list[dict]:
    """Confirmed partnerships signed on or before the date: first signature date, value, public-private flag.

    One aggregate query: the database finds each partnership's first signature and whether its parties
    include a public and a private organization.
    """
    parties = Partnership.parties.through.objects.filter(partnership_id=OuterRef("pk"))
    rows = (Partnership.objects
            .filter(confirmed_at__isnull=False)  # a member's record counts once the other parties confirm it
            .filter(bounds.amount_in_bounds("value_eur", bounds.MAX_PARTNERSHIP_VALUE_EUR),
                    stage_changes__stage__in=SIGNED_STAGES, stage_changes__on__lte=as_of,
                    stage_changes__on__gte=bounds.EARLIEST_DATE)
            .annotate(signed=Min("stage_changes__on"),
                      has_public=Exists(parties.filter(organization__kind__in=PUBLIC_KINDS)),
                      has_private=Exists(parties.filter(organization__kind__in=PRIVATE_KINDS)))
            .values("pk", "signed", "value_eur", "has_public", "has_private"))
    return [{"signed": r["signed"], "value": r["value_eur"], "public_private": r["has_public"] and r["has_private"]}
            for r in rows]


def platform_usage(start: date, end: date) -> tuple[Decimal, Decimal]:
    """Hours booked and revenue (booked hours at the hourly rates, delivered orders) in the period."""
    hours, revenue = ZERO, ZERO
    for b in Booking.objects.filter(kind=Booking.Kind.BOOKING, status__in=BILLED, end__gte=_sod(start),
                                    end__lte=_eod(end)).select_related("instrument", "organization"):
        hours += b.hours
        revenue += booked_amount(b.instrument, b.hours, customer_category(b.organization))
    for o in ServiceOrder.objects.filter(status=ServiceOrder.Status.DELIVERED, delivered_at__gte=_sod(start),
                                         delivered_at__lte=_eod(end)).prefetch_related("quote_lines"):
        revenue += o.total
    return hours, revenue


def desk_figures(start: date, end: date) -> tuple[int, float | None]:
    """Requests answered in the period, and the median first-response time (hours) of those."""
    answered = list(Request.objects.filter(first_response_at__gte=_sod(start), first_response_at__lte=_eod(end))
                    .values_list("created_at", "first_response_at"))
    if not answered:
        return 0, None
    return len(answered), round(statistics.median((r - c).total_seconds() / 3600 for c, r in answered), 1)


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
    for pk, area in Indication.objects.filter(programme_id__in=stage_of).values_list("programme_id",
                                                                                     "therapeutic_area"):
        areas[pk].add(area)
    for pk, stage in stage_of.items():
        for area in areas.get(pk) or {"other"}:
            by_area_stage[area][stage] += 1
    # One read of the histories of the programmes that moved in the period, walked in order.
    until = min(end, as_of)
    moved = ProgrammeStageChange.objects.filter(programme_id__in=stage_of, on__gte=start, on__lte=until)
    history = (ProgrammeStageChange.objects.filter(programme_id__in=moved.values("programme_id"), on__lte=until)
               .order_by("programme_id", "on", "id").values_list("programme_id", "stage", "on"))
    advances, previous = 0, (None, None)
    for programme_id, stage, on in history:
        before_id, before = previous
        if before_id == programme_id and on >= start and before in STAGE_ORDER and stage in STAGE_ORDER \
                and STAGE_ORDER.index(stage) > STAGE_ORDER.index(before):
            advances += 1
        previous = (programme_id, stage)
    return dict(by_stage), advances, {a: dict(c) for a, c in by_area_stage.items()}


METHOD = _("Economic impact = funds raised by the programme's start-ups (all rounds to date) + value of the "
           "partnerships signed (contract values to date) + platform revenue (booked hours at their rates and "
           "delivered services, to date). Nothing else is added: no multiplier, no estimate of indirect effects.")


def compute(*, as_of: date | None = None, start: date | None = None, end: date | None = None,
            public: bool = False) -> Report:
    as_of = as_of or date.today()
    end = min(end or as_of, as_of)
    start = start or date(end.year, 1, 1)
    report = Report(as_of=as_of, start=start, end=end, method=str(METHOD))
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
    v["funds_raised_total"] = funds_raised(None, as_of)
    v["funds_raised_in_period"] = funds_raised(start, end)
    signed = signed_partnerships(as_of)
    v["partnerships_signed_total"] = len(signed)
    v["partnerships_signed_in_period"] = sum(1 for p in signed if start <= p["signed"] <= end)
    v["public_private_share"] = (round(100 * sum(p["public_private"] for p in signed) / len(signed), 1)
                                 if signed else 0.0)
    v["partnerships_value_total"] = sum((p["value"] for p in signed), ZERO)
    per_year_signed = Counter(p["signed"].year for p in signed)
    s["partnerships_per_year"] = [(y, per_year_signed.get(y, 0))  # years without a signature show as zero
                                  for y in range(min(per_year_signed, default=as_of.year), as_of.year + 1)]
    s["partnership_funnel"] = _funnel(as_of)
    hours, revenue = platform_usage(start, end)
    v["platform_hours"], v["platform_revenue"] = hours, revenue
    all_hours, all_revenue = platform_usage(date(2000, 1, 1), as_of)
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
    targets = {t.key: t for t in Target.objects.all()}
    report.series["targets"] = {k: {"label": t.display_label, "value": t.value, "year": t.year, "source": t.source,
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
    report.series["validation"] = kpis_declarations.coverage(as_of, start, end)
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
    "jobs": _("Jobs (latest declared headcounts)"),
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
    "partnerships_from_meetings": _("Partnerships born from meetings (to date)"),
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
