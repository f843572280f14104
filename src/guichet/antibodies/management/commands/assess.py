from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guichet.antibodies import engine


class Command(BaseCommand):
    help = "Assess antibody sequences (FASTA, or CSV with name,heavy,light): numbering, CDRs, germlines, humanness, liabilities."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--cdr", choices=engine.CDR_SCHEMES, default="imgt")

    def handle(self, *args, file, json: bool, cdr, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}", returncode=2)
        try:
            reports = engine.assess_batch(engine.decode_upload(path.read_bytes()), cdr_scheme=cdr)
        except engine.InputError as exc:
            raise CommandError(exc.message or f"Not FASTA or a CSV with name,heavy,light columns ({exc})",
                               returncode=2) from None
        if json:
            self.stdout.write(_dumps([r.as_dict() for r in reports]))
            return
        for r in reports:
            self.stdout.write(r.name)
            for label, chain in (("VH", r.heavy), ("VL", r.light)):
                if chain is None:
                    continue
                if chain.errors:
                    self.stdout.write(f"  {label}: " + "; ".join(chain.errors))
                    continue
                self.stdout.write(f"  {label}: {chain.v_gene} ({chain.v_identity:.0%}) {chain.j_gene}  "
                                  f"CDR3 {chain.cdrs.get('cdr3', '')}  liabilities {len(chain.liabilities)}")


def _dumps(value) -> str:
    import json as jsonlib

    return jsonlib.dumps(value, indent=2, ensure_ascii=False)
