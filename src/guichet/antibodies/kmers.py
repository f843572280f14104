"""The human 9-mers of promb's OASis database as a sorted array of integers, prebuilt once.

promb reads its 5.7 million 9-mers into a frozenset at every start (about 7 s, the bulk of a one-antibody
command's 13 s, issue 14 defect 8). The same peptides, each packed into 45 bits (5 per residue) and sorted,
are written once to `$GUICHET_DATA_DIR/cache/` (46 MB, about 2 s to build) and then mapped in memory; a
membership test is a binary search. Same peptides, same answers as promb's set.
"""

import gzip
import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

ALPHABET = "ACDEFGHIKLMNPQRSTVWY"
K = 9
BITS = 5
# Byte -> residue code 0..19; anything else (X, B, gaps) -> 31, which no database peptide contains.
_CODE = np.full(256, 31, dtype=np.uint64)
for _i, _aa in enumerate(ALPHABET):
    _CODE[ord(_aa)] = _i
_lock = threading.Lock()
# The weight of each residue of a 9-mer in its packed integer (32 ** 8 ... 1): a window's integer is one product.
_PLACES = np.uint64(1 << BITS) ** np.arange(K - 1, -1, -1, dtype=np.uint64)


OASIS_FILE = ("resources", "OASis_9mers_v1_10perc_subjects.txt.gz")   # promb.db.HUMAN_OASIS_DB_PATH


def source_path() -> Path:
    """promb's OASis file, found without importing promb (its import pulls pandas: a second of start-up)."""
    spec = importlib.util.find_spec("promb")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("promb")
    return Path(spec.submodule_search_locations[0]).joinpath(*OASIS_FILE)


def _pack(codes: np.ndarray) -> np.ndarray:
    """(n, 9) residue codes -> n integers, the first residue in the highest bits."""
    out = np.zeros(codes.shape[0], dtype=np.uint64)
    for column in range(K):
        out = (out << np.uint64(BITS)) | codes[:, column]
    return out


def build(source: Path, target: Path) -> None:
    """Pack and sort the peptides of promb's file (one 9-mer a line) into `target` (.npy), atomically."""
    with gzip.open(source, "rb") as handle:
        raw = np.frombuffer(handle.read(), dtype=np.uint8)
    lines = raw.reshape(-1, K + 1)[:, :K]   # every line is 9 residues and a newline (checked below)
    if not (raw.reshape(-1, K + 1)[:, K] == ord("\n")).all():
        raise ValueError(f"{source}: not one 9-mer a line")
    packed = np.unique(_pack(_CODE[lines]))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.partial.npy")
    np.save(partial, packed)
    os.replace(partial, target)


def index_path() -> Path:
    from django.conf import settings

    source = source_path()
    # Named after the source's size and time: a new promb database gives a new index.
    stat = source.stat()
    return Path(settings.DATA_DIR) / "cache" / f"oasis-9mers-{stat.st_size}-{int(stat.st_mtime)}.npy"


@lru_cache(maxsize=1)
def human_9mers() -> np.ndarray:
    path = index_path()
    with _lock:
        if not path.exists():
            build(source_path(), path)
    # A read-only memory map: a page is read from the page cache when a search first touches it (a few hundred
    # for one antibody, instead of reading all 46 MB at every start), and the workers of a batch share them.
    # Measured on 2,000 chains (issue 14): the same CPU time as the array read whole.
    return np.load(path, mmap_mode="r")


def human_windows(sequence: str) -> np.ndarray:
    """For each 9-mer of the sequence (by its first residue), whether it is in the human repertoires."""
    if len(sequence) < K:
        return np.zeros(0, dtype=bool)
    codes = _CODE[np.frombuffer(sequence.encode("ascii", "replace"), dtype=np.uint8)]
    # The windows as a read-only strided view (sliding_window_view's checks cost three times the product) and
    # packed by one product: the same integers as _pack's shifts.
    step = codes.strides[0]
    windows = np.lib.stride_tricks.as_strided(codes, shape=(len(codes) - K + 1, K), strides=(step, step),
                                              writeable=False)
    queries = windows @ _PLACES
    table = human_9mers()
    at = np.searchsorted(table, queries)
    return (at < len(table)) & (table[np.minimum(at, len(table) - 1)] == queries)


def human_content(sequence: str) -> float:
    """Share of the sequence's 9-mers found in the human repertoires (promb's compute_peptide_content)."""
    found = human_windows(sequence)
    if not len(found):
        raise ValueError("a sequence shorter than one 9-mer")
    return float(found.sum()) / len(found)
