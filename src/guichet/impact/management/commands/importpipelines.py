from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guichet.impact.pipelines_import import PipelinesRefused, import_pipelines
from guichet.impact.pipelines_import import template as workbook_template


class Command(BaseCommand):
    help = ("Load start-ups, funding rounds, headcounts, partnerships and programmes from an XLSX workbook "
            "(all or nothing). --template FILE writes an empty workbook with the expected sheets and columns.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--template", action="store_true", help="write the template to FILE instead")

    def handle(self, *args, file, template: bool, **options):
        path = Path(file)
        if template:
            path.write_bytes(workbook_template())
            return
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            counts = import_pipelines(actor=None, data=path.read_bytes())
        except PipelinesRefused as refused:
            for error in refused.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Nothing was imported: {len(refused.errors)} error(s).", returncode=1) from None
        self.stdout.write(", ".join(f"{k}: {v} new" for k, v in counts.items()))
