import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from guichet.core.bulk import collector_paused
from guichet.directory import services
from guichet.directory.exchange import check, read, xlsx
from guichet.directory.exchange.plan import plan_import


class Command(BaseCommand):
    help = "Import a directory-v1 file (JSON or XLSX): all or nothing, idempotent by key."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .json or .xlsx file, or - for JSON on standard input")
        parser.add_argument("--dry-run", action="store_true", help="check and show the plan, write nothing")

    @collector_paused()  # reading a large file too: see core/bulk.py
    def handle(self, *args, file, dry_run, **options):
        try:
            if file == "-":
                payload = read.parse_json(sys.stdin.buffer.read())
            else:
                path = Path(file)
                if not path.is_file():
                    raise CommandError(_("No such file: %(path)s") % {"path": file})
                data = path.read_bytes()
                payload = xlsx.parse_xlsx(data) if path.suffix.lower() == ".xlsx" else read.parse_json(data)
            if dry_run:
                issues = check.check_payload(payload)
                if issues:
                    raise read.ImportRefused(issues)
                plan = plan_import(payload)
            else:
                plan = services.directory_import(actor=None, payload=payload)
        except read.ImportRefused as refused:
            for issue in refused.issues:
                self.stderr.write(str(issue))
            raise CommandError(_("Nothing was imported: %(n)d error(s).") % {"n": len(refused.issues)},
                               returncode=1) from None
        summary = plan.summary
        verb = _("would be") if dry_run else _("done")
        self.stdout.write(_("Import %(verb)s: %(create)d created, %(update)d updated, %(unchanged)d unchanged.")
                          % {"verb": verb, **summary})
