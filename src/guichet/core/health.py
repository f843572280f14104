"""/health/ and /health/worker/, through django-health-check.

Two questions, two addresses (as healthchecks.io, Django-Q's `qmonitor` and RQ's own monitoring keep them
apart): `/health/` is what a load balancer asks of each app process — can it serve? — so it checks only
what a request needs: the database, the cache, and that work can be handed to the job queue
(`core.jobs.queue_check`). A failing check answers 503, and the balancer takes that process out of
rotation. A late or stopped worker does not: every app process would fail at once for a problem none of
them can fix, and the site would go down where only e-mails and imports wait. That is `/health/worker/`
(`core.jobs.worker_check`: a job left waiting past GUICHET_JOB_STALE_SECONDS, or the worker's clock late),
for monitoring and alerting, also 503 when it fails.
`checks()` and `worker_checks()` are the lists the views run; an app that brings a new service adds it here.
"""

import dataclasses

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from health_check import Cache, Database, HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from .jobs import Detail, queue_check, task_backend, worker_check


@dataclasses.dataclass
class Queue(HealthCheck):
    """Work can be handed to the job queue: `core.jobs.queue_check`, the one statement of that rule."""

    def run(self):
        healthy, detail = queue_check()
        if not healthy:
            raise ServiceUnavailable(detail)

    def pretty_status(self) -> str:
        return "OK" if task_backend() else "OK (no queue configured)"

    def status_read(self) -> str:
        return _("OK") if task_backend() else _("OK (no queue configured)")


@dataclasses.dataclass
class Worker(HealthCheck):
    """A worker takes the queue's work in time: `core.jobs.worker_check`, the one statement of that rule."""

    def run(self):
        healthy, detail = worker_check()
        # Kept for the page: it is drawn in the async view, where the database cannot be read again.
        self.detail = detail
        if not healthy:
            raise ServiceUnavailable(detail)

    def pretty_status(self) -> str:
        return getattr(self, "detail", "") or "OK"

    def status_read(self) -> str:
        return readable(getattr(self, "detail", "")) or _("OK")


def checks() -> list[HealthCheck]:
    return [Database(), Cache(), Queue()]


def worker_checks() -> list[HealthCheck]:
    return [Queue(), Worker()]


class GuichetHealthView(HealthCheckView):
    """django-health-check's view with 503 (not 500) when a service is down: the process itself is fine."""

    template_name = "core/health.html"  # ours: the package's own has an inline <style> our CSP refuses
    worker = False

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
            response["Retry-After"] = str(settings.GUICHET_RETRY_AFTER_SECONDS)
        return response

    def get_checks(self):
        yield from (worker_checks() if self.worker else checks())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "worker_page": self.worker,
                "rows": [row(result) for result in self.results]}


# What a person reads on the HTML page, in their language; the JSON, text and OpenMetrics formats stay the
# package's (English, stable) for the load balancer and the monitoring that parse them.
LABELS = {"Database": gettext_lazy("Database"), "Cache": gettext_lazy("Cache"), "Queue": gettext_lazy("Job queue"),
          "Worker": gettext_lazy("Job worker")}
FAILURES = {"Unavailable": gettext_lazy("Unavailable"), "Warning": gettext_lazy("Warning"),
            "Unexpected Result": gettext_lazy("Unexpected result"), "Unknown Error": gettext_lazy("Unknown error")}


def readable(detail) -> str:
    """A status line in the reader's language (`core.jobs.Detail`); other text (a database's own error) as is."""
    return detail.translated() if isinstance(detail, Detail) else str(detail or "")


def row(result) -> dict:
    check, error = result.check, result.error
    if error is not None:
        kind = FAILURES.get(error.message_type, error.message_type)
        status = _("%(kind)s: %(detail)s") % {"kind": kind, "detail": readable(error.message)}
    else:
        status = check.status_read() if hasattr(check, "status_read") else _("OK")
    return {"label": LABELS.get(type(check).__name__, type(check).__name__), "status": status,
            "error": error is not None, "seconds": result.time_taken}


health = GuichetHealthView.as_view()
health_worker = GuichetHealthView.as_view(worker=True)
