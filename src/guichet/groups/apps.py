from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "guichet.groups"
    label = "groups"
    verbose_name = _("Labs, teams and projects")
