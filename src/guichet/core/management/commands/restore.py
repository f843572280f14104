from django.core.management.base import BaseCommand, CommandError

from guichet.core.backups import BackupError, check_media, restore, restore_media


class Command(BaseCommand):
    help = "Load a backup written by `guichet backup` into an empty database (--force replaces a full one)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default="default")
        parser.add_argument("--force", action="store_true", help="replace the contents of a non-empty database")
        parser.add_argument("--media", metavar="TAR", help="also unpack the uploaded files archived by backup --media")

    def handle(self, *args, file, database, force, media, **options):
        try:
            if media:  # refused before the database is touched, not after it was replaced
                check_media(media, force=force)
            engine = restore(file, using=database, force=force)
            self.stdout.write(f"{file} restored into the {engine} database")
            if media:
                self.stdout.write(f"{restore_media(media, force=force)} uploaded files restored from {media}")
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
