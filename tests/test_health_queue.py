"""/health/ answers the load balancer (can this app process serve?); /health/worker/ answers monitoring (does
a worker take the queued jobs in time?). A late worker must not take every app process out of rotation:
`core.jobs.queue_check` (reachability, /health/) and `core.jobs.worker_check` (backlog and clock,
/health/worker/) are the two rules, one each."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def clock_ran(at):
    from guichet.core.models import Schedule

    Schedule.objects.update_or_create(name="tick", defaults={"next_run_at": at + timedelta(seconds=60),
                                                             "last_run_at": at})


@pytest.mark.django_db(transaction=True)  # the async view checks from a thread of its own: committed rows
def test_a_job_nobody_takes_fails_the_worker_status_not_the_load_balancer_check(client, database_queue):
    from django_tasks_db.models import DBTaskResult

    from guichet.matching.tasks import retag_vocabulary

    clock_ran(timezone.now())
    retag_vocabulary.enqueue(["tri cellulaire"])
    assert client.get("/health/worker/", HTTP_ACCEPT="application/json").status_code == 200  # just enqueued
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=2))
    # The app process still serves: the load balancer keeps it.
    health = client.get("/health/", HTTP_ACCEPT="application/json")
    assert health.status_code == 200, health.content
    assert health.json()["Queue()"] == "OK"
    worker = client.get("/health/worker/", HTTP_ACCEPT="application/json")
    assert worker.status_code == 503 and worker["Retry-After"]
    report = worker.json()
    assert report["Queue()"] == "OK"
    assert "1 job(s) waiting for more than" in report["Worker()"]


@pytest.mark.django_db(transaction=True)
def test_a_late_clock_fails_the_worker_status(client, database_queue):
    assert "no worker has started yet" in client.get("/health/worker/?format=json").json()["Worker()"]
    clock_ran(timezone.now() - timedelta(hours=3))  # the last tick was three hours ago: no worker is alive
    late = client.get("/health/worker/?format=json")
    assert late.status_code == 503 and "clock is late" in late.json()["Worker()"]
    assert client.get("/health/?format=json").status_code == 200
    clock_ran(timezone.now())
    assert client.get("/health/worker/?format=json").status_code == 200


def test_worker_check_reads_the_clock_and_the_backlog(database_queue):
    from guichet.core.jobs import worker_check

    now = timezone.now()
    clock_ran(now)
    assert worker_check(now=now)[0]
    assert not worker_check(now=now + timedelta(hours=1))[0]  # due an hour ago, not claimed since


def test_no_queue_means_no_worker_to_wait_for(settings):
    from guichet.core.jobs import worker_check

    assert worker_check() == (True, "ImmediateBackend")


@pytest.mark.django_db(transaction=True)
def test_the_worker_page_is_translated(client, database_queue):
    clock_ran(timezone.now())
    french = client.get("/health/worker/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "État des tâches en arrière-plan" in french and "/health/" in french
    english = client.get("/health/worker/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Job worker status" in english


def test_health_and_queue_check_agree_on_the_rq_backend(database_queue):
    from guichet.core import health, jobs

    database_queue.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    database_queue.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens there
    healthy, detail = jobs.queue_check()
    assert not healthy and "RQBackend" in detail
    with pytest.raises(health.ServiceUnavailable):
        health.Queue().run()
    assert not jobs.worker_check()[0]  # nor can the worker's backlog be read


def test_rq_backlog_counts_in_the_worker_status(database_queue):
    import django_rq

    from guichet.core import jobs

    database_queue.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    database_queue.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/14"}}
    from rq import Queue

    queue = Queue("default", connection=django_rq.get_connection("default"), is_async=True)
    queue.empty()
    try:
        now = timezone.now()
        clock_ran(now)
        queue.enqueue("guichet.core.jobs.run_periodic")  # waits: no rqworker runs here
        assert jobs.worker_check(now=now)[0]
        healthy, detail = jobs.worker_check(now=now + timedelta(hours=1))
        assert not healthy and "waiting for more than" in detail
        assert jobs.queue_check()[0]
    finally:
        queue.empty()


# --- health details translated (issue 9) ---
@pytest.mark.django_db(transaction=True)
def test_the_status_pages_give_their_details_in_the_readers_language(client, database_queue):
    clock_ran(timezone.now() - timedelta(hours=3))  # a late clock: the worker page fails, with its reason
    french = client.get("/health/worker/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 503
    page = french.content.decode()
    assert "Processus de tâches" in page and "File de tâches" in page
    assert "Indisponible\u00a0: DatabaseBackend\u00a0: l’horloge du processus de tâches est en retard" in page
    assert "clock is late" not in page and "Unavailable" not in page
    english = client.get("/health/worker/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Job worker" in english and "Unavailable: DatabaseBackend: the worker&#x27;s clock is late" in english
    # What machines parse stays in English, whatever language the request asks for.
    machine = client.get("/health/worker/?format=json", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert "the worker's clock is late" in machine["Worker()"] and machine["Queue()"] == "OK"
    clock_ran(timezone.now())
    ok = client.get("/health/worker/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "DatabaseBackend\u00a0: l’horloge a tourné à" in ok
    main = client.get("/health/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Base de données" in main and "File de tâches" in main and "Database</td>" not in main
