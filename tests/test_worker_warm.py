"""The job worker loads the antibody engine (promb, ~10 s) and the matching engine before its first job, so
that the first assessment of a process does not wait for them (issue 15). What is checked is that the
engines are loaded when the queue starts taking jobs, not how long it takes."""

import pytest
from django.core.management import call_command

from guichet.antibodies import engine, kmers
from guichet.core.management.commands import worker
from guichet.matching import lexicon

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_start(monkeypatch, settings):
    """Stands in for the queue's own worker command: records what was loaded when it was started."""
    started = {}

    def start(name, *args, **kwargs):
        started[name] = {"promb": kmers.human_9mers.cache_info().currsize,
                         "lexicon": lexicon.lexicon.cache_info().currsize}

    monkeypatch.setattr(worker, "call_command", start)
    monkeypatch.setattr(worker, "seed_clock", lambda: None)
    kmers.human_9mers.cache_clear()
    lexicon.lexicon.cache_clear()
    return started


@pytest.mark.parametrize(("backend", "queue_command"), [("database", "db_worker"), ("rq", "rqworker")])
def test_the_worker_loads_the_engines_before_it_takes_a_job(queue_start, settings, backend, queue_command):
    settings.GUICHET_TASKS_BACKEND = backend
    call_command("worker")
    assert queue_start == {queue_command: {"promb": 1, "lexicon": 1}}


def test_a_batch_run_does_not_load_them(queue_start, settings):
    settings.GUICHET_TASKS_BACKEND = "database"
    call_command("worker", batch=True)
    assert queue_start == {"db_worker": {"promb": 0, "lexicon": 0}}


def test_a_warm_up_that_fails_is_logged_and_the_worker_still_starts(queue_start, settings, monkeypatch, caplog):
    settings.GUICHET_TASKS_BACKEND = "database"

    def broken(*args, **kwargs):
        raise OSError("promb database missing")

    monkeypatch.setattr(engine, "assess", broken)
    call_command("worker")
    assert "db_worker" in queue_start
    assert "antibodies: warm-up failed" in caplog.text
