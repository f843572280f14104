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
from dataclasses import dataclass, field, fields, is_dataclass
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
    position: int   # 1-based, in the submitted chain (the domain's offset added when a chain was trimmed)
    region: str     # in the chosen CDR definition
    number: str = ""           # the residue's position code in the chosen numbering (IMGT, Kabat or Martin)
    domain_position: int = 0   # 1-based, in the variable domain assessed
    source: str = ""           # key of the rule's literature reference (LIABILITY_SOURCES)


@dataclass
class ChainReport:
    sequence: str                   # the variable domain assessed (the submitted chain when nothing was trimmed)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chain_type: str = ""            # H, K or L
    imgt: list[str] = field(default_factory=list)
    kabat: list[str] = field(default_factory=list)
    numbering: list[str] = field(default_factory=list)  # per residue, in the chosen scheme (Martin for Chothia)
    regions: list[str] = field(default_factory=list)   # per residue: fmwk1, cdr1 ... in the chosen definition
    cdrs: dict = field(default_factory=dict)
    v_gene: str = ""                # the first of v_genes
    j_gene: str = ""
    v_genes: list[str] = field(default_factory=list)   # every human germline tied at the best identity
    j_genes: list[str] = field(default_factory=list)
    v_identity: float | None = None
    j_identity: float | None = None
    species: str = ""               # the closest germline's species among those AntPack holds
    species_v_gene: str = ""
    species_v_identity: float | None = None
    oasis_9mer: float | None = None
    # 1-based starts (in the domain) of its 9-mers not found in the human repertoires of OAS: the humanness map
    nonhuman_9mers: list[int] = field(default_factory=list)
    liabilities: list[Liability] = field(default_factory=list)
    source: str = ""                # heavy or light: the submitted chain the domain was found in
    submitted_length: int = 0
    start: int = 1                  # 1-based positions of the domain in the submitted chain
    end: int = 0
    trimmed_before: int = 0         # residues left out before and after the domain (signal peptide, constant region)
    trimmed_after: int = 0
    pair: int | None = None         # index (in AntibodyReport.domains) of its VH/VL partner in the same chain
    vhh: bool = False               # a heavy domain with the nanobody hallmarks at IMGT 42, 49, 50, 52
    n_terminal: bool = True         # the first domain of its chain (its first residue is the N-terminus)
    nearest_clinical: list[dict] = field(default_factory=list)   # closest therapeutics (clinical.nearest)


@dataclass
class AntibodyReport:
    name: str
    heavy: ChainReport | None       # the first heavy and the first light domain (the pair developability judges)
    light: ChainReport | None
    cdr_scheme: str
    developability: dict = field(default_factory=dict)
    humanness: dict = field(default_factory=dict)
    domains: list[ChainReport] = field(default_factory=list)   # every domain found, in input order
    pairs: list[dict] = field(default_factory=list)   # each VH/VL pair: domain indexes and its developability

    def as_dict(self) -> dict:
        return _plain(self)


_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAVES = (str, int, float, bool, type(None))


def _plain(value):
    """dataclasses.asdict without its deep copies (a quarter of a batch's time went there): the same dicts,
    lists and tuples, with the leaves (strings, numbers) shared."""
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is list or kind is tuple:
        # The reports' lists are homogeneous: a list of strings or numbers (numbering, regions) is copied whole.
        if not value or type(value[0]) in _LEAVES:
            return kind(value)
        return kind([_plain(v) for v in value])
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    return value


asdict = _plain   # engine.asdict(chain): a ChainReport (or any report) as plain data


def _fields_of(value) -> dict:
    names = _FIELDS.get(type(value))
    if names is None:
        if not is_dataclass(value) or isinstance(value, type):
            raise TypeError(f"{type(value).__name__} is not JSON serializable")
        names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))
    return {name: getattr(value, name) for name in names}


