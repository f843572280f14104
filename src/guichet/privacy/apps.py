from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "guichet.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        # Every app says what it holds about a person in its own privacy.py (export and erase).
        autodiscover_modules("privacy")
