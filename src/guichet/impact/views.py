from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.core import exports
from guichet.directory.models import TherapeuticArea
from guichet.partnerships.models import Stage
from guichet.programmes.models import ProgrammeStage

from . import charts, kpis, report


def _dates(request) -> dict:
    def parse(name):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None
    today = timezone.localdate()
    as_of = parse("as_of") or today
    end = parse("end") or as_of
    start = parse("start") or date(end.year, 1, 1)
    if start > end:
        start, end = end, start
    return {"as_of": as_of, "start": start, "end": end}


def build_charts(rep: kpis.Report) -> list:
    s = rep.series
    trajectory = s.get("startups_trajectory", [])
    area_labels = dict(TherapeuticArea.choices)
    stage_labels = dict(Stage.choices)
    return [
        charts.lines(_("Start-ups created (cumulative) and the trajectory to the 2030 target"),
                     {_("created"): s["startups_cumulative"], _("trajectory"): trajectory}),
        charts.bars(_("Partnerships signed per year"), s["partnerships_per_year"]),
        charts.funnel(_("Partnership funnel"), [(str(stage_labels.get(k, k)), n) for k, n in s["partnership_funnel"]]),
        charts.stacked(_("Antibody programmes by therapeutic area and stage"),
                       {str(area_labels.get(a, a)): v for a, v in s["programmes_by_area_stage"].items()},
                       [(st.value, str(st.label)) for st in ProgrammeStage]),
    ]


def _staff(request):
    if not request.user.is_staff:
        raise PermissionDenied


@login_required
def dashboard(request):
    _staff(request)
    dates = _dates(request)
    rep = kpis.compute(**dates)
    return render(request, "impact/dashboard.html", {
        "rep": rep, "rows": kpis.as_rows(rep), "charts": [(c.title, c.svg()) for c in build_charts(rep)],
        "targets": sorted(rep.series["targets"].items(), key=lambda kv: (kv[1]["year"], kv[0])), **dates})


def public_summary(request):
    """What the public sees: aggregates only, and public programmes only."""
    rep = kpis.compute(public=True)
    keep = ("members", "startups_total", "jobs", "funds_raised_total", "partnerships_signed_total",
            "public_private_share", "platform_hours", "programmes")
    rows = [r for r in kpis.as_rows(rep) if r[0] in keep]
    chart_list = build_charts(rep)
    return render(request, "impact/public.html", {"rep": rep, "rows": rows,
                                                  "charts": [(c.title, c.svg()) for c in chart_list[:1] + chart_list[3:]]})


@login_required
def export(request, fmt):
    _staff(request)
    dates = _dates(request)
    rep = kpis.compute(**dates)
    stem = f"guichet-impact-{dates['start']}-{dates['end']}"
    rows = kpis.as_rows(rep)
    if fmt == "pdf":
        response = HttpResponse(report.pdf(rep, build_charts(rep)), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
        return response
    columns = [("kpi", _("Indicator code")), ("label", _("Indicator")), ("value", _("Value")),
               ("period_start", _("Period start")), ("period_end", _("Period end")), ("as_of", _("As of"))]
    table = [[k, label, v, dates["start"], dates["end"], dates["as_of"]] for k, label, v in rows]
    if fmt == "csv":
        return exports.csv_response(f"{stem}.csv", columns, table)
    series = [[year, n, cum] for (year, n), (_y, cum) in zip(
        rep.series["startups_per_year"], rep.series["startups_cumulative"], strict=False)]
    return exports.xlsx_response(f"{stem}.xlsx", [
        exports.Sheet(_("KPIs"), columns, table, widths={"kpi": 26, "label": 48}),
        exports.Sheet(_("Start-ups per year"), [("year", _("Year")), ("created", _("Created")),
                                                ("cumulative", _("Cumulative"))], series),
        exports.Sheet(_("Method"), [("method", _("Method"))], [[rep.method]], widths={"method": 100}),
    ])
