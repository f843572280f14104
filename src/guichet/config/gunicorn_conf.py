"""gunicorn settings for Guichet, shipped in the package:

    gunicorn -c python:guichet.config.gunicorn_conf

Every value comes from the environment (README, "Production deployment"). Graceful restarts: `kill -HUP
<master>` starts new workers with new code and lets the old ones finish their requests (graceful_timeout);
max_requests with jitter recycles workers one at a time, never all at once. HUP re-reads these settings only
when gunicorn was given this file by its path, not as `python:` module (imported once), and never sees a
changed environment (the master's).
"""

import multiprocessing
import os

from django.core.exceptions import ImproperlyConfigured

from guichet.config import env


def _int(name: str, default: int) -> int:
    """`env.env_int` (the settings' strict parser), stopping gunicorn with the variable's name."""
    try:
        return env.env_int(name, default)
    except ImproperlyConfigured as exc:
        raise SystemExit(f"guichet: configuration error: {exc}") from None


wsgi_app = "guichet.config.wsgi:application"
bind = os.environ.get("GUICHET_BIND", "127.0.0.1:8001").split(",")
# Sync workers: requests are short (long work goes to the job queue), so processes = cores x 2 + 1,
# capped for small machines' memory (each worker holds the antibody engine and the vocabulary).
workers = _int("GUICHET_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _int("GUICHET_THREADS", 1)
# A request still running after this is killed and logged: the same 30 s a proxy would wait.
timeout = _int("GUICHET_TIMEOUT", 30)
graceful_timeout = _int("GUICHET_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUICHET_KEEPALIVE", 5)
max_requests = _int("GUICHET_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUICHET_MAX_REQUESTS_JITTER", 100)
# matching-v1 takes a need of up to 5,000 characters in GET /api/v1/match?q=: gunicorn's default request line
# (4,094 bytes) answered it with a 414 before Django could. 8,190 is gunicorn's largest bounded value; 0 lifts
# the bound (then the reverse proxy's own limit applies).
limit_request_line = _int("GUICHET_LIMIT_REQUEST_LINE", 8190)
# Not preloaded: on HUP each new worker imports the new code (with preload_app the master's old copy stays).
preload_app = False
# X-Forwarded-Proto/-For are believed from these addresses only (the reverse proxy).
forwarded_allow_ips = os.environ.get("GUICHET_TRUSTED_PROXIES", "127.0.0.1,::1")

# gunicorn 27's control socket (one per user in ~/.gunicorn) is not used: signals do the same, and two
# instances on one host would compete for it. Older gunicorn ignores the unknown setting.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUICHET_GUNICORN_LOG_LEVEL", "info")
# Client, request line, status, bytes, duration in microseconds, referrer, user agent.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(f)s" "%(a)s"'
if os.environ.get("GUICHET_LOG_FORMAT") == "json":
    # gunicorn's own lines as JSON objects on stdout, like the application's (settings.LOGGING).
    _json = {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(levelname)s %(name)s %(message)s",
             "rename_fields": {"levelname": "level", "name": "logger"}, "timestamp": "time"}
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": _json},
        # "console" replaces gunicorn's default handler of that name, which its root logger refers to.
        "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
        "loggers": {name: {"handlers": ["console"], "level": "INFO", "propagate": False}
                    for name in ("gunicorn.error", "gunicorn.access")},
    }


def on_starting(server):
    # Prometheus in multi-process mode: each worker writes its figures to this directory, /metrics adds
    # them up. Stale files of a previous run would be counted again, so the directory starts empty.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
