from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "guichet.platforms"
    label = "platforms"
    verbose_name = _("Technology platforms")
