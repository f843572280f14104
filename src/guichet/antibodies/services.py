"""Antibody assessments: small batches at once, large ones (above GUICHET_ANTIBODY_JOB_THRESHOLD) by a job;
either way one AssessedAntibody row per antibody."""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from guichet.accounts.selectors import organization_of
from guichet.core.audit import audit_record
from guichet.core.jobs import enqueue

from . import engine
from .models import AssessedAntibody, Assessment


class TooManyAntibodies(engine.InputError):
    """More antibodies than GUICHET_ANTIBODY_MAX_ANTIBODIES in one batch: refused whole, never cut."""

    def __init__(self, count: int):
        limit = settings.GUICHET_ANTIBODY_MAX_ANTIBODIES
        super().__init__("too_many", _("This batch holds %(count)s antibodies: at most %(max)s in one batch. "
                                       "Split it into several batches.")
                         % {"count": number_format(count, force_grouping=True),
                            "max": number_format(limit, force_grouping=True)})
        self.count = count


def assessment_create(*, owner, title: str, text: str, cdr_scheme: str, shared_with_organization: bool,
                      background: bool = False):
    """Assess now, or queue a job for a large batch (or whenever `background`, as the API does); raises
    engine.InputError on unreadable input and TooManyAntibodies above the cap, before anything is written."""
    entries = engine.parse_input(text)
    if len(entries) > settings.GUICHET_ANTIBODY_MAX_ANTIBODIES:
        raise TooManyAntibodies(len(entries))
    organization = organization_of(owner)
    fields = {"owner": owner, "organization": organization,
              "shared_with_organization": shared_with_organization and organization is not None,
              "title": title, "cdr_scheme": cdr_scheme, "progress_total": len(entries),
              "language": (translation.get_language() or "")[:8]}
    if background or len(entries) > settings.GUICHET_ANTIBODY_JOB_THRESHOLD:
        from .tasks import run_assessment

        with transaction.atomic():
            assessment = Assessment.objects.create(status="queued", input_text=text, heartbeat_at=timezone.now(),
                                                   **fields)
            _audit_create(owner, assessment, len(entries))
            enqueue(run_assessment, assessment.pk)
        return assessment
    reports = [engine.assess(name, heavy, light, cdr_scheme=cdr_scheme) for name, heavy, light in entries]
    with transaction.atomic():
        assessment = Assessment.objects.create(progress_done=len(entries), **fields)
        AssessedAntibody.objects.bulk_create(_rows(assessment.pk, 0, reports))
        _audit_create(owner, assessment, len(entries))
    return assessment


def _rows(assessment_id: int, start: int, reports) -> list[AssessedAntibody]:
    rows = []
    for i, r in enumerate(reports):
        report = r.as_dict()
        rows.append(AssessedAntibody(assessment_id=assessment_id, index=start + i, name=r.name[:200], report=report,
                                     summary=engine.summary(report)))
    return rows


def _audit_create(owner, assessment: Assessment, antibodies: int) -> None:
    audit_record(actor=owner, action="assessment.create", entity_type="assessment", entity_key=str(assessment.pk),
                 entity_label=assessment.title, changes={"antibodies": [None, antibodies],
                                                         "shared_with_organization": [None, assessment.shared_with_organization]})


def assessment_run(assessment_id: int) -> str:
    """The job: claim, then assess and write chunk by chunk, each chunk and its progress in one transaction.

    Killed mid-way, the chunks written stay and the clock queues the batch again: the next attempt starts
    after the last antibody written. Only the attempt that holds the claim writes (checked under the row's
    lock), and a place of the batch holds one row (a unique constraint), so nothing is ever written twice.
    """
    now = timezone.now()
    claimed = Assessment.objects.filter(pk=assessment_id, status="queued").update(
        status="running", attempts=models.F("attempts") + 1, heartbeat_at=now,
        attempt_progress_from=models.F("progress_done"))
    if not claimed:
        return "not queued"
    assessment = Assessment.objects.get(pk=assessment_id)
    attempt = assessment.attempts
    mine = Assessment.objects.filter(pk=assessment_id, status="running", attempts=attempt)
    try:
        entries = engine.parse_input(assessment.input_text)
        done = assessment.antibodies.count()  # what earlier attempts wrote
        chunk = settings.GUICHET_ANTIBODY_CHUNK
        while done < len(entries):
            # A report keeps its errors and warnings as sentences: in the asker's language, not the worker's
            # (an English batch read "lettres qui ne sont pas des acides aminés").
            with translation.override(assessment.language or settings.LANGUAGE_CODE):
                reports = [engine.assess(name, heavy, light, cdr_scheme=assessment.cdr_scheme)
                           for name, heavy, light in entries[done:done + chunk]]
            with transaction.atomic():
                if not mine.select_for_update().exists():
                    return "superseded"  # the clock gave the batch to another attempt: it goes on from here
                AssessedAntibody.objects.bulk_create(_rows(assessment_id, done, reports))
                done += len(reports)
                mine.update(progress_done=done, heartbeat_at=timezone.now())
    except Exception as exc:
        mine.update(status="failed", error=f"{exc.__class__.__name__}: {exc}"[:2000])
        raise
    with transaction.atomic():
        finished = mine.update(status="done", input_text="", progress_done=done)
        if finished:
            audit_record(actor=None, action="assessment.done", entity_type="assessment",
                         entity_key=str(assessment_id), entity_label=assessment.title,
                         changes={"status": ["running", "done"], "attempts": [None, attempt]})
    return "done" if finished else "superseded"


def assessment_jobs_recover() -> int:
    """Queue again the batches whose worker stopped, and those whose job was lost."""
    from .tasks import run_assessment

    stale = timezone.now() - timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS)
    dead = Assessment.objects.filter(status="running", heartbeat_at__lt=stale)
    # An attempt that wrote a chunk before it stopped moved the batch on: only attempts without progress count
    # towards GUICHET_JOB_MAX_ATTEMPTS (a long batch on a worker restarted every hour would fail otherwise).
    dead.filter(progress_done__gt=models.F("attempt_progress_from")).update(status="queued",
                                                                         attempts_without_progress=0)
    stuck = dead.filter(progress_done__lte=models.F("attempt_progress_from"))
    stuck.filter(attempts_without_progress__gte=settings.GUICHET_JOB_MAX_ATTEMPTS - 1).update(
        status="failed", attempts_without_progress=models.F("attempts_without_progress") + 1,
        error="the worker stopped during every attempt")
    stuck.update(status="queued", attempts_without_progress=models.F("attempts_without_progress") + 1)
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