def summary(item: dict) -> dict:
    """What a batch's list shows of a report (a plain report, as stored): its domains, humanness, liabilities."""
    domains = item.get("domains") or [c for c in (item.get("heavy"), item.get("light")) if c]
    return {"domains": len(domains), "errors": sum(1 for d in domains if d["errors"]),
            "liabilities": sum(len(d.get("liabilities", [])) for d in domains),
            "humanness": ((item.get("humanness") or {}).get("antibody") or {}).get("oasis_9mer"),
            "species": sorted({d.get("species", "") for d in domains} - {""})}


def dumps(report) -> str:
    """The JSON of `json.dumps(report.as_dict())`, without building the plain copy first: the C encoder walks
    the lists and dicts itself and asks for each dataclass's fields (as_dict took twice the encoding's time)."""
    return json.dumps(report, default=_fields_of, ensure_ascii=False, separators=(",", ":"))


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


# What a gzip upload may grow to once inflated (a small bomb would otherwise fill the memory).
MAX_INFLATED_BYTES = 20 * 1024 * 1024
# FASTA names that end with these pair up (adalimumab_HC and adalimumab_LC, "x heavy chain" and "x light chain").
ROLE = re.compile(r"^(.*?)[\s_|:.,-]+(VH|H|HC|HEAVY|HEAVY[\s_-]*CHAIN|VL|L|LC|LIGHT|LIGHT[\s_-]*CHAIN|VK|K)$",
                  re.IGNORECASE)
