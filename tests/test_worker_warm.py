"""The job worker and each web process load the antibody engine (promb, ~10 s) and the matching engine before
their first job or request, so that the first assessment of a process does not wait for them (issue 15); not
with GUICHET_WARM_UP=0. What is checked is that the engines are loaded when the queue starts taking jobs or
the web application is built, not how long it takes."""

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


# --- web processes (issue 15): small assessments run in the request, so each web process warms up too ---

@pytest.fixture
def cold(monkeypatch):
    """Engines unloaded, and the module gunicorn and runserver import ready to be imported afresh (building the
    application again would reconfigure logging under the other tests: Django's part is stood in for)."""
    import sys

    import django.core.wsgi

    kmers.human_9mers.cache_clear()
    lexicon.lexicon.cache_clear()
    monkeypatch.setattr(django.core.wsgi, "get_wsgi_application", lambda: "the application")
    monkeypatch.delitem(sys.modules, "guichet.config.wsgi", raising=False)


def loaded():
    return {"promb": kmers.human_9mers.cache_info().currsize, "lexicon": lexicon.lexicon.cache_info().currsize}


def test_a_web_process_loads_both_engines_when_it_starts(cold, settings):
    import importlib

    assert loaded() == {"promb": 0, "lexicon": 0}
    wsgi = importlib.import_module("guichet.config.wsgi")  # what gunicorn and runserver import
    assert wsgi.application == "the application"
    assert loaded() == {"promb": 1, "lexicon": 1}


def test_the_warm_up_is_skipped_where_it_is_disabled(cold, settings, caplog):
    import importlib

    caplog.set_level("INFO", logger="guichet.core.warm")
    settings.GUICHET_WARM_UP = False
    importlib.import_module("guichet.config.wsgi")
    assert loaded() == {"promb": 0, "lexicon": 0}
    assert "warm-up skipped (GUICHET_WARM_UP=0)" in caplog.text


def test_a_worker_with_the_warm_up_disabled_starts_cold(queue_start, settings):
    settings.GUICHET_TASKS_BACKEND = "database"
    settings.GUICHET_WARM_UP = False
    call_command("worker")
    assert queue_start == {"db_worker": {"promb": 0, "lexicon": 0}}
