from django.conf import settings
from django.core.management.base import BaseCommand

from guichet.privacy.services import purge_expired


class Command(BaseCommand):
    help = "Remove uploaded import files older than GUICHET_IMPORT_RETENTION_DAYS (and the addresses in them)."

    def handle(self, *args, **options):
        removed = purge_expired()
        self.stdout.write(f"{removed} import(s) older than {settings.GUICHET_IMPORT_RETENTION_DAYS} days removed")