HEAVY_ROLES = ("VH", "H", "HC", "HEAVY")


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file: gzip inflated, a UTF-8 byte-order mark dropped, Latin-1 when not UTF-8;
    InputError("binary") for an image, a PDF, a spreadsheet."""
    if data[:2] == b"\x1f\x8b":
        import gzip
        import zlib

        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
                data = handle.read(MAX_INFLATED_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError("binary", _("This gzip file is damaged: it could not be read.")) from exc
        if len(data) > MAX_INFLATED_BYTES:
            raise InputError("too_large", _("Once decompressed, the file is larger than %(mb)d MB.")
                             % {"mb": MAX_INFLATED_BYTES // (1024 * 1024)})
    head = data[:8192]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 20:
        raise InputError("binary", _("This file is not text: give a FASTA, CSV or TSV file (gzip accepted)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # every byte is a Latin-1 character: old spreadsheets' exports


def _parse_input(text: str) -> list[tuple[str, str, str]]:
    text = (text or "").lstrip("\ufeff").strip()
    if not text:
        raise InputError("empty")
    if "\x00" in text or "\ufffd" in text:  # a binary file (an image, a PDF) posted as sequences
        raise InputError("binary")
    if text.startswith(">"):
        # Lines are collected and joined once: `records[name] += line` copied the whole sequence at every line.
        records: dict[str, list[str]] = {}
        name = None
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if line.startswith(">"):
                name = line[1:].strip() or f"sequence {len(records) + 1}"
                if name in records:  # the second record used to overwrite the first, silently
                    raise InputError("duplicate", _("Line %(n)d: a second record is named “%(name)s”; give each "
                                                    "record its own name.") % {"n": number, "name": name[:80]})
                records[name] = []
            elif name is not None:
                records[name].append(re.sub(r"\s", "", line))
        pairs: dict[str, dict[str, str]] = {}
        for name, parts in records.items():
            seq = "".join(parts)
            m = ROLE.match(name)
            base, role = (m.group(1), re.sub(r"[\s_-]*CHAIN$", "", m.group(2).upper())) if m else (name, "")
            kind = "heavy" if role in HEAVY_ROLES else "light" if role else "unknown"
            if kind in pairs.get(base, {}):
                message = (_("Two records are the heavy chain of “%(name)s”; give each antibody its own name.")
                           if kind == "heavy" else
                           _("Two records are the light chain of “%(name)s”; give each antibody its own name."))
                raise InputError("duplicate", message % {"name": base[:80]})
            pairs.setdefault(base, {})[kind] = seq.upper()
        return [(n, p.get("heavy", p.get("unknown", "")), p.get("light", "")) for n, p in pairs.items()]
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line and "," not in first_line else ","
    try:
        # Universal newlines: a bare \r (old Mac files, or pasted) made csv raise "new-line character seen".
        rows = list(csv.DictReader(io.StringIO(text, newline=None), delimiter=delimiter))
    except csv.Error as exc:  # e.g. a NUL byte or an unterminated quote: not a CSV we can read
        raise InputError("csv") from exc
    if not rows or not {"name", "heavy", "light"} <= {k.strip().lower() for k in rows[0] if k is not None}:
        raise InputError("csv")
    out, seen = [], {}
    for number, row in enumerate(rows, start=2):
        if None in row:  # DictReader puts the cells beyond the header under the key None (a 500 before)
            raise InputError("csv", _("Line %(n)d has more columns than its header (name,heavy,light): quote a "
                                      "cell that holds a comma.") % {"n": number})
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items()}
        if row["name"] and row["name"] in seen:
            raise InputError("duplicate", _("Lines %(first)d and %(n)d both name “%(name)s”; give each antibody "
                                            "its own name.") % {"first": seen[row["name"]], "n": number,
                                                                "name": row["name"][:80]})
        seen[row["name"]] = number
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


# AntPack numbers a domain whose conserved cysteine, tryptophan or FGxG/WGxG motif carries one unusual residue,
# and says so in its error text; 11 therapeutics of Thera-SAbDab (olaratumab, ozoralizumab, envafolimab...) are
# such domains, 0.90-0.99 identical to their template (issue 14, defect 3): accepted, with a warning.
CONSERVED_POSITION_ERRORS = ("conserved position", "conserved region")
# Nanobody hallmarks (Muyldermans, Annu. Rev. Biochem. 2013): human VH V42 G49 L50 W52 (IMGT; Kabat 37, 44, 45,
# 47) against VHH F/Y42, E/Q49, R/C50, F/G/L52. Two or more of them make a heavy domain a VHH.
VHH_HALLMARKS = {"42": "FY", "49": "EQ", "50": "RC", "52": "FGL"}
VHH_MIN_HALLMARKS = 2
# Species AntPack's germline databases hold (rat and rhesus are not among them).
GERMLINE_SPECIES = ("human", "mouse", "rabbit", "alpaca")
HEAVY_ONLY_SPECIES = ("alpaca",)   # camelid germlines in AntPack: heavy chains only


def _numbered_ok(numbering: list[str]) -> bool:
    numbered = [n for n in numbering if n != "-"]
    return len(numbered) >= MIN_LENGTH and any(n.startswith("104") for n in numbered) and any(
        n.startswith("23") for n in numbered)


def _accepted(alignment) -> bool:
    _numbering, identity, chain_type, error = alignment
    return bool(chain_type) and identity >= MIN_IDENTITY and (
        not error or any(e in error for e in CONSERVED_POSITION_ERRORS))


def find_domains(sequence: str) -> list[tuple[int, int, tuple]]:
    """(start, end, IMGT alignment of sequence[start:end]) of every complete variable domain, in order.

    The best domain is numbered and trimmed (signal peptide, linker, constant region left out); what lies before
    and after it is searched again, so an scFv, a tandem scFv or a VHH-Fc gives each of its domains."""
    imgt = _annotator("imgt")
    found = []

    def search(lo: int, hi: int) -> None:
        if hi - lo < MIN_LENGTH:
            return
        part = sequence[lo:hi]
        alignment = imgt.analyze_seq(part)
        if not _accepted(alignment):
            return
        _trimmed, numbering, start, end = imgt.trim_alignment(part, alignment)
        if not _numbered_ok(numbering):
            return
        found.append((lo + start, lo + end, (list(numbering), *alignment[1:])))
        search(lo, lo + start)
        search(lo + end, hi)

    search(0, len(sequence))
    return sorted(found, key=lambda d: d[0])


def assess_chain(sequence: str, cdr_scheme: str = "imgt") -> ChainReport:
    """The first variable domain of a chain (see assess_chain_domains for every one)."""
    return assess_chain_domains(sequence, cdr_scheme)[0]


def assess_chain_domains(sequence: str, cdr_scheme: str = "imgt") -> list[ChainReport]:
    """Every variable domain of a submitted chain; a chain without one gives a single report with its error."""
    errors = validate(sequence)
    if errors:
        return [ChainReport(sequence=sequence, errors=errors, submitted_length=len(sequence), end=len(sequence))]
    domains = find_domains(sequence)
    if not domains:
        report = ChainReport(sequence=sequence, submitted_length=len(sequence), end=len(sequence))
        numbering, identity, chain_type, error = _annotator("imgt").analyze_seq(sequence)
        # A fragment of a real domain still aligns fairly well; an unrelated protein does not.
        short = chain_type and (len(sequence) < MIN_LENGTH + 10 and identity >= 0.45 or (
            _accepted((numbering, identity, chain_type, error)) and not _numbered_ok(numbering)))
        report.errors.append(_("truncated variable domain") if short else _("not an antibody variable domain"))
        return [report]
    return [_assess_domain(sequence, start, end, alignment, cdr_scheme, n_terminal=i == 0)
            for i, (start, end, alignment) in enumerate(domains)]


def _assess_domain(submitted: str, start: int, end: int, alignment: tuple, cdr_scheme: str, *,
                   n_terminal: bool = True) -> ChainReport:
    sequence = submitted[start:end]
    numbering, identity, chain_type, error = alignment
    report = ChainReport(sequence=sequence, chain_type=chain_type, submitted_length=len(submitted), start=start + 1,
                         end=end, trimmed_before=start, trimmed_after=len(submitted) - end, n_terminal=n_terminal)
    if error:
        report.warnings.append(_("an unusual residue at a conserved position (cysteine, tryptophan or the "
                                 "J-region W/FGxG motif): accepted, check the sequence"))
    report.imgt = list(numbering)
    report.kabat = list(_annotator("kabat").analyze_seq(sequence)[0])
    imgt_labels = _annotator("imgt").assign_cdr_labels(numbering, chain_type)
    if cdr_scheme == "imgt":
        report.numbering = report.imgt
    elif cdr_scheme == "kabat":
        report.numbering = report.kabat
    else:
        report.numbering = list(_annotator("martin").analyze_seq(sequence)[0])
    report.regions = list(_regions(sequence, cdr_scheme, chain_type, imgt_labels, report.kabat))
    for name in ("cdr1", "cdr2", "cdr3"):
        report.cdrs[name] = "".join(a for a, r in zip(sequence, report.regions, strict=False) if r == name)
    vj = _vj_tool()
    v, j, vid, jid, _species = vj.assign_vj_genes((numbering, identity, chain_type, ""), sequence, "human",
                                                  "identity")
    report.v_genes, report.j_genes = v.split("_"), j.split("_")
    report.v_gene, report.j_gene = report.v_genes[0], report.j_genes[0]
    report.v_identity, report.j_identity = round(vid, 4), round(jid, 4)
    # Species by the best V identity among AntPack's databases ("unknown" in AntPack 0.3.8 answers human for a
    # mouse domain 0.93 identical to a mouse gene and 0.66 to a human one: abagovomab).
    best = (vid, "human", report.v_gene)
    for species in GERMLINE_SPECIES[1:]:
        if species in HEAVY_ONLY_SPECIES and chain_type != "H":
            continue
        sv, _sj, svid, _sjid, _s = vj.assign_vj_genes((numbering, identity, chain_type, ""), sequence, species,
                                                      "identity")
        if sv and svid > best[0]:
            best = (svid, species, sv.split("_")[0])
    report.species_v_identity, report.species, report.species_v_gene = round(best[0], 4), best[1], best[2]
    from .kmers import human_windows

    found = human_windows(sequence)
    report.oasis_9mer = round(float(found.sum()) / len(found), 4)
    report.nonhuman_9mers = [int(i) + 1 for i in (~found).nonzero()[0]]
    if chain_type == "H":
        at = dict(zip(numbering, sequence, strict=False))
        report.vhh = sum(at.get(pos, "") in residues for pos, residues in VHH_HALLMARKS.items()) >= VHH_MIN_HALLMARKS
    _chain_liabilities(report)
    from .clinical import nearest

    report.nearest_clinical = nearest(sequence, report.imgt, chain_type)
    return report


def _chain_liabilities(report: ChainReport, paired: tuple[str, ...] = ()) -> None:
    # The first domain of a chain is the mature N-terminus (a signal peptide is cleaved off).
    report.liabilities = liabilities(report.sequence, report.regions, report.imgt, chosen=report.numbering,
                                     paired=paired, n_terminal=report.n_terminal)
    for x in report.liabilities:
        x.domain_position, x.position = x.position, x.position + report.start - 1


# Engineered disulfide between the two domains of a stabilized Fv (VH44-VL100 in Kabat, Reiter et al., Nature
# Biotechnology 1996): IMGT 49 of the heavy domain with IMGT 120 of the light one (BiTE formats: tarlatamab...).
INTERCHAIN_CYSTEINES = ("49", "120")


def _interchain_disulfide(heavy: ChainReport, light: ChainReport) -> None:
    """Cysteines paired across the VH/VL interface are not reported unpaired."""
    h = dict(zip(heavy.imgt, heavy.sequence, strict=False)).get(INTERCHAIN_CYSTEINES[0])
    k = dict(zip(light.imgt, light.sequence, strict=False)).get(INTERCHAIN_CYSTEINES[1])
    if h == "C" and k == "C":
        _chain_liabilities(heavy, paired=(INTERCHAIN_CYSTEINES[0],))
        _chain_liabilities(light, paired=(INTERCHAIN_CYSTEINES[1],))


def oasis_9mer(sequence: str) -> float:
    """Share of the sequence's 9-mers found in the human repertoires of OAS (promb's OASis database)."""
    from .kmers import human_content

    return human_content(sequence)


# (kind, motif, CDRs only, source): the source's key names its reference in LIABILITY_SOURCES. The weaker
# deamidation and isomerization motifs are flagged in the CDRs only, where Lu et al. found them to matter.
MOTIF_RULES = (
    ("N-glycosylation", r"N[^P][ST]", False, "glycosylation"),
    ("deamidation", r"N[GS]", False, "deamidation"),
    ("deamidation", r"N[TN]", True, "deamidation"),
    ("isomerization", r"DG", False, "isomerization"),
    ("isomerization", r"D[ST]", True, "isomerization"),
    ("acid cleavage", r"DP", False, "acid cleavage"),
)
# The literature behind each rule, shown in the report beside each liability.
LIABILITY_SOURCES = {
    "glycosylation": "Bause, Biochem. J. 1983 (N-X-S/T sequon, X not P)",
    "deamidation": "Robinson & Robinson, PNAS 2001; Lu et al., mAbs 2019 (NG, NS; NT, NN in CDRs)",
    "isomerization": "Sydow et al., PLoS One 2014; Lu et al., mAbs 2019 (DG; DS, DT in CDRs)",
    "oxidation": "Hensel et al., mAbs 2011; Bertolotti-Ciarlet et al., Mol. Immunol. 2009 (Met, Trp in CDRs)",
    "acid cleavage": "Vlasak & Ionescu, mAbs 2011; Oliyai & Borchardt, Pharm. Res. 1993 (Asp-Pro bond)",
    "pyroglutamate": "Chelius et al., Anal. Chem. 2006; Liu et al., J. Biol. Chem. 2011 (N-terminal Q or E)",
    "cysteine": "Buchanan et al., mAbs 2013 (unpaired cysteine in a variable domain)",
}

# IMGT 23 and 104 are the conserved disulfide of every V domain.
CANONICAL_CYSTEINES = ("23", "104")


def liabilities(sequence: str, regions: list[str], numbering: list[str], *,
                chosen: list[str] | None = None, paired: tuple[str, ...] = (),
                n_terminal: bool = False) -> list[Liability]:
    """Sequence liabilities; `regions` in the chosen CDR definition, `numbering` IMGT (for the cysteines),
    `chosen` the numbering whose codes the report gives (IMGT when absent)."""
    chosen = chosen or numbering
    found = []

    def region(i):
        return regions[i] if i < len(regions) else "-"

    def number(i):
        return chosen[i] if i < len(chosen) else ""

    for kind, pattern, cdr_only, source in MOTIF_RULES:
        for m in re.finditer(f"(?=({pattern}))", sequence):
            if not cdr_only or region(m.start()).startswith("cdr"):
                found.append(Liability(kind, m.group(1), m.start() + 1, region(m.start()), number(m.start()),
                                       source=source))
    for i, residue in enumerate(sequence):
        if residue in "MW" and region(i).startswith("cdr"):
            found.append(Liability("oxidation", residue, i + 1, region(i), number(i), source="oxidation"))
    if n_terminal and sequence[:1] in ("Q", "E"):
        found.append(Liability("pyroglutamate", sequence[0], 1, region(0), number(0), source="pyroglutamate"))
    # Pairing judged on the numbering: the canonical pair when both are there; the other cysteines pair among
    # themselves (rabbit CDR1-CDR2, camelid CDR2/CDR3, two CDR3 cysteines) when they are an even number. An odd
    # one out cannot be told from its partners, so each of them is reported.
    cysteines = [i for i, residue in enumerate(sequence) if residue == "C"]
    at = {numbering[i] if i < len(numbering) else "" for i in cysteines}
    canonical = set(CANONICAL_CYSTEINES) <= at
    extra = [i for i in cysteines if not (canonical and i < len(numbering) and numbering[i] in CANONICAL_CYSTEINES)
             and not (i < len(numbering) and numbering[i] in paired)]
    if len(extra) % 2:
        found += [Liability("unpaired cysteine", "C", i + 1, region(i), number(i), source="cysteine")
                  for i in extra]
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


def _reference_values(metric: str, scheme: str) -> list | None:
    """The sorted values of approved therapeutics for `metric`, with CDRs in `scheme`'s definition."""
    return reference().get("schemes", {}).get(scheme, {}).get(metric)


