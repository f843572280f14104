"""In-silico assessment of antibody variable domains, offline: AntPack numbers the chains and finds the
closest human germlines, promb measures the OASis-style 9-mer humanness, and sequence rules find the
liabilities. Developability figures are sequence-based estimates, placed as percentiles of approved
therapeutics (data/reference.json, built by `guichet buildreference` from shared/data)."""

import csv
import io
import json
import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

AMINO_ACIDS = set("ACDEFGHIKLMNPQRSTVWY")
REFERENCE_FILE = Path(__file__).with_name("data") / "reference.json"
CDR_SCHEMES = ("imgt", "kabat", "chothia")
# Chothia CDRs on Martin (enhanced Chothia) numbering.
CHOTHIA = {"H": [("cdr1", 26, 32), ("cdr2", 52, 56), ("cdr3", 95, 102)],
           "L": [("cdr1", 24, 34), ("cdr2", 50, 56), ("cdr3", 89, 97)]}
KYTE_DOOLITTLE = {"A": 1.8, "R": -4.5, "N": -3.5, "D": -3.5, "C": 2.5, "Q": -3.5, "E": -3.5, "G": -0.4, "H": -3.2,
                  "I": 4.5, "L": 3.8, "K": -3.9, "M": 1.9, "F": 2.8, "P": -1.6, "S": -0.8, "T": -0.7, "W": -0.9,
                  "Y": -1.3, "V": 4.2}
MIN_IDENTITY = 0.6   # below this, AntPack's best template is too far: not an antibody variable domain
MIN_LENGTH = 90      # a complete V domain is ~105-125 residues; shorter means truncated
# A variable domain is ~105-125 residues and a whole heavy chain ~450: a longer "chain" is not one, and the
# numbering time grows with the length (an 8.9 MB sequence held a worker past gunicorn's 30 s, issue 9).
MAX_CHAIN_LENGTH = 1000
# What a page or an API call assesses at once (and what it keeps: the first 100 reports). Bigger batches are
# for `guichet assess` (and the job queue): at a few ms each, 100 antibodies answer within a request.
MAX_ANTIBODIES_PER_REQUEST = 100
# The same bound on the pasted text as the API's schema (about 800 antibodies of ~230 residues).
MAX_TEXT_LENGTH = 200_000
# The csv module refuses a cell over 131,072 characters by default, which a schema-valid text can hold.
csv.field_size_limit(max(csv.field_size_limit(), MAX_TEXT_LENGTH))


@dataclass
class Liability:
    kind: str
    motif: str
    position: int   # 1-based, in the submitted sequence
    region: str


@dataclass
class ChainReport:
    sequence: str
    errors: list[str] = field(default_factory=list)
    chain_type: str = ""            # H, K or L
    imgt: list[str] = field(default_factory=list)
    kabat: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)   # per residue: fmwk1, cdr1 ... in the chosen definition
    cdrs: dict = field(default_factory=dict)
    v_gene: str = ""
    j_gene: str = ""
    v_identity: float | None = None
    j_identity: float | None = None
    oasis_9mer: float | None = None
    liabilities: list[Liability] = field(default_factory=list)


@dataclass
class AntibodyReport:
    name: str
    heavy: ChainReport | None
    light: ChainReport | None
    cdr_scheme: str
    developability: dict = field(default_factory=dict)
    humanness: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


# --- input -------------------------------------------------------------------------------------------

class InputError(ValueError):
    """Input the engine cannot read; `message`, when set, is the translated reason to show as is."""

    def __init__(self, code: str, message: str | None = None):
        super().__init__(code)
        self.message = message


