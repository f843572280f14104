"""Dense retrieval over every record: the embeddings stored with the directory entries, as one matrix.

Each process keeps the vectors of the current model as a float32 NumPy matrix (100k records × 384 = 147 MB),
loaded on first use (or at start, warm.py) and refreshed when entries change: every few seconds one
aggregate query compares the count and the latest `indexed_at`; changed rows are read again, a deletion
reloads all. One matrix-vector product scores all records (bench/matching_vectors.py: measured against
sqlite-vec-style brute force in SQL, the in-process product is faster on both databases, see README).
"""

import threading
import time

import numpy as np
from django.db.models import Max

from guichet.directory.models import SearchEntry

from . import semantic

STAMP_TTL = 2.0  # seconds between checks that the directory has not changed
_lock = threading.Lock()
_state: dict = {"index": None, "checked": 0.0}


class VectorIndex:
    def __init__(self, model: str, ids: np.ndarray, matrix: np.ndarray, stamp):
        self.model, self.ids, self.matrix, self.stamp = model, ids, matrix, stamp
        self.row = {int(i): r for r, i in enumerate(ids.tolist())}
        self.live = np.ones(len(ids), dtype=bool)  # False: the entry lost its vector since the matrix was read

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
        scores = self.matrix @ vector
        if not self.live.all():
            scores[~self.live] = -np.inf
        k = min(k, int(self.live.sum()))
        if k <= 0:
            return []
        top = np.argpartition(scores, len(scores) - k)[len(scores) - k:]  # no negated copy of 100k scores
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[i]), float(scores[i])) for i in top]

    def cosines(self, vector: np.ndarray, ids) -> dict[int, float]:
        rows = [(i, self.row[i]) for i in ids if i in self.row and self.live[self.row[i]]]
        if not rows:
            return {}
        values = self.matrix[[r for _i, r in rows]] @ vector
        return {i: float(v) for (i, _r), v in zip(rows, values, strict=True)}


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
            new_ids, new_rows = [], []
            for pk, vector in zip(ids, matrix, strict=True):
                row = current.row.get(int(pk))
                if row is None:
                    new_ids.append(pk)
                    new_rows.append(vector)
                else:
                    current.matrix[row] = vector
                    current.live[row] = True
            if new_ids:
                live = np.concatenate([current.live, np.ones(len(new_ids), dtype=bool)])
                current = VectorIndex(model, np.concatenate([current.ids, np.asarray(new_ids, dtype=np.int64)]),
                                      np.vstack([current.matrix, np.vstack(new_rows)]), stamp)
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
