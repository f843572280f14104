from django.core.management.base import BaseCommand, CommandError

from guichet.core.backups import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent snapshot of the database to FILE (SQLite online backup, or pg_dump -Fc)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, database, **options):
        try:
            engine = backup(file, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{engine} database backed up to {file}")
