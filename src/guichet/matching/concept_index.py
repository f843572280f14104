"""Concept candidates over every record, ranked by focus: an in-process inverted index of the entries' concepts.

Why not the full-text index: an OR query of concept tokens ranked by bm25 orders records that hold a concept
once by the length of their text, which says nothing of what they are about; beside 100,000 generated
records that each name fifteen topics in passing, a specialist fell out of the 200 it kept (issue 17,
diagnosed on the old set). Here every record holding one of the need's concepts is scored at once (NumPy) by
the same two things the score reads: the rarity-weighted coverage of the need's concepts (a broader concept
inherited by the record counts weights.INHERITED) and the focus (the share of the record's own concepts the
need names, scoring.focus_factor), and the best weights.CONCEPT_CANDIDATES go on to be scored.

Each process holds, like the vector matrix (vectors.py), one posting array per concept (own and inherited)
and each entry's count of own concepts: 100k records × ~10 concepts ≈ 1M postings, ~10 MB. It is read at
start (warm.py) and follows every change: changed rows (a newer `indexed_at`) go to an overlay that masks
their old postings, and a large overlay reloads all.
"""

import threading
import time

import numpy as np
from django.db.models import Max

from guichet.core.text import fold
from guichet.directory.models import SearchEntry

from . import weights

_lock = threading.Lock()
_state: dict = {"index": None, "checked": 0.0}
# Seconds between checks that the directory has not changed. Zero: every match checks (two MAX() lookups on
# indexed columns), so a record imported a moment ago is a candidate at once, as with the full-text index.
STAMP_TTL = 0.0
OVERLAY_LIMIT = 2000  # changed entries kept beside the arrays before they are rebuilt (a rebuild at 100k: ~2 s)


OWN, INHERITED = 2, 1  # statuses of a concept for a record: its own, or inherited from a narrower one of its own


def status_of_tags(tags: dict, keys: list[str]) -> tuple[list[int], int]:
    """ConceptIndex.statuses for one record's concepts as stored ({key: phrase, ^key: phrase})."""
    tags = tags or {}
    own = sum(1 for k in tags if not k.startswith("^"))
    return [OWN if key in tags else INHERITED if f"^{key}" in tags else 0 for key in keys], own


def _own_and_inherited(tags: dict) -> tuple[list[str], list[str]]:
    own = [k for k in tags if not k.startswith("^")]
    return own, [k[1:] for k in tags if k.startswith("^")]


def in_name(tags: dict, name: str) -> set[str]:
    """The record's own concepts written in its name ("Tri cellulaire" → cell-sorting): what it is about.
    tag_text keeps the phrase of the first text a concept was found in, and the name is tagged first."""
    folded = fold(name)
    return {k for k, phrase in tags.items() if not k.startswith("^") and phrase and fold(phrase) in folded}