def parse_input(text: str, *, max_antibodies: int | None = None) -> list[tuple[str, str, str]]:
    """(name, heavy, light) from FASTA (names ending _H/_VH and _L/_VL pair up) or CSV (name,heavy,light).

    With `max_antibodies`, a batch of more is refused (InputError with its message) before any is assessed."""
    pairs = _parse_input(text)
    if max_antibodies is not None and len(pairs) > max_antibodies:
        raise InputError("too_many", _("%(count)s antibodies in one batch: at most %(max)s at a time here "
                                       "(split the file, or use the command guichet assess).")
                         % {"count": len(pairs), "max": max_antibodies})
    return pairs


def _parse_input(text: str) -> list[tuple[str, str, str]]:
    text = (text or "").strip()
    if not text:
        raise InputError("empty")
    if "\x00" in text or "\ufffd" in text:  # a binary file (an image, a PDF) posted as sequences
        raise InputError("binary")
    if text.startswith(">"):
        # Lines are collected and joined once: `records[name] += line` copied the whole sequence at every line.
        records: dict[str, list[str]] = {}
        name = None
        for line in text.splitlines():
            line = line.strip()
            if line.startswith(">"):
                name = line[1:].strip() or f"sequence {len(records) + 1}"
                records[name] = []
            elif name is not None:
                records[name].append(re.sub(r"\s", "", line))
        pairs: dict[str, dict[str, str]] = {}
        for name, parts in records.items():
            seq = "".join(parts)
            m = re.match(r"^(.*?)[\s_|:-]+(VH|H|HEAVY|VL|L|LIGHT|VK|K)$", name, re.IGNORECASE)
            base, role = (m.group(1), m.group(2).upper()) if m else (name, "")
            kind = "heavy" if role in ("VH", "H", "HEAVY") else "light" if role else "unknown"
            pairs.setdefault(base, {})[kind] = seq.upper()
        return [(n, p.get("heavy", p.get("unknown", "")), p.get("light", "")) for n, p in pairs.items()]
    try:
        # Universal newlines: a bare \r (old Mac files, or pasted) made csv raise "new-line character seen".
        rows = list(csv.DictReader(io.StringIO(text, newline=None)))
    except csv.Error as exc:  # e.g. a NUL byte or an unterminated quote: not a CSV we can read
        raise InputError("csv") from exc
    if not rows or not {"name", "heavy", "light"} <= {k.strip().lower() for k in rows[0] if k is not None}:
        raise InputError("csv")
    out = []
    for number, row in enumerate(rows, start=2):
        if None in row:  # DictReader puts the cells beyond the header under the key None (a 500 before)
            raise InputError("csv", _("Line %(n)d has more columns than its header (name,heavy,light): quote a "
                                      "cell that holds a comma.") % {"n": number})
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items()}
        out.append((row["name"], re.sub(r"\s", "", row["heavy"]).upper(), re.sub(r"\s", "", row["light"]).upper()))
    return out


# --- engines (loaded once per process) -----------------------------------------------------------------

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _annotator(scheme: str):
    from antpack import SingleChainAnnotator

    return SingleChainAnnotator(chains=["H", "K", "L"], scheme=scheme)


@lru_cache(maxsize=1)
def _vj_tool():
    from antpack import VJGeneTool

    return VJGeneTool()


@lru_cache(maxsize=1)
def _oasis():
    from promb import init_db

    with _lock:
        return init_db("human-oas", verbose=False)


@lru_cache(maxsize=1)
def reference() -> dict:
    return json.loads(REFERENCE_FILE.read_text(encoding="utf-8")) if REFERENCE_FILE.exists() else {}


# --- one chain -------------------------------------------------------------------------------------------

def validate(sequence: str) -> list[str]:
    errors = []
    if not sequence:
        return [_("missing sequence")]
    if len(sequence) > MAX_CHAIN_LENGTH:
        return [_("%(n)d residues: longer than any antibody chain (at most %(max)d)")
                % {"n": len(sequence), "max": MAX_CHAIN_LENGTH}]
    if "*" in sequence:
        errors.append(_("stop codon at position %(n)d") % {"n": sequence.index("*") + 1})
    bad = sorted({c for c in sequence if c not in AMINO_ACIDS and c != "*"})
    if bad:
        errors.append(_("not amino-acid letters: %(letters)s") % {"letters": ", ".join(bad)})
    return errors