def percentile(metric: str, value: float, scheme: str = "imgt") -> float | None:
    values = _reference_values(metric, scheme)
    if not values:
        return None
    below, equal = bisect_left(values, value), bisect_right(values, value) - bisect_left(values, value)
    return round(100 * (below + equal / 2) / len(values), 1)


def band(metric: str, value: float, scheme: str = "imgt") -> str:
    """green inside the central 90 % of approved therapeutics, amber in the outer 5 % tails, red beyond them."""
    values = _reference_values(metric, scheme)
    if not values:
        return "unknown"
    low, high = values[0], values[-1]
    p = percentile(metric, value, scheme)
    if value < low or value > high:
        return "red"
    return "amber" if p < 5 or p > 95 else "green"


def _developability_rows(heavy: ChainReport, light: ChainReport, scheme: str) -> dict:
    return {metric: {"value": value, "percentile": percentile(metric, value, scheme),
                     "band": band(metric, value, scheme), "estimate": "sequence-based estimate"}
            for metric, value in developability(heavy, light).items()}


def assess(name: str, heavy: str, light: str, *, cdr_scheme: str = "imgt") -> AntibodyReport:
    """Every domain of the submitted chains; VH and VL paired within an scFv, the first pair judged together."""
    if cdr_scheme not in CDR_SCHEMES:
        raise InputError("cdr_scheme")
    report = AntibodyReport(name=name, heavy=None, light=None, cdr_scheme=cdr_scheme)
    submitted = {}
    for source, chain in (("heavy", heavy), ("light", light)):
        # An empty chain beside a given one is absent (a lone VH); a record with no sequence at all is reported
        # "missing sequence" (it was an empty report that said nothing, and no row in the CSV export).
        if not chain and (source == "light" or light):
            continue
        found = assess_chain_domains(chain, cdr_scheme)
        for domain in found:
            domain.source = source
        # Within one chain, a heavy domain next to a light one is an scFv pair (VH-linker-VL or VL-linker-VH).
        base = len(report.domains)
        i = 0
        while i + 1 < len(found):
            a, b = found[i], found[i + 1]
            if not a.errors and not b.errors and {a.chain_type == "H", b.chain_type == "H"} == {True, False}:
                a.pair, b.pair = base + i + 1, base + i
                i += 2
            else:
                i += 1
        report.domains += found
        submitted[source] = found
    good = [d for d in report.domains if not d.errors]
    # The heavy (light) report: the first heavy (light) domain, the heavy (light) input's first; a lone domain
    # of the other kind (a VL given as the only chain) is assessed as what it is.
    report.heavy = next((d for d in sorted(good, key=lambda d: d.source != "heavy") if d.chain_type == "H"), None)
    report.light = next((d for d in sorted(good, key=lambda d: d.source != "light") if d.chain_type in ("K", "L")),
                        None)
    for attr, expected in (("heavy", _("expected a heavy chain, found %(type)s")),
                           ("light", _("expected a light chain, found %(type)s"))):
        if getattr(report, attr) is not None or attr not in submitted:
            continue
        first = submitted[attr][0]
        if first.errors:
            setattr(report, attr, first)
        elif len(submitted) == 2 and first not in (report.heavy, report.light):
            first.errors.append(expected % {"type": first.chain_type})
            setattr(report, attr, first)
    for c in (report.heavy, report.light):
        if c and not c.errors:
            key = "heavy" if c.chain_type == "H" else "light"
            report.humanness[key] = {
                "v_identity": c.v_identity,
                "v_identity_percentile": percentile(f"{key}_v_identity", c.v_identity, cdr_scheme),
                "oasis_9mer": c.oasis_9mer,
                "oasis_9mer_percentile": percentile(f"{key}_oasis_9mer", c.oasis_9mer, cdr_scheme)}
    # Pairs: each scFv's own VH/VL; the heavy and light inputs' first domains otherwise.
    pairs = [(i, d.pair) for i, d in enumerate(report.domains) if d.pair is not None and d.chain_type == "H"]
    if report.heavy and report.light and not report.heavy.errors and not report.light.errors:
        first = (report.domains.index(report.heavy), report.domains.index(report.light))
        if first not in pairs:
            pairs.insert(0, first)
    for h, light_index in pairs:
        _interchain_disulfide(report.domains[h], report.domains[light_index])
        report.pairs.append({"heavy": h, "light": light_index, "developability": _developability_rows(
            report.domains[h], report.domains[light_index], cdr_scheme)})
    if report.pairs:
        report.developability = report.pairs[0]["developability"]
    chains = [d for d in good if not d.errors]
    if chains:
        # Humanness of the antibody (BioPhi's OASis per antibody): the 9-mers of all its domains together.
        kmers = [c.oasis_9mer * max(len(c.sequence) - 8, 0) for c in chains]
        total = sum(max(len(c.sequence) - 8, 0) for c in chains)
        report.humanness["antibody"] = {"oasis_9mer": round(sum(kmers) / total, 4) if total else None}
    return report


def assess_batch(text: str, *, cdr_scheme: str = "imgt", max_antibodies: int | None = None) -> list[AntibodyReport]:
    """Every antibody of a FASTA or CSV text; a bad sequence is reported, the rest still assessed."""
    return [assess(name, heavy, light, cdr_scheme=cdr_scheme)
            for name, heavy, light in parse_input(text, max_antibodies=max_antibodies)]
