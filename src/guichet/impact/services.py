from datetime import date, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guichet.core import bounds
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.jobs import backoff, enqueue
from guichet.core.services import record_save

from . import annual, charts, kpis, report
from .kpis import KPI_LABELS
from .models import AnnualReport, ReportRun, Target
from .tasks import build_report, generate_annual_report

FIELDS = ("key", "label", "label_en", "value", "year", "source", "source_en", "reference")


def _as_text(value):
    """A recorded value as text; an empty one stays empty (never the word "None" in the audit log)."""
    return None if value is None else str(value)


def target_save(*, actor, record: Target, is_new: bool) -> None:
    """A target edited by staff (admin): the bounds checked by the model's validators, audited."""
    with transaction.atomic():
        before = None if is_new else Target.objects.filter(pk=record.pk).values(*FIELDS).first()
        record.full_clean()
        record.save()
        changes = {f: [_as_text(before[f]) if before else None, _as_text(getattr(record, f))] for f in FIELDS
                   if not before or before[f] != getattr(record, f)}
        audit_record(actor=actor, action=f"target.{'create' if is_new else 'update'}", entity_type="target",
                     entity_key=record.key, entity_label=record.label, changes=changes)


def target_delete(*, actor, record: Target) -> None:
    with transaction.atomic():
        key, label = record.key, record.label
        record.delete()
        audit_record(actor=actor, action="target.delete", entity_type="target", entity_key=key, entity_label=label)


# --- the PDF report, drawn by a job ---

def report_request(*, actor, start: date, end: date, as_of: date, language: str = "") -> ReportRun:
    """Queue the PDF report of a period (dates already parsed and bounded by the view); audited."""
    with transaction.atomic():
        run = ReportRun.objects.create(requested_by=actor, start=start, end=end, as_of=as_of,
                                       language=language[:8], heartbeat_at=timezone.now())
        audit_record(actor=actor, action="impact_report.request", entity_type="impact_report",
                     entity_key=str(run.pk), entity_label=str(run),
                     changes={"period": [None, [start.isoformat(), end.isoformat(), as_of.isoformat()]]})
        enqueue(build_report, run.pk)
    return run


def report_run_build(run_id: int) -> str:
    """The job: compute the KPIs as of the run's date and draw the PDF in the asker's language."""
    Status = ReportRun.Status
    claimed = ReportRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, attempts=models.F("attempts") + 1, heartbeat_at=timezone.now(), error="")
    if not claimed:
        return "not queued"
    run = ReportRun.objects.defer("content").get(pk=run_id)
    try:
        with translation.override(run.language or settings.LANGUAGE_CODE):
            rep = kpis.compute(as_of=run.as_of, start=run.start, end=run.end)
            content = report.pdf(rep, charts.build_charts(rep))
    except Exception as exc:
        retry = run.attempts < settings.GUICHET_JOB_MAX_ATTEMPTS
        ReportRun.objects.filter(pk=run_id, status=Status.RUNNING, attempts=run.attempts).update(
            status=Status.QUEUED if retry else Status.FAILED, error=f"{exc.__class__.__name__}: {exc}")
        if retry:
            enqueue(build_report, run_id, run_after=timezone.now() + backoff(run.attempts, 30))
            return "retrying"
        raise
    done = ReportRun.objects.filter(pk=run_id, status=Status.RUNNING, attempts=run.attempts).update(
        status=Status.DONE, content=content, finished_at=timezone.now())
    return "done" if done else "lost"


def report_runs_recover() -> int:
    """Queue again the reports whose worker stopped, and those whose job was lost (the worker's clock)."""
    stale = timezone.now() - timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS)
    Status = ReportRun.Status
    dead = ReportRun.objects.filter(status=Status.RUNNING, heartbeat_at__lt=stale)
    dead.filter(attempts__gte=settings.GUICHET_JOB_MAX_ATTEMPTS).update(
        status=Status.FAILED, error="the worker stopped during every attempt")
    dead.update(status=Status.QUEUED)
    lost = list(ReportRun.objects.filter(status=Status.QUEUED, heartbeat_at__lt=stale).values_list("pk", flat=True))
    for pk in lost:
        ReportRun.objects.filter(pk=pk, status=Status.QUEUED).update(heartbeat_at=timezone.now())
        enqueue(build_report, pk)
    return len(lost)



def report_run_delete(*, actor, record: ReportRun) -> None:
    """Staff remove one report (admin); audited. A job still drawing it finds it gone and stores nothing."""
    with transaction.atomic():
        pk, label, status = record.pk, str(record), record.status
        ReportRun.objects.filter(pk=pk).delete()
        audit_record(actor=actor, action="impact_report.delete", entity_type="impact_report", entity_key=str(pk),
                     entity_label=label, changes={"status": [status, None]})


