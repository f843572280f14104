from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntibodiesConfig(AppConfig):
    name = "guichet.antibodies"
    label = "antibodies"
    verbose_name = _("Antibody assessment")
