from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "guichet.programmes"
    label = "programmes"
    verbose_name = _("Antibody programmes")
