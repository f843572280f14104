"""The nearest clinical antibodies: each domain compared, position by IMGT position, with the variable domains
of the 601 therapeutics of Thera-SAbDab (data/clinical.json, built by `guichet buildreference`)."""

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

CLINICAL_FILE = Path(__file__).with_name("data") / "clinical.json"
NEAREST = 3   # therapeutics reported per domain
# IMGT CDRs (Lefranc et al., Dev. Comp. Immunol. 2003) on the position number, insertions included.
IMGT_CDRS = {"cdr1": (27, 38), "cdr2": (56, 65), "cdr3": (105, 117)}


def _position(code: str) -> int:
    return int(code.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


@lru_cache(maxsize=1)
def _table() -> dict:
    """Per chain kind (heavy, light): a residue matrix (therapeutics x IMGT codes, 0 for a gap) and its columns."""
    if not CLINICAL_FILE.exists():
        return {}
    data = json.loads(CLINICAL_FILE.read_text(encoding="utf-8"))
    tables = {}
    for kind in ("heavy", "light"):
        entries = [e for e in data["antibodies"] if e.get(kind)]
        columns = sorted({c for e in entries for c in e[kind]["numbering"].split()},
                         key=lambda c: (_position(c), c))
        index = {c: i for i, c in enumerate(columns)}
        matrix = np.zeros((len(entries), len(columns)), dtype=np.uint8)
        for row, e in enumerate(entries):
            for code, residue in zip(e[kind]["numbering"].split(), e[kind]["sequence"], strict=True):
                matrix[row, index[code]] = ord(residue)
        masks = {name: np.array([lo <= _position(c) <= hi for c in columns]) for name, (lo, hi) in IMGT_CDRS.items()}
        tables[kind] = {"entries": entries, "columns": index, "matrix": matrix, "masks": masks,
                        "provenance": data.get("provenance", "")}
    return tables


def _identity(matrix: np.ndarray, query: np.ndarray, extra: int) -> np.ndarray:
    """Identical residues over the positions either sequence occupies (a gap facing a residue is a difference)."""
    same = ((matrix == query) & (query != 0)).sum(axis=1)
    occupied = ((matrix != 0) | (query != 0)).sum(axis=1) + extra
    return np.where(occupied > 0, same / np.maximum(occupied, 1), 0.0)


def nearest(sequence: str, imgt: list[str], chain_type: str, count: int = NEAREST) -> list[dict]:
    """The `count` therapeutics whose domain of the same kind is most identical, with per-CDR identity."""
    table = _table().get("heavy" if chain_type == "H" else "light")
    if not table:
        return []
    query = np.zeros(len(table["columns"]), dtype=np.uint8)
    extra = {"all": 0, **{name: 0 for name in IMGT_CDRS}}
    for code, residue in zip(imgt, sequence, strict=False):
        if code == "-":
            continue
        column = table["columns"].get(code)
        if column is None:   # a position no therapeutic has: a difference with every one
            extra["all"] += 1
            for name, (lo, hi) in IMGT_CDRS.items():
                extra[name] += lo <= _position(code) <= hi
        else:
            query[column] = ord(residue)
    whole = _identity(table["matrix"], query, extra["all"])
    best = np.argsort(-whole, kind="stable")[:count]
    out = []
    for row in best:
        entry = table["entries"][row]
        cdrs = {name: round(float(_identity(table["matrix"][row:row + 1][:, mask], query[mask], extra[name])[0]), 3)
                for name, mask in table["masks"].items()}
        out.append({"name": entry["name"], "stage": entry["stage"], "status": entry["status"],
                    "target": entry["target"], "format": entry["format"], "identity": round(float(whole[row]), 3),
                    "cdr_identity": cdrs})
    return out
