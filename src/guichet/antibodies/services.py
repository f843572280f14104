"""Antibody assessments: small batches at once, large ones (above GUICHET_ANTIBODY_JOB_THRESHOLD) by a job."""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from guichet.accounts.selectors import organization_of
from guichet.core.audit import audit_record
from guichet.core.jobs import enqueue

from . import engine
from .models import Assessment

CHUNK = 25  # antibodies between two progress updates


class TooManyAntibodies(engine.InputError):
    """More antibodies than GUICHET_ANTIBODY_MAX_ANTIBODIES in one batch."""


def assessment_create(*, owner, title: str, text: str, cdr_scheme: str, shared_with_organization: bool):
    """Assess now, or queue a job for a large batch; raises engine.InputError on unreadable input."""
    entries = engine.parse_input(text)
    if len(entries) > settings.GUICHET_ANTIBODY_MAX_ANTIBODIES:
        raise TooManyAntibodies(len(entries))
    organization = organization_of(owner)
    fields = {"owner": owner, "organization": organization,
              "shared_with_organization": shared_with_organization and organization is not None,
              "title": title, "cdr_scheme": cdr_scheme, "progress_total": len(entries)}
    if len(entries) > settings.GUICHET_ANTIBODY_JOB_THRESHOLD:
        from .tasks import run_assessment

        with transaction.atomic():
            assessment = Assessment.objects.create(status="queued", input_text=text, heartbeat_at=timezone.now(),
                                                   **fields)
            _audit_create(owner, assessment, len(entries))
            enqueue(run_assessment, assessment.pk)
        return assessment
    reports = [engine.assess(name, heavy, light, cdr_scheme=cdr_scheme) for name, heavy, light in entries]
    with transaction.atomic():
        assessment = Assessment.objects.create(result=[r.as_dict() for r in reports], progress_done=len(entries),
                                               **fields)
        _audit_create(owner, assessment, len(entries))
    return assessment


def _audit_create(owner, assessment: Assessment, antibodies: int) -> None:
    audit_record(actor=owner, action="assessment.create", entity_type="assessment", entity_key=str(assessment.pk),
                 entity_label=assessment.title, changes={"antibodies": [None, antibodies],
                                                         "shared_with_organization": [None, assessment.shared_with_organization]})


def assessment_run(assessment_id: int) -> str:
    """The job: claim, assess chunk by chunk (progress visible), write the result once at the end.

    Killed mid-way, nothing of the result is kept and the clock queues the batch again: each attempt starts
    from the input, so a retried batch is never half there nor counted twice.
    """
    now = timezone.now()
    claimed = Assessment.objects.filter(pk=assessment_id, status="queued").update(
        status="running", attempts=models.F("attempts") + 1, heartbeat_at=now, progress_done=0)
    if not claimed:
        return "not queued"
    assessment = Assessment.objects.get(pk=assessment_id)
    try:
        entries = engine.parse_input(assessment.input_text)
        results = []
        for start in range(0, len(entries), CHUNK):
            for name, heavy, light in entries[start:start + CHUNK]:
                results.append(engine.assess(name, heavy, light, cdr_scheme=assessment.cdr_scheme).as_dict())
            Assessment.objects.filter(pk=assessment_id, attempts=assessment.attempts).update(
                progress_done=len(results), heartbeat_at=timezone.now())
    except Exception as exc:
        Assessment.objects.filter(pk=assessment_id, attempts=assessment.attempts).update(
            status="failed", error=f"{exc.__class__.__name__}: {exc}"[:2000])
        raise
    Assessment.objects.filter(pk=assessment_id, status="running", attempts=assessment.attempts).update(
        status="done", result=results, input_text="", progress_done=len(results))
    return "done"


def assessment_jobs_recover() -> int:
    """Queue again the batches whose worker stopped, and those whose job was lost."""
    from .tasks import run_assessment

    stale = timezone.now() - timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS)
    dead = Assessment.objects.filter(status="running", heartbeat_at__lt=stale)
    dead.filter(attempts__gte=settings.GUICHET_JOB_MAX_ATTEMPTS).update(
        status="failed", error="the worker stopped during every attempt")
    dead.update(status="queued")
    lost = list(Assessment.objects.filter(status="queued", heartbeat_at__lt=stale).values_list("pk", flat=True))
    for pk in lost:
        Assessment.objects.filter(pk=pk, status="queued").update(heartbeat_at=timezone.now())
        enqueue(run_assessment, pk)
    return len(lost)


def assessment_link_programme(*, actor, assessment: Assessment, programme) -> None:
    """The owner links an assessment to a programme (or unlinks it with None)."""
    with transaction.atomic():
        before = Assessment.objects.filter(pk=assessment.pk).values_list("programme__code", flat=True).first()
        updated = Assessment.objects.filter(pk=assessment.pk, owner=actor).update(programme=programme)
        after = programme.code if programme else None
        if updated and before != after:
            audit_record(actor=actor, action="assessment.link", entity_type="assessment",
                         entity_key=str(assessment.pk), entity_label=assessment.title,
                         changes={"programme": [before, after]})