def report_runs_purge(*, now=None, actor=None) -> int:
    """Remove the reports asked more than GUICHET_REPORT_RETENTION_DAYS ago (a PDF is drawn again in seconds;
    the list of who asked is personal data); one audit entry. Queued and running ones wait for their job."""
    now = now or timezone.now()
    days = settings.GUICHET_REPORT_RETENTION_DAYS
    cutoff = now - timedelta(days=days)
    Status = ReportRun.Status
    with transaction.atomic():
        expired = ReportRun.objects.filter(requested_at__lt=cutoff, status__in=[Status.DONE, Status.FAILED])
        removed, _ = expired.delete()
        if removed:
            audit_record(actor=actor, action="impact_report.purge", entity_type="impact_report",
                         entity_key=f"before {cutoff.date().isoformat()}",
                         changes={"reports": [removed, 0], "retention_days": [None, days]})
    return removed

# --- annual report ---
def report_template_check(record) -> None:
    """Sections: a list of known kinds, unique keys, a title in French and English, known indicators."""
    sections = record.sections
    if not isinstance(sections, list) or not sections:
        raise ReportError(_("Sections: give a list of at least one section."), "sections")
    keys = set()
    for number, section in enumerate(sections, 1):
        where = _("Sections, section %(n)d") % {"n": number}
        if not isinstance(section, dict):
            raise ReportError(_("%(field)s: %(error)s") % {"field": where, "error": _("a section is an object.")},
                              "sections")
        key = section.get("key")
        if not isinstance(key, str) or not key or not key.replace("_", "").replace("-", "").isalnum() or len(key) > 40:
            raise ReportError(_("%(field)s: %(error)s") % {"field": where, "error": _(
                "its key is letters, digits, - and _ (at most 40).")}, "sections")
        if key in keys:
            raise ReportError(_("%(field)s: %(error)s") % {"field": where, "error": _("its key is used twice.")},
                              "sections")
        keys.add(key)
        if section.get("kind") not in annual.SECTION_KINDS:
            raise ReportError(_("%(field)s: %(error)s") % {"field": where, "error": _(
                "its kind is one of %(kinds)s.") % {"kinds": ", ".join(annual.SECTION_KINDS)}}, "sections")
        title = section.get("title")
        if not isinstance(title, dict) or not all(isinstance(title.get(lang), str) and title[lang].strip()
                                                  and len(title[lang]) <= 200 for lang in ("fr", "en")):
            raise ReportError(_("%(field)s: %(error)s") % {"field": where, "error": _(
                "give its title in French and in English (“fr” and “en”, at most 200 characters).")}, "sections")
        if section["kind"] == "indicators":
            indicators = section.get("indicators")
            if not isinstance(indicators, list) or not indicators:
                raise ReportError(_("%(field)s: %(error)s") % {"field": where, "error": _(
                    "list its indicators.")}, "sections")
            unknown = [i for i in indicators if i not in KPI_LABELS]
            if unknown:
                raise ReportError(_("%(field)s: %(error)s") % {"field": where, "error": _(
                    "unknown indicator %(key)s.") % {"key": unknown[0]}}, "sections")


class ReportError(Refused):
    pass


def report_template_save(*, actor, record, is_new: bool) -> None:
    """A funder's template edited by staff (admin): checked, audited."""
    if not (actor and actor.is_staff):
        raise ReportError(_("Only the cluster team edits report templates."))
    report_template_check(record)
    with transaction.atomic():
        record_save(actor=actor, record=record, is_new=is_new)


NARRATIVE_MAX = 20_000


def annual_report_create(*, actor, template, year: int, language: str = "fr", as_of=None):
    if not (actor and actor.is_active and actor.is_staff):
        raise ReportError(_("Only the cluster team writes annual reports."))
    today = timezone.localdate()
    if not isinstance(year, int) or not bounds.EARLIEST_DATE.year <= year <= today.year:
        raise ReportError(_("Year reported: give a year between %(first)d and %(last)d.") % {
            "first": bounds.EARLIEST_DATE.year, "last": today.year}, "year")
    as_of = as_of or today  # the figures known now: a year's declarations are validated in the next one
    if error := bounds.date_error(as_of):
        raise ReportError(_("%(field)s: %(error)s") % {"field": _("Figures as of"), "error": error}, "as_of")
    if as_of < date(year, 1, 1):
        raise ReportError(_("Figures as of: a date in the year reported or after it."), "as_of")
    if language not in AnnualReport.Language.values:
        raise ReportError(_("Language: French or English."), "language")
    with transaction.atomic(durable=True):
        report = AnnualReport.objects.create(template=template, year=year, as_of=as_of, language=language,
                                             created_by=actor)
        audit_record(actor=actor, action="annual_report.create", entity_type="annual_report",
                     entity_key=str(report.pk), entity_label=str(report),
                     changes={"template": [None, template.key], "year": [None, year], "as_of": [None, str(as_of)],
                              "language": [None, language]})
    return report


