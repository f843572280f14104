"""Build the percentile tables (data/reference.json) from the approved therapeutics of Thera-SAbDab."""

import csv
import json
import os
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guichet.antibodies import engine

DEFAULT_SOURCE = Path(os.environ.get("GUICHET_SHARED_DIR", Path.cwd().parent / "shared")) / "data" / \
    "therapeutic-antibodies" / "TheraSAbDab_clean.tsv"


class Command(BaseCommand):
    help = "Build data/reference.json (sorted metric values of approved therapeutics) from Thera-SAbDab."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(DEFAULT_SOURCE))
        parser.add_argument("--output", default=str(engine.REFERENCE_FILE))

    def handle(self, *args, source, output, **options):
        path = Path(source)
        if not path.exists():
            raise CommandError(f"The reference data is absent: {path} (shared/data/therapeutic-antibodies).")
        schemes: dict[str, dict[str, list[float]]] = {scheme: {} for scheme in engine.CDR_SCHEMES}
        used = 0
        with path.open(encoding="utf-8") as handle:
            rows = [row for row in csv.DictReader(handle, delimiter="\t")
                    if row["Highest_Clin_Trial (Jan '20)"] == "Approved" and row["Heavy Sequence"]
                    and row["Light Sequence"] not in ("", "na")]
        for scheme, metrics in schemes.items():
            # CDR lengths, charges and hydrophobicity depend on the CDR definition: one table per scheme.
            used = 0
            for row in rows:
                report = engine.assess(row["Therapeutic"], row["Heavy Sequence"], row["Light Sequence"],
                                       cdr_scheme=scheme)
                if not report.heavy or report.heavy.errors or not report.light or report.light.errors:
                    continue
                used += 1
                values = engine.developability(report.heavy, report.light)
                for key, chain in (("heavy", report.heavy), ("light", report.light)):
                    values[f"{key}_v_identity"] = chain.v_identity
                    values[f"{key}_oasis_9mer"] = chain.oasis_9mer
                for metric, value in values.items():
                    metrics.setdefault(metric, []).append(value)
        table = {
            "provenance": ("Approved therapeutics of Thera-SAbDab (January 2020 export, Raybould et al., NAR 2020) "
                           "from shared/data/therapeutic-antibodies (Merck/BioPhi-2021-publication, MIT); "
                           f"{used} antibodies with both chains assessed by guichet.antibodies.engine; built "
                           f"{date.today().isoformat()}. Bands: green inside the central 90 % of these values, "
                           "amber in the outer 5 % on each side, red outside their range."),
            "count": used,
            "metrics": {k: sorted(v) for k, v in sorted(schemes["imgt"].items())},   # IMGT, as before
            "schemes": {scheme: {k: sorted(v) for k, v in sorted(metrics.items())}
                        for scheme, metrics in schemes.items()},
        }
        Path(output).write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(f"{used} approved therapeutics → {output}")
