"""Build the percentile tables (data/reference.json) from the approved therapeutics of Thera-SAbDab."""

import csv
import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guichet.antibodies import engine

SOURCE_IN_SHARED = Path("data") / "therapeutic-antibodies" / "TheraSAbDab_clean.tsv"


class Command(BaseCommand):
    help = "Build data/reference.json (sorted metric values of approved therapeutics) from Thera-SAbDab."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(settings.GUICHET_SHARED_DIR / SOURCE_IN_SHARED))
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
        self._clinical(path, Path(output).with_name("clinical.json"))
        self.stdout.write(f"{used} approved therapeutics → {output}")

    def _clinical(self, source: Path, output: Path) -> None:
        """Every therapeutic's variable domains, IMGT-numbered, for the nearest-clinical-antibody search."""
        antibodies = []
        with source.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                entry = {"name": row["Therapeutic"], "stage": row["Highest_Clin_Trial (Jan '20)"],
                         "status": row["Est. Status"], "target": row["Target"], "format": row["Format"]}
                for kind, column in (("heavy", "Heavy Sequence"), ("light", "Light Sequence")):
                    sequence = row[column] if row[column] not in ("", "na") else ""
                    domains = engine.find_domains(sequence) if sequence else []
                    if domains:
                        start, end, (numbering, *_rest) = domains[0]
                        codes = [c for c in numbering if c != "-"]
                        entry[kind] = {"numbering": " ".join(codes),
                                       "sequence": "".join(a for a, c in zip(sequence[start:end], numbering,
                                                                             strict=True) if c != "-")}
                if "heavy" in entry or "light" in entry:
                    antibodies.append(entry)
        data = {"provenance": ("Thera-SAbDab (January 2020 export, Raybould et al., Nucleic Acids Research 2020), "
                               "as published in Merck/BioPhi-2021-publication (MIT licence, see "
                               "LICENSE-Merck-BioPhi-2021-publication.txt beside this file); variable domains "
                               f"IMGT-numbered by AntPack; built {date.today().isoformat()}."),
                "antibodies": antibodies}
        output.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(antibodies)} therapeutics → {output}")