def _regions(sequence: str, scheme: str, chain_type: str, imgt_labels: list[str], kabat: list[str]) -> list[str]:
    """Region of each residue in the chosen CDR definition, reusing the IMGT and Kabat numberings made once."""
    if scheme == "imgt":
        return imgt_labels
    if scheme == "kabat":
        return _annotator("kabat").assign_cdr_labels(kabat, chain_type)
    if scheme == "chothia":
        numbering = _annotator("martin").analyze_seq(sequence)[0]
        ranges = CHOTHIA["H" if chain_type == "H" else "L"]
        labels, last = [], "fmwk1"
        for code in numbering:
            if code == "-":
                labels.append("-")
                continue
            n = int(re.match(r"\d+", code).group())
            label = next((name for name, lo, hi in ranges if lo <= n <= hi), None)
            if label is None:
                index = {"cdr1": "fmwk2", "cdr2": "fmwk3", "cdr3": "fmwk4"}
                label = index.get(last, last) if last.startswith("cdr") else last
            labels.append(label)
            last = label
        return labels
    raise InputError("cdr_scheme")


def assess_chain(sequence: str, cdr_scheme: str = "imgt") -> ChainReport:
    report = ChainReport(sequence=sequence)
    report.errors = validate(sequence)
    if report.errors:
        return report
    imgt = _annotator("imgt")
    numbering, identity, chain_type, error = imgt.analyze_seq(sequence)
    if error or identity < MIN_IDENTITY or not chain_type:
        # A fragment of a real domain still aligns fairly well; an unrelated protein does not.
        short = len(sequence) < MIN_LENGTH + 10 and chain_type and identity >= 0.45
        report.errors.append(_("truncated variable domain") if short else _("not an antibody variable domain"))
        return report
    numbered = [n for n in numbering if n != "-"]
    if len(numbered) < MIN_LENGTH or not any(n.startswith("104") for n in numbered) or not any(
            n.startswith("23") for n in numbered):
        report.errors.append(_("truncated variable domain"))
        return report
    report.chain_type = chain_type
    report.imgt = list(numbering)
    report.kabat = list(_annotator("kabat").analyze_seq(sequence)[0])
    imgt_labels = imgt.assign_cdr_labels(numbering, chain_type)
    report.regions = list(_regions(sequence, cdr_scheme, chain_type, imgt_labels, report.kabat))
    for name in ("cdr1", "cdr2", "cdr3"):
        report.cdrs[name] = "".join(a for a, r in zip(sequence, report.regions, strict=False) if r == name)
    v, j, vid, jid, _species = _vj_tool().assign_vj_genes((numbering, identity, chain_type, error), sequence,
                                                          "human", "identity")
    report.v_gene, report.j_gene = v.split("_")[0], j.split("_")[0]
    report.v_identity, report.j_identity = round(vid, 4), round(jid, 4)
    report.oasis_9mer = round(_oasis().compute_peptide_content(sequence), 4)
    report.liabilities = liabilities(sequence, imgt_labels, numbering)
    return report


def liabilities(sequence: str, regions: list[str], numbering: list[str]) -> list[Liability]:
    found = []

    def region(i):
        return regions[i] if i < len(regions) else "-"
    for kind, pattern in (("N-glycosylation", r"N[^P][ST]"), ("deamidation", r"N[GS]"),
                          ("isomerization", r"DG")):
        for m in re.finditer(f"(?=({pattern}))", sequence):
            found.append(Liability(kind, m.group(1), m.start() + 1, region(m.start())))
    for i, residue in enumerate(sequence):
        if residue in "MW" and region(i).startswith("cdr"):
            found.append(Liability("oxidation", residue, i + 1, region(i)))
        # IMGT 23 and 104 are the conserved disulfide cysteines; any other cysteine is unpaired.
        if residue == "C" and (i >= len(numbering) or numbering[i] not in ("23", "104")):
            found.append(Liability("unpaired cysteine", "C", i + 1, region(i)))
    return sorted(found, key=lambda x: (x.position, x.kind))


