"""Background jobs on Django's tasks API (django-tasks), and the worker's own clock.

What a job does is always recorded in our own rows (an outbox message, an import batch, an assessment),
claimed by compare-and-set; a task only says "work on row N". So a task delivered twice does the work once,
and a task lost (a worker killed with SIGKILL, Redis flushed) is found again by `tick`, which re-enqueues
whatever is due or whose worker stopped giving signs of life. Neither queue backend retries by itself.
"""

import logging
from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_tasks import default_task_backend, task

logger = logging.getLogger("guichet.jobs")


def supports_defer() -> bool:
    return bool(getattr(default_task_backend, "supports_defer", False))


def queue_in_database(job) -> bool:
    """`job`'s queue is the database backend (the default): its task rows live in the database the services
    write."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(job.get_backend(), DatabaseBackend)


def enqueue(job, *args, run_after=None, **kwargs) -> None:
    """Enqueue `job` once the current transaction commits (at once outside one).

    A job enqueued for rows that are then rolled back would find nothing, or worse, old rows; on commit it
    finds what the transaction wrote. A queue that is down is logged, never raised into the user's request:
    the row stays due and `tick` enqueues it again.

    On the database queue, inside a transaction, the task row is written in that transaction instead: it
    commits or rolls back with the rows it names (no worker sees it before), and the action pays one commit,
    not two (issue 13: a booking's second commit, the task's own, was half its time on PostgreSQL).
    """
    if queue_in_database(job) and transaction.get_connection().in_atomic_block:
        (job.using(run_after=run_after) if run_after is not None else job).enqueue(*args, **kwargs)
        return

    def go():
        target = job
        if run_after is not None:
            if not supports_defer():
                return  # e.g. the immediate backend: `tick` runs what is due
            target = job.using(run_after=run_after)
        try:
            target.enqueue(*args, **kwargs)
        except Exception:  # the queue's own errors (Redis down, database locked): the row is still due
            logger.exception("could not enqueue %s", job.name)

    transaction.on_commit(go)


def backoff(attempts: int, base_seconds: int, cap_seconds: int = 6 * 3600) -> timedelta:
    """base, 2·base, 4·base… after the 1st, 2nd, 3rd failed attempt, never more than the cap."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


# How early a job run at its `run_after` may start and still count as due. RQ's scheduler keeps a job's time
# in whole seconds (ScheduledJobRegistry.schedule: calendar.timegm, fraction dropped), so it starts the
# next `tick` up to a second before the time that tick stored; and clocks of several hosts differ a little.
SCHEDULE_LEEWAY = timedelta(seconds=5)


def claim_schedule(name: str, every: timedelta, *, leeway: timedelta = timedelta(0)) -> bool:
    """True for exactly one caller per period: moves the schedule's next run forward by compare-and-set.
    `leeway`: a caller that far ahead of the schedule still claims it (never more than half a period)."""
    from .models import Schedule

    now = timezone.now()
    Schedule.objects.get_or_create(name=name, defaults={"next_run_at": now})
    return bool(Schedule.objects.filter(name=name, next_run_at__lte=now + min(leeway, every / 2)).update(
        next_run_at=now + every, last_run_at=now))


@task()
def tick() -> dict:
    """The periodic job: re-enqueues itself first, then sends reminders and recovers lost jobs.

    Extra ticks (each worker start seeds one) find the schedule claimed and stop, so one chain lives on.
    """
    every = timedelta(seconds=settings.GUICHET_TICK_SECONDS)
    with transaction.atomic():
        # With leeway: the chain's own successor, started a moment early by RQ, must not find the schedule
        # "not yet due" and stop, which ended the chain (seen by the operator trial: /health/worker/ 503,
        # "the worker's clock is late", no reminder nor recovery until the worker was restarted).
        if not claim_schedule("tick", every, leeway=SCHEDULE_LEEWAY):
            return {"skipped": True}
        enqueue(tick, run_after=timezone.now() + every)
    return run_periodic()


