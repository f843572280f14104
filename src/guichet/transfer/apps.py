from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "guichet.transfer"
    label = "transfer"
    verbose_name = _("Technology transfer")
