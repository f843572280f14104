"""Operations: /health/, /metrics, structured logs, optional Sentry, the CSP header, and 503 (not 500)
while the database cannot be reached, against a really closed PostgreSQL port and an unopenable SQLite file."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from guichet.core.middleware import DatabaseUnavailableMiddleware

SRC = Path(__file__).resolve().parents[1] / "src"


def run_guichet_python(code: str, **env) -> subprocess.CompletedProcess:
    """Run `code` in a fresh process with the project's settings and the given environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GUICHET_", "DJANGO_"))}
    base.update({"PYTHONPATH": str(SRC), "GUICHET_DEBUG": "1", "GUICHET_SEMANTIC": "0",
                 "DJANGO_SETTINGS_MODULE": "guichet.config.settings", "GUICHET_ALLOWED_HOSTS": "testserver"})
    base.update(env)
    return subprocess.run([sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db
def test_health_reports_database_cache_and_queue(client):
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    report = response.json()
    assert set(report) == {"Database(alias='default')", "Cache(alias='default')", "Queue()"}
    assert set(report.values()) == {"OK"}
    html = client.get("/health/", HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    # The page reads in its reader's language (issue 9), the machine formats stay English.
    assert "État du système" in html and "Base de données" in html and "Database" not in html


def test_queue_check_follows_the_configured_task_backend(settings):
    from guichet.core import health

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens there
    with pytest.raises(health.ServiceUnavailable):
        health.Queue().run()
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15"}}
    health.Queue().run()  # the real Redis answers
    settings.TASKS = {}
    assert health.Queue().pretty_status() == "OK (no queue configured)"


@pytest.mark.django_db
def test_metrics_are_served_to_local_direct_connections_only(client, settings):
    client.get("/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in response.content.decode()
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    # Behind the reverse proxy everybody arrives from 127.0.0.1: the forwarded header gives it away.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    settings.GUICHET_METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200


@pytest.mark.django_db
def test_a_content_length_that_is_not_a_number_is_not_a_server_error(client):
    """CI's schemathesis sent `CONTENT_LENGTH: $6,b` as a header: the metrics middleware's int() raised, a
    500. The request is answered as without the header (the API's own 401 here), and still counted."""
    response = client.post("/api/v1/partnering/requests/1/answer", data="{}", content_type="application/json",
                           headers={"CONTENT_LENGTH": "$6,b"})
    assert response.status_code == 401, response.content[:300]
    assert "detail" in response.json()
    page = client.get("/desk/", headers={"Content-Length": "not-a-number"})
    assert page.status_code == 200 and b"<form" in page.content
    metrics = client.get("/metrics").content.decode()
    assert 'django_http_requests_body_total_bytes_count' in metrics or "requests_body" in metrics


@pytest.mark.django_db
def test_pages_carry_a_policy_without_inline_script_or_style(client):
    response = client.get("/desk/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    body = response.content.decode()
    assert "<style" not in body and " style=" not in body and " onclick=" not in body and "js:" not in body


@pytest.mark.slow
def test_json_logs_are_one_object_per_line_on_stdout():
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('guichet.test').warning('booking %s refused', 42)")
    out = run_guichet_python(code, GUICHET_LOG_FORMAT="json")
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout.strip().splitlines()[-1])
    assert record["message"] == "booking 42 refused"
    assert record["level"] == "WARNING" and record["logger"] == "guichet.test"
    assert record["time"].endswith("+00:00")  # ISO 8601, UTC
    text = run_guichet_python(code, GUICHET_LOG_FORMAT="text")
    assert "WARNING guichet.test booking 42 refused" in text.stdout
    wrong = run_guichet_python(code, GUICHET_LOG_FORMAT="xml")
    assert wrong.returncode != 0 and "GUICHET_LOG_FORMAT='xml': must be one of json, text" in wrong.stderr


@pytest.mark.slow
def test_sentry_is_imported_only_when_a_dsn_is_given():
    code = ("import django, sys; django.setup(); print('sentry_sdk' in sys.modules); "
            "import sentry_sdk; print(sentry_sdk.get_client().is_active())")
    without = run_guichet_python(code)
    assert without.returncode == 0, without.stderr
    assert without.stdout.split() == ["False", "False"]
    # A DSN pointing nowhere: initialisation sends nothing until an error is captured.
    with_dsn = run_guichet_python(code, GUICHET_SENTRY_DSN="http://public@127.0.0.1:9/1")
    assert with_dsn.returncode == 0, with_dsn.stderr
    assert with_dsn.stdout.split() == ["True", "True"]


UNREACHABLE = """
from django.test import Client
import django, json
django.setup()
c = Client()
out = {}
for path, lang in (("/", "fr"), ("/directory/", "en"), ("/api/v1/platforms", "fr"), ("/health/", "fr")):
    r = c.get(path, HTTP_ACCEPT_LANGUAGE=lang, HTTP_ACCEPT="application/json" if "health" in path else "*/*")
    out[path] = [r.status_code, r.get("Retry-After"), r.content.decode()]
print(json.dumps(out))
"""


def assert_unavailable(out):
    assert out.returncode == 0, out.stderr
    answers = json.loads(out.stdout.strip().splitlines()[-1])
    for path, (status, retry_after, _body) in answers.items():
        assert status == 503, (path, status, _body[:300])
        assert retry_after == "30", path
    assert "Guichet est momentanément indisponible" in answers["/"][2]
    assert "Guichet is briefly unavailable" in answers["/directory/"][2]
    assert json.loads(answers["/api/v1/platforms"][2])["detail"]
    health = json.loads(answers["/health/"][2])
    assert health["Database(alias='default')"] != "OK" and health["Cache(alias='default')"] == "OK"
    assert "database unavailable" in out.stdout + out.stderr  # and it was logged


@pytest.mark.slow
def test_503_with_retry_after_when_postgresql_does_not_answer():
    # Port 1 on localhost: nothing listens, the connection is refused at once.
    assert_unavailable(run_guichet_python(UNREACHABLE, GUICHET_DATABASE_URL="postgres://postgres@127.0.0.1:1/guichet"))


@pytest.mark.slow
def test_503_with_retry_after_when_the_sqlite_file_cannot_be_opened(tmp_path):
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")
    url = f"sqlite:///{not_a_directory}/guichet.sqlite3"
    assert_unavailable(run_guichet_python(UNREACHABLE, GUICHET_DATABASE_URL=url, GUICHET_DATA_DIR=str(tmp_path)))


def test_a_connection_lost_during_the_view_is_a_503_too(settings):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/desk/")
    response = middleware.process_exception(request, OperationalError("server closed the connection unexpectedly"))
    assert response.status_code == 503 and response["Retry-After"] == str(settings.GUICHET_RETRY_AFTER_SECONDS)
    assert middleware.process_exception(request, ValueError("not ours")) is None
