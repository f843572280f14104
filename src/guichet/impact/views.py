from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from guichet.core import bounds, exports, params
from guichet.core.actions import attempt_form, polled
from guichet.partnerships.selectors import to_check

from . import annual, charts, kpis, services
from .forms import AnnualReportForm
from .models import AnnualReport, ReportRun


def _dates(request) -> dict:
    """The period and the as-of date asked for; BadParameter (a 400 naming the field) when a date is
    unreadable, outside the dates Guichet covers, or the period is reversed (it was silently swapped)."""
    today = timezone.localdate()
    as_of = params.day_param(request.GET, "as_of", label=_("As of")) or today
    end = params.day_param(request.GET, "end", label=_("To")) or as_of
    start = params.day_param(request.GET, "start", label=_("From")) or date(end.year, 1, 1)
    if start > end:
        raise params.BadParameter(_("The period starts on %(start)s, after it ends on %(end)s: give a start "
                                    "before the end.") % {"start": date_format(start, "DATE_FORMAT"),
                                                          "end": date_format(end, "DATE_FORMAT")}, "start")
    return {"as_of": as_of, "start": start, "end": end}


def _dates_default() -> dict:
    today = timezone.localdate()
    return {"as_of": today, "start": date(today.year, 1, 1), "end": today}


def _staff(request):
    if not request.user.is_staff:
        raise PermissionDenied


@login_required
def dashboard(request):
    _staff(request)
    try:
        dates, period_error, status = _dates(request), None, 200
    except params.BadParameter as exc:
        # The form again with what was typed and why it is refused; the figures shown are the default
        # period's, and the page says so.
        dates, period_error, status = _dates_default(), exc, 400
    rep = kpis.compute(**dates)
    targets = sorted(rep.series["targets"].items(), key=lambda kv: (kv[1]["year"], kv[0]))
    # Several targets cite one document: it is shown once, under the table.
    references = list(dict.fromkeys(t["reference"] for _k, t in targets if t.get("reference")))
    out_of_bounds = [{**row, "url": reverse("admin:{}_{}_change".format(*row["admin"][:2]), args=[row["admin"][2]])}
                     for row in kpis.out_of_bounds()]
    return render(request, "impact/dashboard.html", {
        "out_of_bounds": out_of_bounds, "partnerships_to_check": to_check()[:50],
        "outlier_threshold": bounds.PARTNERSHIP_VALUE_OUTLIER_EUR,
        "rep": rep, "rows": kpis.as_rows(rep),
        # --- declaration campaigns: how much of each declared figure is validated ---
        "kpi_rows": [(k, label, value, rep.series["validation"].get(k)) for k, label, value in kpis.as_rows(rep)], "charts": [(c.title, c.svg()) for c in charts.build_charts(rep)],
        "targets": targets, "references": references, **dates,
        "period_error": period_error, "typed": request.GET}, status=status)


def public_summary(request):
    """What the public sees: aggregates only, and public programmes only."""
    rep = kpis.compute(public=True)
    rows = kpis.public_rows(rep)
    chart_list = charts.build_charts(rep)
    return render(request, "impact/public.html", {"rep": rep, "rows": rows,
                                                  "charts": [(c.title, c.svg()) for c in chart_list[:1] + chart_list[3:]]})


@login_required
def export(request, fmt):
    """The KPI table as CSV or XLSX (the dashboard's own figures: as cheap as the page). The PDF report is
    drawn by a job: `report_new`."""
    _staff(request)
    dates = _dates(request)
    rep = kpis.compute(**dates)
    stem = f"guichet-impact-{dates['start']}-{dates['end']}"
    rows = kpis.as_rows(rep)
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
        exports.Sheet(_("Method"), [("method", _("Method"))],
                      [[rep.method], *[[f"{kpis.KPI_LABELS[k]}: {m}"] for k, m in rep.methods.items()]],
                      widths={"method": 100}),
    ])


@login_required
def report_moved(request):
    """The PDF used to be drawn at this address, in the request; it is a job now, asked for at reports/new/."""
    _staff(request)
    _dates(request)  # a bad date is refused here too, naming the field
    query = request.GET.urlencode()
    return redirect(reverse("impact:report_new") + (f"?{query}" if query else ""))


