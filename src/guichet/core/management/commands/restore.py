from django.core.management.base import BaseCommand, CommandError

from guichet.core.backups import BackupError, restore


class Command(BaseCommand):
    help = "Load a backup written by `guichet backup` into an empty database (--force replaces a full one)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default="default")
        parser.add_argument("--force", action="store_true", help="replace the contents of a non-empty database")

    def handle(self, *args, file, database, force, **options):
        try:
            engine = restore(file, using=database, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{file} restored into the {engine} database")
