"""/health/: the database, the cache and the job queue, through django-health-check.

`checks()` is the one list the view runs; an app that brings a new service adds its check here.
The queue check is `core.jobs.queue_check`: it follows settings.TASKS (django-tasks), the database
backend's task table (and no job left waiting past GUICHET_JOB_STALE_SECONDS) or the Redis connection of
the RQ backend; with no queue configured (immediate/dummy backends) there is nothing to probe. A failing check answers 503, so a load balancer takes the process out of rotation.
"""

import dataclasses

from django.conf import settings
from health_check import Cache, Database, HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from .jobs import queue_check, task_backend


@dataclasses.dataclass
class Queue(HealthCheck):
    """The job queue can take work and takes it: `core.jobs.queue_check`, the one statement of that rule."""

    def run(self):
        healthy, detail = queue_check()
        if not healthy:
            raise ServiceUnavailable(detail)

    def pretty_status(self) -> str:
        return "OK" if task_backend() else "OK (no queue configured)"


def checks() -> list[HealthCheck]:
    return [Database(), Cache(), Queue()]


class GuichetHealthView(HealthCheckView):
    """django-health-check's view with 503 (not 500) when a service is down: the process itself is fine."""

    template_name = "core/health.html"  # ours: the package's own has an inline <style> our CSP refuses

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
            response["Retry-After"] = str(settings.GUICHET_RETRY_AFTER_SECONDS)
        return response

    def get_checks(self):
        yield from checks()


health = GuichetHealthView.as_view()
