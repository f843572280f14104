"""The seed vocabulary files and their parser.

The seed is data/vocabulary.txt followed by every data/vocabulary.d/*.txt in name order (one file per
domain). One concept per line, fields separated by "|":

    key | category | FR labels ; ... | EN labels ; ... | broader keys (comma) [| FR purposes ; ... | EN purposes ; ...]

Lines have 5 fields (no purposes, the original format) or 7. Purposes say, in plain words, what a
technique or service measures, produces or is used for; they are not labels (never searched as phrases).
Keys are unique across all files and every broader key must exist in one of them.
"""

from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
SEED_FILE = DATA_DIR / "vocabulary.txt"
SEED_DIR = DATA_DIR / "vocabulary.d"


@dataclass(frozen=True)
class SeedConcept:
    key: str
    category: str
    labels_fr: tuple[str, ...]
    labels_en: tuple[str, ...]
    broader: tuple[str, ...]
    purposes_fr: tuple[str, ...] = ()
    purposes_en: tuple[str, ...] = ()
    source: str = field(default="", compare=False)  # "file:line", for error messages


def seed_files(path: Path = SEED_FILE, directory: Path | None = None) -> list[Path]:
    """The main file, then the domain files of its vocabulary.d directory, sorted by name."""
    directory = path.with_suffix(".d") if directory is None else directory  # data/vocabulary.d
    extra = sorted(directory.glob("*.txt")) if directory.is_dir() else []
    return [path, *extra]


def _split(value: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in value.split(";") if x.strip())


def parse_file(path: Path) -> list[SeedConcept]:
    concepts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (5, 7):
            raise ValueError(f"{path.name}:{number}: expected 5 or 7 fields separated by |, found {len(parts)}")
        key, category, fr, en, broader = parts[:5]
        purposes_fr, purposes_en = (parts[5], parts[6]) if len(parts) == 7 else ("", "")
        if not key:
            raise ValueError(f"{path.name}:{number}: empty key")
        concepts.append(SeedConcept(
            key, category, _split(fr), _split(en), tuple(b.strip() for b in broader.split(",") if b.strip()),
            _split(purposes_fr), _split(purposes_en), source=f"{path.name}:{number}"))
    return concepts


def parse_seed(path: Path = SEED_FILE, directory: Path | None = None) -> list[SeedConcept]:
    """Every concept of the seed files, checked: keys unique across files, broader keys known."""
    concepts: list[SeedConcept] = []
    seen: dict[str, str] = {}
    for file in seed_files(path, directory):
        for concept in parse_file(file):
            if concept.key in seen:
                raise ValueError(f"{concept.source}: duplicate key {concept.key!r} (first at {seen[concept.key]})")
            seen[concept.key] = concept.source
            concepts.append(concept)
    for c in concepts:
        unknown = set(c.broader) - seen.keys()
        if unknown:
            raise ValueError(f"{c.source}: {c.key}: unknown broader concept(s) {sorted(unknown)}")
    return concepts