@login_required
def report_new(request):
    """The PDF report of a period: GET says what will be drawn and lists the recent ones; POST queues it."""
    _staff(request)
    dates = _dates(request)  # BadParameter: the 400 page, naming the field
    if request.method == "POST":
        run = services.report_request(actor=request.user, language=translation.get_language() or "", **dates)
        return redirect("impact:report", run.pk)
    recent = ReportRun.objects.select_related("requested_by").defer("content")[:10]
    return render(request, "impact/report_new.html", {**dates, "recent": recent})


def _run(request, pk, *fields):
    _staff(request)
    return get_object_or_404(ReportRun.objects.defer("content", *fields), pk=pk)


@login_required
def report_detail(request, pk):
    """A report's page: its progress while the job draws it (it survives a reload), then its link."""
    return render(request, "impact/report.html", {"run": _run(request, pk)})


@login_required
def report_progress(request, pk):
    """Polled by htmx; once the job is over the page reloads to show the result."""
    run = _run(request, pk)
    return polled(request, "impact/_report_progress.html", {"run": run}, working=run.is_working)


@login_required
def report_file(request, pk):
    _staff(request)
    run = get_object_or_404(ReportRun, pk=pk, status=ReportRun.Status.DONE)
    response = HttpResponse(bytes(run.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{run.filename}"'
    return response


# --- annual report ---
@login_required
def annual_reports(request):
    """The team's annual reports: choose a funder's template, a year, a language; then write and generate."""
    _staff(request)
    form = AnnualReportForm(request.POST or None)

    def page(form):
        return render(request, "impact/annual_reports.html", {
            "reports": AnnualReport.objects.select_related("template").defer("pdf", "docx"), "form": form},
            status=400 if request.method == "POST" else 200)

    if request.method != "POST":
        return page(form)
    return attempt_form(request, form, lambda data: services.annual_report_create(actor=request.user, **data),
                        "", lambda created: redirect(created), page)


def _report_or_404(pk) -> AnnualReport:
    return get_object_or_404(AnnualReport.objects.select_related("template").defer("pdf", "docx"), pk=pk)


@login_required
def annual_report(request, pk):
    """Write the narrative sections, generate, follow the job, download the files."""
    _staff(request)
    item = _report_or_404(pk)
    narratives = [s for s in item.template.sections if s.get("kind") == "narrative"]
    error, status = None, 200
    if request.method == "POST":
        texts = {s["key"]: request.POST.get(f"narrative-{s['key']}", "") for s in narratives}
        try:
            services.annual_report_write(actor=request.user, report=item, narratives=texts)
            if "generate" in request.POST:
                services.annual_report_generate(actor=request.user, report=item)
                messages.success(request, _("The report is being generated; this page follows the job."))
            else:
                messages.success(request, _("Saved."))
            return redirect(item)
        except services.ReportError as exc:
            error, status = exc, 400
            item.narratives = {**(item.narratives or {}), **texts}
    sections = [{"key": s["key"], "kind": s["kind"], "title": annual._title(s, item.language),
                 "text": (item.narratives or {}).get(s["key"], ""),
                 "indicators": [str(kpis.KPI_LABELS.get(k, k)) for k in s.get("indicators", [])]}
                for s in item.template.sections]
    return render(request, "impact/annual_report.html", {
        "report": item, "sections": sections, "error": error,
        "has_files": AnnualReport.objects.filter(pk=item.pk, pdf__isnull=False).exists(),
        "working": item.status in (AnnualReport.Status.QUEUED, AnnualReport.Status.RUNNING)}, status=status)


@login_required
def annual_report_file(request, pk, fmt):
    _staff(request)
    item = get_object_or_404(AnnualReport.objects.select_related("template"), pk=pk)
    data = item.pdf if fmt == "pdf" else item.docx
    if not data:
        raise Http404
    types = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    response = HttpResponse(bytes(data), content_type=types[fmt])
    response["Content-Disposition"] = (f'attachment; filename="guichet-{item.template.key}-{item.year}-'
                                       f'{item.language}.{fmt}"')
    return response
