"""/health/: the database, the cache and the job queue, through django-health-check.

`checks()` is the one list the view runs; an app that brings a new service adds its check here.
The queue check follows settings.TASKS (django-tasks): the database backend's task table, or the
Redis connection of the RQ backend; with no queue configured (immediate/dummy backends) there is
nothing to probe. A failing check answers 503, so a load balancer takes the process out of rotation.
"""

import dataclasses

from django.conf import settings
from django.db import DatabaseError
from health_check import Cache, Database, HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

# Backend class paths of django-tasks (its own and the two companion packages).
DATABASE_TASK_BACKENDS = ("django_tasks_db.", "django_tasks.backends.database.")
RQ_TASK_BACKENDS = ("django_tasks_rq.", "django_tasks.backends.rq.")


def task_backend() -> str:
    """Class path of the default django-tasks backend, or "" when the project runs no queue."""
    tasks = getattr(settings, "TASKS", None) or {}
    return (tasks.get("default") or {}).get("BACKEND", "")


@dataclasses.dataclass
class Queue(HealthCheck):
    """The job queue can take work: its table answers (database backend) or Redis answers (RQ)."""

    def run(self):
        backend = task_backend()
        if backend.startswith(DATABASE_TASK_BACKENDS):
            from django_tasks_db.models import DBTaskResult

            try:
                DBTaskResult.objects.only("pk").first()
            except DatabaseError as exc:
                raise ServiceUnavailable("task table unavailable") from exc
        elif backend.startswith(RQ_TASK_BACKENDS):
            import django_rq
            from redis.exceptions import RedisError

            try:
                for name in settings.RQ_QUEUES:
                    django_rq.get_connection(name).ping()
            except (RedisError, OSError) as exc:
                raise ServiceUnavailable("Redis unavailable") from exc

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
