"""RQ, the production queue: a job whose worker was killed with SIGKILL is enqueued again by the clock
(`core.jobs.rq_tasks_recover`, run by `tick`), once its lease ran out, and then runs to the end. Real Redis on
127.0.0.1:6379 and real `guichet worker` processes; skipped without Redis."""

import os
import subprocess
import sys
import textwrap
import time

import pytest

from .conftest import worker_redis_url
from .test_jobs import ROOT, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
REDIS_URL = worker_redis_url(os.environ.get("GUICHET_TEST_RQ_RECOVERY_URL", "redis://127.0.0.1:6379/13"))

KILLED_MID_JOB = textwrap.dedent("""
    import os, signal, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
    os.environ["GUICHET_TEST_WORKER_PID"] = str(os.getpid())
    django.setup()
    from django.core.management import call_command
    from guichet.matching import services

    def die(labels):
        # The worker and its work horse both die, as on a host lost or an OOM kill: nobody reports anything.
        os.kill(int(os.environ["GUICHET_TEST_WORKER_PID"]), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    services.vocabulary_retag = die
    call_command("worker", "--batch", "-v0")
""")


@pytest.fixture
def rq_queue(settings):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    client.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.GUICHET_TASKS_BACKEND = "rq"
    yield client
    client.flushdb()


def run(script=None):
    argv = [sys.executable, "-c", script] if script else [sys.executable, "-m", "guichet", "worker", "--batch", "-v0"]
    return subprocess.run(argv, env=worker_env(GUICHET_TASKS_BACKEND="rq", GUICHET_REDIS_URL=REDIS_URL), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_a_job_of_a_killed_worker_is_enqueued_again_and_runs(rq_queue):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.registry import FinishedJobRegistry, StartedJobRegistry

    from guichet.core.jobs import rq_tasks_recover
    from guichet.matching.tasks import retag_vocabulary

    first = retag_vocabulary.enqueue(["tri cellulaire"])
    killed = run(KILLED_MID_JOB)
    assert killed.returncode == -9, killed.stderr[-2000:]
    queue = django_rq.get_queue("default", job_class=Job)
    assert first.id in StartedJobRegistry(queue=queue).get_job_ids()  # RQ still believes it runs

    assert rq_tasks_recover() == 0  # the dead worker's lease has not run out yet: it might be alive
    assert rq_tasks_recover(timestamp=time.time() + 3600) == 1  # an hour later, by RQ's own registry
    assert rq_tasks_recover(timestamp=time.time() + 3600) == 0  # and only once
    assert Job.fetch(first.id, connection=rq_queue).get_status() == "failed"

    done = run()
    assert done.returncode == 0, done.stderr[-2000:]
    finished = [Job.fetch(i, connection=rq_queue) for i in FinishedJobRegistry(queue=queue).get_job_ids()]
    retried = [j for j in finished if j.func_name == "guichet.matching.tasks.retag_vocabulary"]
    assert len(retried) == 1 and retried[0].id != first.id and retried[0].args == (["tri cellulaire"],)
    assert retried[0].meta["guichet_attempts"] == 2


def test_recovery_gives_up_after_the_maximum_attempts(rq_queue, settings):
    from django_tasks_rq.backend import Job

    from guichet.core.jobs import rq_tasks_recover
    from guichet.matching.tasks import retag_vocabulary

    settings.GUICHET_JOB_MAX_ATTEMPTS = 2
    retag_vocabulary.enqueue(["tri cellulaire"])
    for attempt in (1, 2):
        assert run(KILLED_MID_JOB).returncode == -9
        assert rq_tasks_recover(timestamp=time.time() + 3600) == (1 if attempt == 1 else 0)
    import django_rq

    waiting = [j.func_name for j in django_rq.get_queue("default", job_class=Job).jobs]
    assert "guichet.matching.tasks.retag_vocabulary" not in waiting  # two attempts died: no third
