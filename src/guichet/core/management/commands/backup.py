from django.core.management.base import BaseCommand, CommandError

from guichet.core.backups import BackupError, backup, backup_media


class Command(BaseCommand):
    help = "Write a consistent snapshot of the database to FILE (SQLite online backup, or pg_dump -Fc)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default="default")
        parser.add_argument("--media", metavar="TAR", help="also archive the uploaded files (MEDIA_ROOT) to TAR")

    def handle(self, *args, file, database, media, **options):
        try:
            engine = backup(file, using=database)
            self.stdout.write(f"{engine} database backed up to {file}")
            if media:
                self.stdout.write(f"{backup_media(media)} uploaded files archived to {media}")
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
