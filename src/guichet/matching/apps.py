import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "guichet.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self):
        # The task worker matches too (desk e-mails with suggestions): it warms up like the web processes
        # (guichet.config.wsgi). Other management commands do not pay for it.
        if "db_worker" in sys.argv[1:2]:
            from .warm import warm

            warm()