class ConceptIndex:
    def __init__(self, rows: list[tuple[int, str, dict]], stamp):
        self.stamp = stamp
        self.ids = np.asarray([pk for pk, _n, _t in rows], dtype=np.int64)
        self.row = {int(pk): r for r, (pk, _n, _t) in enumerate(rows)}
        own_lists: dict[str, list[int]] = {}
        inherited_lists: dict[str, list[int]] = {}
        name_lists: dict[str, list[int]] = {}
        n_own = np.zeros(len(rows), dtype=np.float32)
        for r, (_pk, name, tags) in enumerate(rows):
            tags = tags or {}
            own, inherited = _own_and_inherited(tags)
            n_own[r] = len(own)
            for key in own:
                own_lists.setdefault(key, []).append(r)
            for key in inherited:
                inherited_lists.setdefault(key, []).append(r)
            for key in in_name(tags, name):
                name_lists.setdefault(key, []).append(r)
        self.own = {k: np.asarray(v, dtype=np.int32) for k, v in own_lists.items()}
        self.inherited = {k: np.asarray(v, dtype=np.int32) for k, v in inherited_lists.items()}
        self.named = {k: np.asarray(v, dtype=np.int32) for k, v in name_lists.items()}
        self.n_own = n_own
        self.stale = np.zeros(len(rows), dtype=bool)  # rows whose current concepts are in the overlay
        self.overlay: dict[int, tuple[str, dict]] = {}  # entry id → (name, concepts): changed or added since

    def __len__(self):
        return len(self.ids) - int(self.stale.sum()) + len(self.overlay)

    def update(self, changed: list[tuple[int, str, dict]]) -> None:
        for pk, name, tags in changed:
            row = self.row.get(int(pk))
            if row is not None:
                self.stale[row] = True
            self.overlay[int(pk)] = (name, tags or {})

    def best(self, query: dict[str, float], k: int) -> list[int]:
        """The k entries that best cover these concepts ({key: rarity × weight}), focus-weighted, best first."""
        query = {key: w for key, w in query.items() if w > 0}
        total = sum(query.values())
        if not query or total <= 0 or k <= 0:
            return []
        n = len(self.ids)
        coverage = np.zeros(n, dtype=np.float32)
        named = np.zeros(n, dtype=np.float32)
        in_names = np.zeros(n, dtype=np.float32)
        for key, w in query.items():
            own = self.own.get(key)
            if own is not None:
                coverage[own] += w
                named[own] += 1.0
            rows = self.named.get(key)
            if rows is not None:
                in_names[rows] += w
            inherited = self.inherited.get(key)
            if inherited is not None:
                # tag_text never writes a key both as a record's own and inherited: no double count.
                coverage[inherited] += weights.INHERITED * w
        coverage[self.stale] = 0.0
        touched = np.flatnonzero(coverage > 0)
        scores = self._score(coverage[touched] / total, named[touched], self.n_own[touched], in_names[touched] / total)
        if len(touched) > k:  # only the best k leave NumPy (a common concept touches most of the records)
            keep = np.argpartition(-scores, k - 1)[:k]
            touched, scores = touched[keep], scores[keep]
        candidates = [(float(s), int(pk)) for s, pk in zip(scores.tolist(), self.ids[touched].tolist(), strict=True)]
        for pk, (name, tags) in self.overlay.items():  # changed since the build: scored the same way, one by one
            own, inherited = _own_and_inherited(tags)
            own_set, inherited_set, name_set = set(own), set(inherited), in_name(tags, name)
            cov = sum(w if key in own_set else weights.INHERITED * w if key in inherited_set else 0.0
                      for key, w in query.items())
            if cov > 0:
                hits = sum(1 for key in query if key in own_set)
                in_n = sum(w for key, w in query.items() if key in name_set)
                score = self._score(np.asarray([cov / total]), np.asarray([hits]), np.asarray([len(own)]),
                                    np.asarray([in_n / total]))[0]
                candidates.append((float(score), pk))
        if len(candidates) > k:
            values = np.asarray([s for s, _pk in candidates])
            keep = np.argpartition(-values, k - 1)[:k]
            candidates = [candidates[i] for i in keep]
        candidates.sort(key=lambda c: (-c[0], c[1]))
        return [pk for _s, pk in candidates]

    def statuses(self, keys: list[str], ids) -> tuple[dict[int, tuple[list[int], int]], list[int]]:
        """What the scoring stage reads of each candidate's concepts, from the arrays instead of its JSON column
        (decoding ~600 of them was a fifth of a match at 100k; issue 17): for each entry id, one status per key
        (OWN, INHERITED or 0) and its number of own concepts. Also the ids the index does not hold (created
        after this process last looked): the caller reads their concepts (status_of_tags)."""
        out: dict[int, tuple[list[int], int]] = {}
        rows, pks, missing = [], [], []
        for pk in ids:
            changed = self.overlay.get(pk)
            if changed is not None:
                out[pk] = status_of_tags(changed[1], keys)
                continue
            row = self.row.get(pk)
            if row is None:
                missing.append(pk)
            else:
                rows.append(row)
                pks.append(pk)
        if rows:
            at = np.asarray(rows, dtype=np.int64)
            status = np.zeros((len(keys), len(rows)), dtype=np.int8)
            mask = np.zeros(len(self.ids), dtype=bool)
            for j, key in enumerate(keys):
                for postings, value in ((self.own.get(key), OWN), (self.inherited.get(key), INHERITED)):
                    if postings is not None:
                        mask[:] = False
                        mask[postings] = True
                        status[j][mask[at]] = value  # tag_text never writes a key both ways
            for pk, column, n_own in zip(pks, status.T.tolist(), self.n_own[at].astype(int).tolist(), strict=True):
                out[pk] = (column, n_own)
        return out, missing

    @staticmethod
    def _score(coverage: np.ndarray, named: np.ndarray, n_own: np.ndarray, in_names: np.ndarray) -> np.ndarray:
        """The concept part of scoring's legacy feature in arrays: coverage × focus (scoring.focus_factor:
        (1 - w) + w·sqrt(named / own concepts), 1 for a record with none), plus the concepts in the name
        (weights.NAME_CONCEPT_BONUS)."""
        share = np.divide(named, n_own, out=np.ones_like(coverage, dtype=np.float64), where=n_own > 0)
        factor = (1 - weights.FOCUS_WEIGHT) + weights.FOCUS_WEIGHT * np.sqrt(np.minimum(share, 1.0))
        return coverage * factor + weights.NAME_CONCEPT_BONUS * in_names


def _stamp():
    # No COUNT (a scan at 100k rows): a deleted entry left in the arrays is harmless, the scoring stage reads
    # only the entries that exist; the next rebuild drops it.
    # Two queries, each answered from its index (a few microseconds): in one aggregate SQLite read every row
    # (28 ms at 100k, paid by every match; issue 17).
    return (SearchEntry.objects.aggregate(n=Max("id"))["n"], SearchEntry.objects.aggregate(t=Max("indexed_at"))["t"])


def _read(queryset) -> list[tuple[int, str, dict]]:
    return list(queryset.values_list("id", "name", "concepts").iterator(chunk_size=5000))


def concept_index() -> ConceptIndex:
    """This process's concept index, current within STAMP_TTL seconds of any directory change."""
    now = time.monotonic()
    current = _state["index"]
    if current is not None and now - _state["checked"] < STAMP_TTL:
        return current
    with _lock:
        current = _state["index"]
        stamp = _stamp()
        if current is None:
            current = ConceptIndex(_read(SearchEntry.objects.order_by("id")), stamp)
        elif current.stamp != stamp:
            changed = SearchEntry.objects.all()
            if current.stamp[1] is not None:
                changed = changed.filter(indexed_at__gte=current.stamp[1])
            current.update(_read(changed.order_by("id")))
            current.stamp = stamp
            if len(current.overlay) > OVERLAY_LIMIT:
                current = ConceptIndex(_read(SearchEntry.objects.order_by("id")), stamp)
        _state.update(index=current, checked=now)
        return current


def reset() -> None:
    with _lock:
        _state.update(index=None, checked=0.0)
