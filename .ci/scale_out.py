"""Scale-out check on PostgreSQL: two gunicorn app processes and one job worker on one database.

Bookings (API), desk requests (API) and a directory import (web upload, confirm) are sent at once; mid-way
one app process and the worker are killed with SIGKILL; the worker is started again. Then nothing may be
lost or doubled: every acknowledged booking and request is stored once, no two live bookings overlap, the
import is applied exactly once, every e-mail of the outbox is sent, no job is left running.

    python .ci/scale_out.py [--database-url postgres://postgres@127.0.0.1:5432/guichet_ci_scaleout]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PORTS = (8231, 8232)
PARIS = ZoneInfo("Europe/Paris")

SETUP = """
from guichet.accounts.models import Role, User
from guichet.accounts.services import api_token_create
from guichet.directory.models import Organization
from guichet.platforms.models import Instrument, Platform
from django.db import transaction
org = Organization.objects.create(key="so-lab", name="Scale-out lab", kind="research_lab")
platform = Platform.objects.create(key="so", name="Scale-out platform", organization=org)
Instrument.objects.create(key="so.sorter", name="Sorter", platform=platform, open_weekdays="1234567",
                          max_advance_days=365, min_notice=0)
member = User.objects.create_user("member@so.example", "scale-out-password-2026", role=Role.MEMBER)
User.objects.create_user("staff@so.example", "scale-out-password-2026", role=Role.STAFF)
with transaction.atomic():
    _token, raw = api_token_create(actor=member, name="so")
print("TOKEN=" + raw)
"""

CHECK = """
import json
from django.db.models import Count
from guichet.bookings.models import Booking
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.desk.models import Need
from guichet.directory.models import ImportBatch, Organization
from django_tasks_db.models import DBTaskResult
live = list(Booking.objects.filter(instrument__key="so.sorter").exclude(status="cancelled")
            .order_by("start").values_list("id", "start", "blocked_until"))
