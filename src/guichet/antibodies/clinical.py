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
    """Per chain kind (heavy, light): a residue matrix (therapeutics x IMGT codes, 0 for a gap) and its columns;
    where the gaps are and what each therapeutic occupies, once for every query."""
    if not CLINICAL_FILE.exists():
        return {}
    data = json.loads(CLINICAL_FILE.read_text(encoding="utf-8"))
    tables = {}
    for kind in ("heavy", "light"):
        entries = [e for e in data["antibodies"] if e.get(kind)]
        codes = [e[kind]["numbering"].split() for e in entries]
        columns = sorted({c for row in codes for c in row}, key=lambda c: (_position(c), c))
        index = {c: i for i, c in enumerate(columns)}
        matrix = np.zeros((len(entries), len(columns)), dtype=np.uint8)
        for row, (e, row_codes) in enumerate(zip(entries, codes, strict=True)):
            residues = np.frombuffer(e[kind]["sequence"].encode("ascii"), dtype=np.uint8)
            if len(residues) != len(row_codes):
                raise ValueError(f"{CLINICAL_FILE}: {e['name']} {kind}: numbering and sequence differ in length")
            matrix[row, [index[c] for c in row_codes]] = residues
        # Columns weighted per region (the whole domain, then each CDR): one product counts them all.
        weights = np.array([_in_cdr(c) for c in columns], dtype=np.float32).reshape(len(columns), 1 + len(IMGT_CDRS))
        gaps = (matrix == 0).astype(np.float32)
        tables[kind] = {"entries": entries, "columns": index, "matrix": matrix, "weights": weights, "gaps": gaps,
                        "occupied": (1 - gaps) @ weights, "provenance": data.get("provenance", "")}
    return tables


def _in_cdr(code: str) -> list[float]:
    return [1.0] + [float(lo <= _position(code) <= hi) for lo, hi in IMGT_CDRS.values()]


def nearest(sequence: str, imgt: list[str], chain_type: str, count: int = NEAREST) -> list[dict]:
    """The `count` therapeutics whose domain of the same kind is most identical, with per-CDR identity.

    Identity: identical residues over the IMGT positions either domain occupies (a gap facing a residue is a
    difference); per CDR the same over the CDR's positions."""
    table = _table().get("heavy" if chain_type == "H" else "light")
    if not table:
        return []
    columns = table["columns"]
    # The query's residue per column, and 255 where it has none: no therapeutic's residue (nor gap, 0) is 255.
    query = np.full(len(columns), 255, dtype=np.uint8)
    extra = np.zeros(1 + len(IMGT_CDRS))
    for code, residue in zip(imgt, sequence, strict=False):
        if code == "-":
            continue
        column = columns.get(code)
        if column is None:   # a position no therapeutic has: a difference with every one
            extra += _in_cdr(code)
        else:
            query[column] = ord(residue)
    weights = table["weights"]
    same = (table["matrix"] == query).astype(np.float32) @ weights
    # Occupied by either: the therapeutic's positions, plus the query's where the therapeutic has a gap.
    gaps_facing = table["gaps"] @ (weights * (query != 255)[:, None])
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
