"""The seed vocabulary file and its parser (data/vocabulary.txt)."""

from dataclasses import dataclass
from pathlib import Path

SEED_FILE = Path(__file__).with_name("data") / "vocabulary.txt"


@dataclass(frozen=True)
class SeedConcept:
    key: str
    category: str
    labels_fr: tuple[str, ...]
    labels_en: tuple[str, ...]
    broader: tuple[str, ...]


def parse_seed(path: Path = SEED_FILE) -> list[SeedConcept]:
    concepts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 5:
            raise ValueError(f"{path.name}:{number}: expected 5 fields separated by |")
        key, category, fr, en, broader = parts

        def split(value):
            return tuple(x.strip() for x in value.split(";") if x.strip())
        concepts.append(SeedConcept(key, category, split(fr), split(en), tuple(b for b in broader.split(",") if b)))
    keys = {c.key for c in concepts}
    for c in concepts:
        unknown = set(c.broader) - keys
        if unknown:
            raise ValueError(f"{c.key}: unknown broader concept(s) {sorted(unknown)}")
    return concepts
