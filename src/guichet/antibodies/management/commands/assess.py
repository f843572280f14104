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
            for number, chain in enumerate(r.domains, start=1):
                label = ("VHH" if chain.vhh else "VH") if chain.chain_type == "H" else "VL" if chain.chain_type else "?"
                if chain.errors:
                    self.stdout.write(f"  {number} {chain.source}: " + "; ".join(chain.errors))
                    continue
                trimmed = (f"  residues {chain.start}-{chain.end} of {chain.submitted_length}"
                           if chain.trimmed_before or chain.trimmed_after else "")
                paired = f"  paired with {chain.pair + 1}" if chain.pair is not None else ""
                self.stdout.write(f"  {number} {label}: {'/'.join(chain.v_genes)} ({chain.v_identity:.0%}) "
                                  f"{'/'.join(chain.j_genes)}  CDR3 {chain.cdrs.get('cdr3', '')}  "
                                  f"liabilities {len(chain.liabilities)}{trimmed}{paired}")
                for warning in chain.warnings:
                    self.stdout.write(f"    {warning}")

def _dumps(value) -> str:
    import json as jsonlib

    return jsonlib.dumps(value, indent=2, ensure_ascii=False)