# --- the antibody ---------------------------------------------------------------------------------------

POSITIVE, NEGATIVE = set("KR"), set("DE")


def _charge(seq: str) -> int:
    return sum(c in POSITIVE for c in seq) - sum(c in NEGATIVE for c in seq)


def developability(heavy: ChainReport, light: ChainReport) -> dict:
    """Sequence-based estimates in the spirit of the Therapeutic Antibody Profiler (no structure)."""
    cdrs = [*heavy.cdrs.values(), *light.cdrs.values()]
    cdr_text = "".join(cdrs)
    return {
        "total_cdr_length": sum(len(c) for c in cdrs),
        "cdr_hydrophobicity": round(sum(KYTE_DOOLITTLE.get(c, 0) for c in cdr_text), 2),
        "cdr_positive_charge": sum(c in POSITIVE for c in cdr_text),
        "cdr_negative_charge": sum(c in NEGATIVE for c in cdr_text),
        "fv_charge_asymmetry": _charge(heavy.sequence) * _charge(light.sequence),
    }


def percentile(metric: str, value: float) -> float | None:
    values = reference().get("metrics", {}).get(metric)
    if not values:
        return None
    below, equal = bisect_left(values, value), bisect_right(values, value) - bisect_left(values, value)
    return round(100 * (below + equal / 2) / len(values), 1)


def band(metric: str, value: float) -> str:
    """green inside the central 90 % of approved therapeutics, amber in the outer 5 % tails, red beyond them."""
    values = reference().get("metrics", {}).get(metric)
    if not values:
        return "unknown"
    low, high = values[0], values[-1]
    p = percentile(metric, value)
    if value < low or value > high:
        return "red"
    return "amber" if p < 5 or p > 95 else "green"


def assess(name: str, heavy: str, light: str, *, cdr_scheme: str = "imgt") -> AntibodyReport:
    if cdr_scheme not in CDR_SCHEMES:
        raise InputError("cdr_scheme")
    report = AntibodyReport(name=name, heavy=assess_chain(heavy, cdr_scheme) if heavy else None,
                            light=assess_chain(light, cdr_scheme) if light else None, cdr_scheme=cdr_scheme)
    if report.heavy and not report.heavy.errors and report.heavy.chain_type != "H":
        report.heavy.errors.append(_("expected a heavy chain, found %(type)s") % {"type": report.heavy.chain_type})
    if report.light and not report.light.errors and report.light.chain_type not in ("K", "L"):
        report.light.errors.append(_("expected a light chain, found %(type)s") % {"type": report.light.chain_type})
    chains = [c for c in (report.heavy, report.light) if c and not c.errors]
    for c in chains:
        key = "heavy" if c.chain_type == "H" else "light"
        report.humanness[key] = {
            "v_identity": c.v_identity, "v_identity_percentile": percentile(f"{key}_v_identity", c.v_identity),
            "oasis_9mer": c.oasis_9mer, "oasis_9mer_percentile": percentile(f"{key}_oasis_9mer", c.oasis_9mer)}
    if len(chains) == 2:
        for metric, value in developability(report.heavy, report.light).items():
            report.developability[metric] = {"value": value, "percentile": percentile(metric, value),
                                             "band": band(metric, value), "estimate": "sequence-based estimate"}
    return report


def assess_batch(text: str, *, cdr_scheme: str = "imgt", max_antibodies: int | None = None) -> list[AntibodyReport]:
    """Every antibody of a FASTA or CSV text; a bad sequence is reported, the rest still assessed."""
    return [assess(name, heavy, light, cdr_scheme=cdr_scheme)
            for name, heavy, light in parse_input(text, max_antibodies=max_antibodies)]