def run_periodic() -> dict:
    """Everything the clock does, also callable directly (tests, `guichet tick`)."""
    from guichet.bookings.services import send_due_reminders
    from guichet.directory.services import import_batches_recover
    from guichet.events.services import send_event_reminders

    from .mail import outbox_recover

    done = {}
    for name, step in (("outbox", outbox_recover), ("imports", import_batches_recover),
                       ("reminders", send_due_reminders), ("interrupted", database_tasks_recover),
                       ("event_reminders", send_event_reminders), ("abandoned", rq_tasks_recover)):
        try:
            done[name] = step()
        except Exception:  # one failing step must not stop the others, nor the clock
            logger.exception("periodic step %s failed", name)
            done[name] = "error"
    from guichet.impact.services import report_runs_recover

    try:
        done["reports"] = report_runs_recover()
    except Exception:
        logger.exception("periodic step reports failed")
        done["reports"] = "error"
    try:
        from guichet.antibodies.services import assessment_jobs_recover
    except ImportError:
        pass
    else:
        done["antibodies"] = assessment_jobs_recover()
    # --- declaration campaigns ---
    from guichet.declarations.services import send_campaign_reminders
    from guichet.impact.services import annual_reports_recover

    for name, step in (("campaign_reminders", send_campaign_reminders), ("annual_reports", annual_reports_recover)):
        try:
            done[name] = step()
        except Exception:  # as above: one failing step must not stop the others
            logger.exception("periodic step %s failed", name)
            done[name] = "error"
    # --- calls, talent ---
    from guichet.calls.services import calls_tick
    from guichet.talent.services import cvs_purge, postings_expire

    for name, step in (("postings_expired", postings_expire), ("calls", calls_tick), ("cvs_purged", cvs_purge)):
        try:
            done[name] = step()
        except Exception:
            logger.exception("periodic step %s failed", name)
            done[name] = "error"
    # --- facility operations (issue 13) --- a slot freed by any cancellation goes to its waitlist
    from guichet.facility.usage import release_no_shows
    from guichet.facility.waitlist import waitlist_sweep

    try:
        done["released"] = release_no_shows()  # first: a released slot goes to the waitlist in this tick
        done["waitlists"] = waitlist_sweep()
    except Exception:
        logger.exception("periodic step waitlists failed")
        done["waitlists"] = "error"
    # --- impact PDF reports (issue 9) --- once a day: what has outlived its retention delay goes
    from guichet.impact.services import report_runs_purge
    from guichet.privacy.services import purge_expired

    if claim_schedule("purge", timedelta(days=1)):
        for name, step in (("purged_reports", report_runs_purge), ("purged_imports", purge_expired)):
            try:
                done[name] = step()
            except Exception:
                logger.exception("periodic step %s failed", name)
                done[name] = "error"
    return done


INTERRUPTED = "guichet.core.jobs.WorkerStopped"


def database_tasks_recover() -> int:
    """Database queue: a task left `RUNNING` by a worker that died (SIGKILL, host lost) is marked failed and
    enqueued again, up to GUICHET_JOB_MAX_ATTEMPTS times. Every Guichet task is safe to run twice."""
    if settings.GUICHET_TASKS_BACKEND != "database":
        return 0
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    stale = timezone.now() - timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS)
    again = 0
    for row in DBTaskResult.objects.running().filter(started_at__lt=stale)[:200]:
        if not DBTaskResult.objects.filter(pk=row.pk, status="RUNNING").update(
                status="FAILED", finished_at=timezone.now(), exception_class_path=INTERRUPTED,
                traceback="the worker stopped while running this task"):
            continue
        if row.task_path == "guichet.core.jobs.tick":
            continue  # the clock re-enqueued itself before working
        failures = DBTaskResult.objects.filter(task_path=row.task_path, args_kwargs=row.args_kwargs,
                                               exception_class_path=INTERRUPTED).count()
        if failures < settings.GUICHET_JOB_MAX_ATTEMPTS:
            import_string(row.task_path).enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            again += 1
    return again


def rq_tasks_recover(*, timestamp: float | None = None) -> int:
    """RQ queue: a job whose worker died (SIGKILL, host lost) stays "started" until its last heartbeat's
    lease runs out; RQ's own StartedJobRegistry cleanup then moves it to the failed jobs as abandoned
    (AbandonedJobError). Each abandoned Guichet job is enqueued again, up to GUICHET_JOB_MAX_ATTEMPTS times
    in all: every Guichet task is safe to run twice. `timestamp` (tests): the clock the leases are read by."""
    if not task_backend().startswith(RQ_TASK_BACKENDS):
        return 0
    import django_rq
    from django.utils.module_loading import import_string
    from django_tasks_rq.backend import Job
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    again = 0
    for queue_name in settings.RQ_QUEUES:
        queue = django_rq.get_queue(queue_name, job_class=Job)
        StartedJobRegistry(queue=queue, job_class=Job).cleanup(timestamp=timestamp)
        failed = FailedJobRegistry(queue=queue, job_class=Job)
        for job in Job.fetch_many(failed.get_job_ids(), connection=queue.connection):
            if job is None or job.meta.get("guichet_recovered"):
                continue
            result = job.latest_result()
            if not (result and "AbandonedJobError" in (result.exc_string or "")):
                continue  # failed by raising: the task's own rows say whether to retry (tick)
            job.meta["guichet_recovered"] = True
            job.save_meta()
            if job.func_name == "guichet.core.jobs.tick":
                continue  # the clock re-enqueued itself before working
            attempts = job.meta.get("guichet_attempts", 1)
            if attempts >= settings.GUICHET_JOB_MAX_ATTEMPTS:
                continue
            result = import_string(job.func_name).enqueue(*job.args, **job.kwargs)
            retried = Job.fetch(result.id, connection=queue.connection)
            retried.meta["guichet_attempts"] = attempts + 1
            retried.save_meta()
            again += 1
    return again


