from datetime import date, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation

from guichet.core.audit import audit_record
from guichet.core.jobs import backoff, enqueue

from . import charts, kpis, report
from .models import ReportRun, Target
from .tasks import build_report

FIELDS = ("key", "label", "label_en", "value", "year", "source", "reference")


def target_save(*, actor, record: Target, is_new: bool) -> None:
    """A target edited by staff (admin): the bounds checked by the model's validators, audited."""
    with transaction.atomic():
        before = None if is_new else Target.objects.filter(pk=record.pk).values(*FIELDS).first()
        record.full_clean()
        record.save()
        changes = {f: [str(before[f]) if before else None, str(getattr(record, f))] for f in FIELDS
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
