"""/health/'s queue check is `core.jobs.queue_check` (one rule): a job the database queue has left waiting
past GUICHET_JOB_STALE_SECONDS (no worker takes work) turns /health/ into a 503 that names the queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GUICHET_TASKS_BACKEND = "database"
    return settings


@pytest.mark.django_db(transaction=True)  # the async view checks from a thread of its own: committed rows
def test_a_job_nobody_takes_makes_health_say_so(client, database_queue):
    from django_tasks_db.models import DBTaskResult

    from guichet.matching.tasks import retag_vocabulary

    retag_vocabulary.enqueue(["tri cellulaire"])
    assert client.get("/health/", HTTP_ACCEPT="application/json").status_code == 200  # just enqueued: fine
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=2))
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and response["Retry-After"]
    report = response.json()
    assert report["Database(alias='default')"] == "OK"
    assert "1 job(s) waiting for more than" in report["Queue()"]


def test_health_and_queue_check_agree_on_the_rq_backend(database_queue):
    from guichet.core import health, jobs

    database_queue.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    database_queue.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens there
    healthy, detail = jobs.queue_check()
    assert not healthy and "RQBackend" in detail
    with pytest.raises(health.ServiceUnavailable):
        health.Queue().run()
