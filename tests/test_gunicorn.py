"""gunicorn with the shipped configuration serves /health/ and /metrics, reloads gracefully on HUP,
and stops on TERM: a real master and two workers on a free port, a production-like environment."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a real gunicorn master and its workers, started and stopped
SRC = Path(__file__).resolve().parents[1] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, attempts: int = 100) -> tuple[int, str]:
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def worker_pids(master: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return {int(pid) for pid in out.split()}


def test_gunicorn_with_the_shipped_config_serves_health_and_reloads(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUICHET_", "DJANGO_"))}
    env.update({
        # Serving and reloading are checked here; the engines' warm-up at start in tests/test_worker_warm.py.
        "PYTHONPATH": str(SRC), "GUICHET_SECRET_KEY": "gunicorn-test-" + "x" * 40, "GUICHET_SEMANTIC": "0",
        "GUICHET_WARM_UP": "0",
        "GUICHET_DATA_DIR": str(tmp_path / "data"), "GUICHET_ALLOWED_HOSTS": "127.0.0.1",
        "GUICHET_SSL_REDIRECT": "0", "GUICHET_BIND": f"127.0.0.1:{port}", "GUICHET_WORKERS": "2",
        "GUICHET_LOG_FORMAT": "json", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    })
    subprocess.run([sys.executable, "-m", "guichet", "migrate", "-v0"], env=env, check=True, timeout=300)
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:guichet.config.gunicorn_conf"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        status, body = fetch(f"http://127.0.0.1:{port}/health/?format=json")
        assert status == 200, body
        assert set(json.loads(body).values()) == {"OK"}
        for _ in range(50):
            if len(worker_pids(server.pid)) == 2:
                break
            time.sleep(0.2)
        before = worker_pids(server.pid)
        assert len(before) == 2

        # Graceful restart: new workers replace the old ones, and the site answers throughout.
        server.send_signal(signal.SIGHUP)
        for _ in range(100):
            after = worker_pids(server.pid)
            if len(after) == 2 and not after & before:
                break
            time.sleep(0.2)
        assert len(after) == 2 and not after & before
        assert fetch(f"http://127.0.0.1:{port}/health/?format=json")[0] == 200

        # Prometheus adds up the figures of every worker, past and present.
        status, metrics = fetch(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and "django_http_requests_total_by_method_total" in metrics
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0
    log.seek(0)
    lines = [json.loads(line) for line in log.read().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any('"GET /health/?format=json HTTP/1.1" 200' in line["message"] for line in access)
    assert any("Handling signal: hup" in line["message"] for line in lines)


def test_gunicorn_takes_a_need_as_long_as_matching_v1_allows(tmp_path):
    """matching-v1 takes `q` up to 5,000 characters (400 beyond): gunicorn's default request-line limit
    (4,094 bytes) answered a longer line with an undocumented 414 before Django saw it (schemathesis
    against gunicorn, issue 9 review)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUICHET_", "DJANGO_"))}
    env.update({
        # Serving and reloading are checked here; the engines' warm-up at start in tests/test_worker_warm.py.
        "PYTHONPATH": str(SRC), "GUICHET_SECRET_KEY": "gunicorn-test-" + "x" * 40, "GUICHET_SEMANTIC": "0",
        "GUICHET_WARM_UP": "0",
        "GUICHET_DATA_DIR": str(tmp_path / "data"), "GUICHET_ALLOWED_HOSTS": "127.0.0.1",
        "GUICHET_SSL_REDIRECT": "0", "GUICHET_BIND": f"127.0.0.1:{port}", "GUICHET_WORKERS": "1",
    })
    subprocess.run([sys.executable, "-m", "guichet", "migrate", "-v0"], env=env, check=True, timeout=300)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:guichet.config.gunicorn_conf"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert fetch(f"http://127.0.0.1:{port}/health/?format=json")[0] == 200
        need = ("tri cellulaire " * 400)[:5000]
        status, body = fetch(f"http://127.0.0.1:{port}/api/v1/match?"
                             + urllib.parse.urlencode({"q": need, "limit": 5}))
        assert status == 200, body
        assert json.loads(body) == []  # an empty directory: nobody to suggest, but the need was read
        status, body = fetch(f"http://127.0.0.1:{port}/api/v1/match?" + urllib.parse.urlencode({"q": need + "x"}))
        assert status == 400 and json.loads(body)["detail"]  # matching-v1: refused with a message
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def _start_with_config(tmp_path, config_arg: str, port: int):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUICHET_", "DJANGO_"))}
    env.update({"PYTHONPATH": f"{tmp_path}{os.pathsep}{SRC}", "GUICHET_BIND": f"127.0.0.1:{port}"})
    log = (tmp_path / f"gunicorn-{port}.log").open("w+")
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", config_arg], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=tmp_path)


def _workers_settle(master: int, expected: int) -> set[int]:
    for _ in range(150):
        pids = worker_pids(master)
        if len(pids) == expected:
            time.sleep(1)  # and stays there (HUP first starts the new workers, then stops the old ones)
            if len(worker_pids(master)) == expected:
                return worker_pids(master)
        time.sleep(0.2)
    raise AssertionError(f"{len(worker_pids(master))} workers, expected {expected}")


def test_hup_rereads_a_config_file_but_not_a_config_module(tmp_path):
    """What README says HUP reloads: gunicorn re-executes a configuration given as a file path, but a
    `python:` module is imported once (Python's module cache) and keeps its settings. Here: the shipped
    settings with a tiny WSGI app, one worker, then the file edited to two workers and HUP sent."""
    (tmp_path / "tinyapp.py").write_text(
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n")
    conf = tmp_path / "hupconf.py"

    def write_conf(workers):
        conf.write_text("from guichet.config.gunicorn_conf import *  # noqa\n"
                        f"wsgi_app = 'tinyapp:app'\nworkers = {workers}\nlogconfig_dict = {{}}\n")

    for config_arg, rereads in ((f"python:{conf.stem}", False), (str(conf), True)):
        write_conf(1)
        port = free_port()
        server = _start_with_config(tmp_path, config_arg, port)
        try:
            assert fetch(f"http://127.0.0.1:{port}/")[1] == "ok"
            before = _workers_settle(server.pid, 1)
            write_conf(2)
            server.send_signal(signal.SIGHUP)
            after = _workers_settle(server.pid, 2 if rereads else 1)
            assert not after & before  # new workers either way: the application's code is imported afresh
            assert fetch(f"http://127.0.0.1:{port}/")[1] == "ok"
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
