import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from guichet.directory.exchange import records
from guichet.directory.exchange.xlsx import export_xlsx


class Command(BaseCommand):
    help = "Export the directory as canonical directory-v1 JSON (or, with --xlsx, as the XLSX workbook/template)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write; - for standard output (JSON only)")
        parser.add_argument("--xlsx", action="store_true", help="write an XLSX workbook, one sheet per record type")

    def handle(self, *args, file, xlsx, **options):
        payload = records.export_payload()
        if xlsx:
            Path(file).write_bytes(export_xlsx(payload))
        elif file == "-":
            sys.stdout.write(records.canonical_json(payload))
        else:
            Path(file).write_text(records.canonical_json(payload), encoding="utf-8")
