import multiprocessing
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guichet.antibodies import engine


class Command(BaseCommand):
    # Reads a file and prints: no database, URLs or settings to check first (the checks loaded every view and
    # the API, seconds of start-up on each call; `guichet check` runs them).
    requires_system_checks = []
    help = "Assess antibody sequences (FASTA, or CSV with name,heavy,light): numbering, CDRs, germlines, humanness, liabilities."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--cdr", choices=engine.CDR_SCHEMES, default="imgt")
        parser.add_argument("--jobs", type=int, default=0,
                            help="processes sharing a large batch (default: one per core; 1: this process only)")

    def handle(self, *args, file, json: bool, cdr, jobs: int, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}", returncode=2)
        try:
            antibodies = engine.parse_input(engine.decode_upload(path.read_bytes()))
        except engine.InputError as exc:
            raise CommandError(exc.message or f"Not FASTA or a CSV with name,heavy,light columns ({exc})",
                               returncode=2) from None
        jobs = jobs or _usable_cores()
        if json:
            # Each process turns its own reports into JSON lines: the reports themselves never cross between
            # processes (pickling them back cost as much as a second core saved), and the encoding is shared.
            self.stdout.write("[\n" + ",\n".join(_assess_all(antibodies, cdr, jobs, _json_line)) + "\n]")
            return
        reports = _assess_all(antibodies, cdr, jobs)
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

def _usable_cores() -> int:
    # The cores this process may run on (a container or taskset gives fewer than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not on Linux
        return os.cpu_count() or 1


# Below this many antibodies a second process costs more than it saves.
PARALLEL_FROM = 50


def _assess_one(item: tuple[str, str, str, str]) -> engine.AntibodyReport:
    name, heavy, light, cdr = item
    return engine.assess(name, heavy, light, cdr_scheme=cdr)


def _json_line(item: tuple[str, str, str, str]) -> str:
    # Compact JSON goes through the C encoder (indent= would take the pure-Python one, half the time of a
    # 1,000-antibody batch); one antibody per line still reads and greps.
    return engine.dumps(_assess_one(item))


def _assess_all(antibodies: list[tuple[str, str, str]], cdr: str, jobs: int, one=_assess_one) -> list:
    """In input order. A large batch is shared by `jobs` processes forked once the engine is loaded here (its
    reference data then costs them nothing), as ANARCI's --ncpu does; the web and the job queue assess in
    their own process."""
    items = [(name, heavy, light, cdr) for name, heavy, light in antibodies]
    if jobs <= 1 or len(items) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [one(item) for item in items]
    first = one(items[0])   # loads AntPack, the 9-mer index and the clinical table before the fork
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return [first, *pool.map(one, items[1:], chunksize=max(1, len(items) // (4 * jobs)))]