overlaps = sum(1 for a, b in zip(live, live[1:]) if b[1] < a[2])
batch = ImportBatch.objects.get()
print("RESULT=" + json.dumps({
    "bookings": [b[0] for b in live], "overlaps": overlaps,
    "requests": list(Need.objects.values_list("id", "text")),
    "batch": [batch.status, batch.attempts], "imported": Organization.objects.filter(key__startswith="so-o").count(),
    "import_applied_events": AuditEvent.objects.filter(action="import.apply").count(),
    "outbox": dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by()),
    "running_tasks": DBTaskResult.objects.filter(status="RUNNING").count(),
}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get(
        "GUICHET_SCALEOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guichet_ci_scaleout"))
    parser.add_argument("--bookings", type=int, default=60)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--records", type=int, default=3000)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="guichet-scaleout-"))
    env = {**os.environ, "GUICHET_DATABASE_URL": args.database_url, "GUICHET_DEBUG": "1", "GUICHET_SEMANTIC": "0",
           "GUICHET_DATA_DIR": str(data), "PYTHONPATH": str(ROOT / "src"), "GUICHET_TASKS_BACKEND": "database",
           "GUICHET_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "GUICHET_TICK_SECONDS": "2", "GUICHET_JOB_STALE_SECONDS": "5", "GUICHET_ALLOWED_HOSTS": "127.0.0.1"}
    name = args.database_url.rsplit("/", 1)[1]
    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    guichet = [PY, "-m", "guichet"]
    subprocess.run([*guichet, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    out = subprocess.run([*guichet, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    token = next(line[6:] for line in out.splitlines() if line.startswith("TOKEN="))

    def start_app(port):
        return subprocess.Popen([PY, "-m", "gunicorn", "guichet.config.wsgi", "--workers", "1", "--bind",
                                 f"127.0.0.1:{port}", "--timeout", "120"], env=env, cwd=ROOT,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    def start_worker():
        return subprocess.Popen([*guichet, "worker", "-v0", "--interval", "0.2"], env=env, cwd=ROOT,
                                start_new_session=True)

    apps = [start_app(port) for port in PORTS]
    worker = start_worker()
    try:
        return run(args, env, guichet, token, apps, worker, start_worker)
    finally:
        for process in (*apps, worker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)


def run(args, env, guichet, token, apps, worker, start_worker) -> int:
    for port in PORTS:
        for _ in range(120):
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=10)
                break
            except requests.RequestException:  # not listening yet, or still loading
                time.sleep(0.5)
    acked = {"bookings": [], "requests": [], "unknown": 0}
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}"}
    day = (datetime.now(PARIS) + timedelta(days=2)).date()

    def post(port, path, body):
        try:
            response = requests.post(f"http://127.0.0.1:{port}{path}", json=body, headers=headers, timeout=60)
        except requests.ConnectionError:
            with lock:
                acked["unknown"] += 1  # the app died with it: stored or not, it must not be doubled
            return None
        assert response.status_code < 500, (path, response.status_code, response.text[:500])
        return response

    def bookings():
        for i in range(args.bookings):
            start = datetime(day.year, day.month, day.day, 8, tzinfo=PARIS) + timedelta(days=i // 12, hours=i % 12)
            response = post(PORTS[i % 2], "/api/v1/bookings", {
                "instrument": "so.sorter", "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()})
            if response is not None and response.status_code == 201:
                with lock:
                    acked["bookings"].append(response.json()["id"])

    def desk():
        for i in range(args.requests):
            response = post(PORTS[i % 2], "/api/v1/desk/requests", {"text": f"Scale-out need number {i}: cell sorting"})
            if response is not None and response.status_code == 201:
                with lock:
                    acked["requests"].append(response.json()["id"])

    def import_file():
        session = requests.Session()
        base = f"http://127.0.0.1:{PORTS[1]}"
        login = session.get(base + "/accounts/login/", timeout=30)
        assert login.status_code == 200
        session.post(base + "/accounts/login/", data={"username": "staff@so.example",
                                                       "password": "scale-out-password-2026",
                                                       "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                     headers={"Referer": base + "/accounts/login/"}, timeout=30)
        payload = {"format": "guichet-directory", "version": 1, "organizations": [
            {"key": f"so-o{i}", "name": f"Organisation {i}", "kind": "company", "description": "Tri cellulaire."}
            for i in range(args.records)]}
        form = session.get(base + "/directory/import/", timeout=30)
        assert form.status_code == 200, form.status_code
        upload = session.post(base + "/directory/import/", files={"file": ("so.json", json.dumps(payload))},
                              data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
                              headers={"Referer": base + "/directory/import/"}, timeout=120, allow_redirects=False)
        assert upload.status_code == 302, (upload.status_code, upload.text[:500])
        # The check runs as a job: the file's page shows the confirm button once it is over (the worker that
        # took it may be the one killed below; the restarted one's clock queues the check again).
        for _ in range(240):
            page = session.get(base + upload.headers["Location"], timeout=30)
            if upload.headers["Location"] + "confirm/" in page.text:
                break
            time.sleep(1)
        else:
            raise AssertionError("the upload's check never ended")
        confirm = session.post(base + upload.headers["Location"] + "confirm/",
                               data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
                               headers={"Referer": base + upload.headers["Location"]}, timeout=60,
                               allow_redirects=False)
        assert confirm.status_code == 302, confirm.status_code

    threads = [threading.Thread(target=t) for t in (bookings, desk, import_file)]
    for t in threads:
        t.start()
    time.sleep(3)
    print("== SIGKILL app process 1 and the worker", flush=True)
    for process in (apps[0], worker):
        os.killpg(process.pid, signal.SIGKILL)
    time.sleep(2)
    print("== worker started again", flush=True)
    worker = start_worker()  # before the import thread waits for its check: that is the worker's work
    apps.append(worker)  # killed at the end by main()
    for t in threads:
        t.join(300)
    try:
        result = None
        for _ in range(90):
            time.sleep(2)
            out = subprocess.run([*guichet, "shell", "-c", CHECK], env=env, cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout
            result = json.loads(next(line[7:] for line in out.splitlines() if line.startswith("RESULT=")))
            pending = {k: v for k, v in result["outbox"].items() if k != "sent"}
            if result["batch"][0] == "applied" and not pending and result["running_tasks"] == 0:
                break
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
    print(json.dumps({k: v for k, v in result.items() if k not in ("bookings", "requests")}), acked["unknown"],
          "requests lost with the killed app", flush=True)
    failures = []
    if result["overlaps"]:
        failures.append(f"{result['overlaps']} overlapping bookings")
    if missing := set(acked["bookings"]) - set(result["bookings"]):
        failures.append(f"acknowledged bookings missing: {sorted(missing)}")
    if missing := set(acked["requests"]) - {r[0] for r in result["requests"]}:
        failures.append(f"acknowledged requests missing: {sorted(missing)}")
    texts = [r[1] for r in result["requests"]]
    if len(texts) != len(set(texts)):
        failures.append("a desk request is stored twice")
    if len(result["bookings"]) > args.bookings or len(texts) > args.requests:
        failures.append("more stored than sent")
    if result["batch"][0] != "applied" or result["imported"] != args.records or result["import_applied_events"] != 1:
        failures.append(f"import not applied exactly once: {result['batch']}, {result['imported']} records")
    if {k: v for k, v in result["outbox"].items() if k != "sent"}:
        failures.append(f"e-mails not sent: {result['outbox']}")
    if result["running_tasks"]:
        failures.append(f"{result['running_tasks']} tasks left running")
    print("scale-out:", "FAILED: " + "; ".join(failures) if failures else
          f"ok ({len(result['bookings'])} bookings, {len(texts)} requests, {result['imported']} records imported)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