def annual_report_write(*, actor, report, narratives: dict) -> None:
    """The narrative sections staff write in the page (only the template's narrative sections are kept)."""
    if not (actor and actor.is_active and actor.is_staff):
        raise ReportError(_("Only the cluster team writes annual reports."))
    allowed = {s["key"]: s for s in report.template.sections if s.get("kind") == "narrative"}
    clean = {}
    for key, text in narratives.items():
        if key not in allowed:
            continue
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > NARRATIVE_MAX:
            raise ReportError(_("%(field)s: %(error)s") % {
                "field": allowed[key]["title"].get(report.language) or key,
                "error": _("at most %(max)d characters.") % {"max": NARRATIVE_MAX}}, key)
        clean[key] = text
    with transaction.atomic(durable=True):
        before = type(report).objects.select_for_update().get(pk=report.pk).narratives or {}
        changed = {k: [before.get(k, ""), v] for k, v in clean.items() if before.get(k, "") != v}
        report.narratives = {**before, **{k: v for k, (_old, v) in changed.items()}}
        if changed:
            type(report).objects.filter(pk=report.pk).update(narratives=report.narratives)
            audit_record(actor=actor, action="annual_report.write", entity_type="annual_report",
                         entity_key=str(report.pk), entity_label=str(report), changes=changed)


def annual_report_generate(*, actor, report) -> None:
    """Queue the job that makes the PDF and the DOCX (again, if they exist: the figures may have moved)."""
    if not (actor and actor.is_active and actor.is_staff):
        raise ReportError(_("Only the cluster team writes annual reports."))
    with transaction.atomic(durable=True):
        if not AnnualReport.objects.filter(pk=report.pk, status__in=[
                AnnualReport.Status.DRAFT, AnnualReport.Status.DONE, AnnualReport.Status.FAILED]).update(
                status=AnnualReport.Status.QUEUED, attempts=0, error="", heartbeat_at=timezone.now()):
            raise ReportError(_("This report is already being generated."))
        audit_record(actor=actor, action="annual_report.generate", entity_type="annual_report",
                     entity_key=str(report.pk), entity_label=str(report), changes={"status": [report.status, "queued"]})
        enqueue(generate_annual_report, report.pk)


def annual_report_run(report_id: int) -> str:
    """The job: claim the report (queued → running), build both files, store them (running → done)."""
    if not AnnualReport.objects.filter(pk=report_id, status=AnnualReport.Status.QUEUED).update(
            status=AnnualReport.Status.RUNNING, attempts=F("attempts") + 1, heartbeat_at=timezone.now()):
        return "not queued"
    report = AnnualReport.objects.select_related("template").get(pk=report_id)
    try:
        data = annual.content(report)
        with translation.override(report.language):
            pdf_bytes, docx_bytes = annual.pdf(data), annual.docx(data)
    except Exception as exc:  # a report that cannot be built says why on its page; the team may try again
        AnnualReport.objects.filter(pk=report_id, status=AnnualReport.Status.RUNNING).update(
            status=AnnualReport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    with transaction.atomic():
        AnnualReport.objects.filter(pk=report_id, status=AnnualReport.Status.RUNNING).update(
            status=AnnualReport.Status.DONE, pdf=pdf_bytes, docx=docx_bytes, generated_at=timezone.now(),
            heartbeat_at=timezone.now())
        audit_record(actor=None, action="annual_report.generated", entity_type="annual_report",
                     entity_key=str(report_id), entity_label=str(report),
                     changes={"status": ["running", "done"], "pdf_bytes": [None, len(pdf_bytes)],
                              "docx_bytes": [None, len(docx_bytes)]})
    return "done"


def annual_reports_recover() -> int:
    """The clock: a report whose worker stopped (running, silent) or whose job was lost (queued, silent) is
    queued again, up to GUICHET_JOB_MAX_ATTEMPTS attempts."""
    stale = timezone.now() - timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS)
    dead = AnnualReport.objects.filter(status=AnnualReport.Status.RUNNING, heartbeat_at__lt=stale)
    dead.filter(attempts__gte=settings.GUICHET_JOB_MAX_ATTEMPTS).update(
        status=AnnualReport.Status.FAILED, error="the worker stopped during every attempt")
    dead.update(status=AnnualReport.Status.QUEUED)
    lost = list(AnnualReport.objects.filter(status=AnnualReport.Status.QUEUED, heartbeat_at__lt=stale)
                .values_list("pk", flat=True))
    for pk in lost:
        if AnnualReport.objects.filter(pk=pk, status=AnnualReport.Status.QUEUED).update(heartbeat_at=timezone.now()):
            enqueue(generate_annual_report, pk)
    return len(lost)