def seed_clock() -> None:
    """Start the periodic chain (called when a worker starts; a chain already alive absorbs it)."""
    try:
        tick.enqueue()
    except Exception:
        logger.exception("could not seed the periodic job")


# Backend class paths of django-tasks (its own and the two companion packages).
DATABASE_TASK_BACKENDS = ("django_tasks_db.", "django_tasks.backends.database.")
RQ_TASK_BACKENDS = ("django_tasks_rq.", "django_tasks.backends.rq.")


def task_backend() -> str:
    """Class path of the default django-tasks backend, or "" when the project runs no queue."""
    tasks = getattr(settings, "TASKS", None) or {}
    return (tasks.get("default") or {}).get("BACKEND", "")


class Detail(str):
    """A status line: in English as a string (JSON, text and metrics formats, logs: read by machines, kept
    stable), and `translated()` in the reader's language for the status pages people read."""

    def __new__(cls, message: str, **params):
        line = super().__new__(cls, message % params)
        line.message, line.params = message, params
        return line

    def translated(self) -> str:
        return gettext(self.message) % self.params


def queue_check() -> tuple[bool, str]:
    """(healthy, detail) of the job queue as /health/ sees it: can this process hand work to it (the database
    queue's table, every RQ queue's Redis)? Whether a worker takes that work is `worker_check`, not this: a
    late worker must not take every app process out of a load balancer's rotation (see core/health.py)."""
    backend = task_backend()
    name = backend.rsplit(".", 1)[-1] or "none"
    try:
        if backend.startswith(RQ_TASK_BACKENDS):
            import django_rq

            for queue_name in settings.RQ_QUEUES:
                django_rq.get_connection(queue_name).ping()
            return True, Detail(gettext_noop("%(queue)s: %(n)d waiting"), queue=name,
                                n=len(django_rq.get_queue("default")))
        if not backend.startswith(DATABASE_TASK_BACKENDS):
            return True, name  # immediate or dummy: nothing to probe
        from django_tasks_db.models import DBTaskResult

        return True, Detail(gettext_noop("%(queue)s: %(n)d waiting"), queue=name, n=DBTaskResult.objects.ready().count())
    except Exception as exc:
        return False, Detail(gettext_noop("%(queue)s: unreachable (%(error)s)"), queue=name,
                             error=f"{exc.__class__.__name__}: {exc}")


def worker_check(*, now=None) -> tuple[bool, str]:
    """(healthy, detail) of the workers, the rule /health/worker/ applies: no job has waited for a worker more
    than GUICHET_JOB_STALE_SECONDS, and the worker's clock (`tick`) ran when it was due, within that delay."""
    backend = task_backend()
    name = backend.rsplit(".", 1)[-1] or "none"
    if not backend.startswith((*RQ_TASK_BACKENDS, *DATABASE_TASK_BACKENDS)):
        return True, name  # immediate or dummy: jobs run in the request, there is no worker to wait for
    from .models import Schedule

    now = now or timezone.now()
    stale = timedelta(seconds=settings.GUICHET_JOB_STALE_SECONDS)
    try:
        if backend.startswith(RQ_TASK_BACKENDS):
            import django_rq

            queue = django_rq.get_queue("default")
            oldest = next(iter(queue.get_jobs(0, 1)), None)  # the head of the list waited longest
            enqueued = oldest.enqueued_at if oldest is not None else None
            if enqueued is not None and timezone.is_naive(enqueued):
                enqueued = timezone.make_aware(enqueued, UTC)  # RQ before 2.0: naive UTC
            stuck = int(enqueued is not None and enqueued < now - stale)
        else:
            from django.db.models import Q
            from django_tasks_db.models import DBTaskResult, get_date_max

            late = now - stale
            stuck = DBTaskResult.objects.ready().filter(Q(run_after=get_date_max()) | Q(run_after__lt=late),
                                                        enqueued_at__lt=late).count()
        clock = Schedule.objects.filter(name="tick").first()
    except Exception as exc:
        return False, Detail(gettext_noop("%(queue)s: unreachable (%(error)s)"), queue=name,
                             error=f"{exc.__class__.__name__}: {exc}")
    if stuck:
        return False, Detail(gettext_noop("%(queue)s: %(n)d job(s) waiting for more than %(seconds)d s"),
                             queue=name, n=stuck, seconds=settings.GUICHET_JOB_STALE_SECONDS)
    if clock is None:
        return False, Detail(gettext_noop("%(queue)s: no worker has started yet (the clock never ran)"), queue=name)
    if clock.next_run_at < now - stale:
        return False, Detail(gettext_noop("%(queue)s: the worker's clock is late (due %(due)s)"), queue=name,
                             due=clock.next_run_at.isoformat(timespec="seconds"))
    return True, Detail(gettext_noop("%(queue)s: clock ran %(at)s"), queue=name,
                        at=clock.last_run_at.isoformat(timespec="seconds") if clock.last_run_at else "-")
