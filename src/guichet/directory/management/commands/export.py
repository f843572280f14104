import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from guichet.directory import exchange


class Command(BaseCommand):
    help = "Export the directory as canonical directory-v1 JSON (or, with --xlsx, as the XLSX workbook/template)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write; - for standard output (JSON only)")
        parser.add_argument("--xlsx", action="store_true", help="write an XLSX workbook, one sheet per record type")

    def handle(self, *args, file, xlsx, **options):
        payload = exchange.export_payload()
        if xlsx:
            Path(file).write_bytes(exchange.export_xlsx(payload))
        elif file == "-":
            sys.stdout.write(exchange.canonical_json(payload))
        else:
            Path(file).write_text(exchange.canonical_json(payload), encoding="utf-8")
