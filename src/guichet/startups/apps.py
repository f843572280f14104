from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupsConfig(AppConfig):
    name = "guichet.startups"
    label = "startups"
    verbose_name = _("Start-up programme")
