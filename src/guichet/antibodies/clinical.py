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
        # Columns weighted per region (the whole domain, then each CDR): one product counts them all.
        weights = np.array([[1.0] + [float(lo <= _position(c) <= hi) for lo, hi in IMGT_CDRS.values()]
                            for c in columns]).reshape(len(columns), 1 + len(IMGT_CDRS))
        tables[kind] = {"entries": entries, "columns": index, "matrix": matrix, "weights": weights.astype(np.float32),
                        "occupied": (matrix != 0).astype(np.float32) @ weights.astype(np.float32),
                        "provenance": data.get("provenance", "")}
    return tables


def nearest(sequence: str, imgt: list[str], chain_type: str, count: int = NEAREST) -> list[dict]:
    """The `count` therapeutics whose domain of the same kind is most identical, with per-CDR identity.

    Identity: identical residues over the IMGT positions either domain occupies (a gap facing a residue is a
    difference); per CDR the same over the CDR's positions."""
    table = _table().get("heavy" if chain_type == "H" else "light")
    if not table:
        return []
    query = np.zeros(len(table["columns"]), dtype=np.uint8)
    extra = np.zeros(1 + len(IMGT_CDRS))
    for code, residue in zip(imgt, sequence, strict=False):
        if code == "-":
            continue
        column = table["columns"].get(code)
        if column is None:   # a position no therapeutic has: a difference with every one
            extra += [1.0] + [float(lo <= _position(code) <= hi) for lo, hi in IMGT_CDRS.values()]
        else:
            query[column] = ord(residue)
    matrix, weights = table["matrix"], table["weights"]
    filled = query != 0
    same = (matrix[:, filled] == query[filled]).astype(np.float32) @ weights[filled]
    # Occupied by either: the therapeutic's positions, plus the query's where the therapeutic has a gap.
    gaps_facing = (matrix[:, filled] == 0).astype(np.float32) @ weights[filled]
    occupied = table["occupied"] + gaps_facing + extra
    identity = np.where(occupied > 0, same / np.maximum(occupied, 1), 0.0)
    best = np.argsort(-identity[:, 0], kind="stable")[:count]
    out = []
    for row in best:
        entry = table["entries"][row]
        out.append({"name": entry["name"], "stage": entry["stage"], "status": entry["status"],
                    "target": entry["target"], "format": entry["format"], "identity": round(float(identity[row, 0]), 3),
                    "cdr_identity": {name: round(float(identity[row, i + 1]), 3) for i, name in enumerate(IMGT_CDRS)}})
    return out
