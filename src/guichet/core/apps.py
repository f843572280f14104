from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    default = True  # this module holds a second AppConfig (django_tasks_db's, below): Django must know which is core's
    name = "guichet.core"
    label = "core"
    verbose_name = _("Core")


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks' database backend, named in the reader's language in the admin (its own name is English only)."""

    default = False
    verbose_name = _("Background jobs")
