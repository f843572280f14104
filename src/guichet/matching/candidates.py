"""Stage 2, candidates: the records worth scoring, from four sources, so that a real need never gets none.

- concepts: entries tagged with the need's concepts, every one of them scored by coverage and focus in the
  process's concept index (concept_index.py), the best weights.CONCEPT_CANDIDATES kept;
- words: entries holding the most of the need's rarest words or their translations (postings summed by
  rarity, within a postings budget so that the cost stays bounded at 100k records);
- fallback: when both found nothing, every content word OR-ed, common ones included;
- dense: the nearest entries by embedding over *all* records (vectors.py), whatever their words;
- the desk's evidence: providers that answered requests with the same concepts (evidence.py).
"""

import math
import time

import numpy as np

from guichet.directory import search
from guichet.directory.models import SearchEntry

from . import concept_index, weights

_df_cache: dict[str, tuple[float, int]] = {}
DF_TTL = 600.0


def document_frequencies(tokens: list[str]) -> dict[str, int]:
    """How many directory entries hold each token (cached for a few minutes: rarity changes slowly)."""
    now = time.monotonic()
    out, missing = {}, []
    for token in tokens:
        cached = _df_cache.get(token)
        if cached and now - cached[0] < DF_TTL:
            out[token] = cached[1]
        else:
            missing.append(token)
    for token in missing:
        n = SearchEntry.objects.count() if token == "__total__" else search.count_matching(search.any_of([token]))
        _df_cache[token] = (now, n)
        out[token] = n
    return out


def clear_frequencies() -> None:
    _df_cache.clear()


def idf(df: int, total: int) -> float:
    return math.log(1 + (total + 1) / (df + 1))


def lexical_ids(tokens: list[str], limit: int | None = None) -> list[int]:
    """Entries holding any of these index tokens, best full-text rank first (weights.CANDIDATES of them)."""
    if not tokens:
        return []
    limit = limit or weights.CANDIDATES
    return search.ranked_ids(search.any_of(tokens), limit=limit)


def word_candidates(stems: list[str], df: dict[str, int], total: int) -> list[int]:
    """Entries holding the most of these (rare) word stems, weighed by rarity, weights.CANDIDATES of them.

    Unranked postings of each stem, summed here: a record holding three of the need's rare words comes before
    one holding one of them three times (the full-text rank of an OR query orders them by frequency and text
    length), and no bm25 is computed over every match (at 100k records it was the slowest step of a match)."""
    postings, values = [], []
    for stem in stems:
        ids = search.matching_ids(search.any_of([stem]))
        postings.append(np.asarray(ids, dtype=np.int64))
        values.append(np.full(len(ids), idf(df[stem], total)))
    if not postings or not sum(len(a) for a in postings):
        return []
    # Summed in NumPy (bincount adds in the order given, as a loop over the stems would), best first, ties by id.
    ids = np.concatenate(postings)
    score = np.bincount(ids, weights=np.concatenate(values))
    held = np.flatnonzero(score)
    best = held[np.lexsort((held, -score[held]))][:weights.CANDIDATES]
    return best.tolist()


def rarest(tokens: list[str], df: dict[str, int]) -> list[str]:
    """Rarest first, until the postings to rank reach a budget: the cost of a query stays bounded."""
    chosen, postings = [], 0
    for token in sorted(set(tokens), key=lambda t: (df[t], t)):
        if df[token] == 0:
            continue  # in no record: asking for it finds nothing
        if chosen and (postings + df[token] > weights.CANDIDATE_POSTINGS or len(chosen) >= weights.MAX_QUERY_TERMS):
            break
        chosen.append(token)
        postings += df[token]
    return chosen


def is_common(n: int, total: int) -> bool:
    return n > weights.COMMON_SHARE * total and n > 1000


def lexical_candidates(concept_query: dict[str, float], word_stems: list[str], df: dict[str, int],
                       total: int, *, index: "concept_index.ConceptIndex | None" = None) -> list[int]:
    """Concept candidates ({concept key: rarity × weight}) and word candidates, in that order, without repeats.
    `index`: the match's concept index (read once per match), else the process's current one."""
    selective = [s for s in word_stems if not is_common(df[s], total)]
    index = index or concept_index.concept_index()
    concept_ids = index.best(concept_query, weights.CONCEPT_CANDIDATES)
    ids = [*concept_ids, *word_candidates(rarest(selective, df), df, total)]
    if not ids and word_stems:
        # OR semantics over every word, common ones too: a need of general words still gets candidates.
        present = sorted((s for s in set(word_stems) if df[s] > 0), key=lambda t: (df[t], t))
        ids = lexical_ids(present[:weights.MAX_QUERY_TERMS * 2])
    return list(dict.fromkeys(ids))
