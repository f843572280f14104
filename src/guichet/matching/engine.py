"""The matching engine: who can answer a need, with reasons, in French or English (matching-v1).

One call, four stages, one module each:
1. profile (profile.py): the need's words, its concepts (labels and purpose phrases of the bilingual
   vocabulary), its word-by-word translation (lexicon.py), its language and the kind of provider it asks for;
2. candidates (candidates.py, vectors.py, evidence.py): concept and word queries on the full-text index, an
   OR fallback, the nearest records by embedding over all records, and the providers the desk's past
   requests point to — fused as a union, so that a real need never gets an empty list;
3. score (scoring.py): features per candidate and one calibrated score in [0, 1];
4. rerank: best first, ties by name, cut to the limit.
Every number lives in weights.py. The index follows every directory change without a rebuild and holds only
what the caller may see.
"""



from collections import namedtuple

from django.db import connection
from django.utils.translation import gettext as _

from guichet.directory.models import SearchEntry

from . import candidates, concept_index, evidence, scoring, semantic, vectors, weights
from .profile import (  # noqa: F401  (the names other apps import from here)
    CONCEPT_PREFIX,
    QueryProfile,
    Token,
    _reset_hooks,
    build_profile,
    compile_vocabulary,
    concept_token,
    concept_tokens,
    detect_language,
    detection_memo,
    reset_cache,
    tag_text,
    tokenize,
    vocabulary,
    warm_detections,
    words_match,
)
from .scoring import Result  # noqa: F401

MAX_QUERY_LENGTH = 5000

_reset_hooks.extend([candidates.clear_frequencies, vectors.reset, concept_index.reset, evidence.reset])


class QueryRefused(ValueError):
    """An empty or oversized need: the interface answers 400 (HTTP) or exit status 2 (command line). `field`
    names what the caller sent it as (matching-v1's `q`, the desk's `text`): the API's 400 says it."""

    def __init__(self, message, field: str = "q"):
        super().__init__(message)
        self.field = field


def validate_query(text: str | None, *, field: str = "q") -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise QueryRefused(_("Describe the need: the text is empty."), field)
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryRefused(_("The text is too long (at most %(n)d characters).") % {"n": MAX_QUERY_LENGTH}, field)
    return text


def match(text: str, *, limit: int = 10, semantic: bool | None = None, translate: bool = True,
          use_evidence: bool = True) -> list[Result]:
    """Rank directory records for a need. Raises QueryRefused for an empty or oversized text.

    `semantic` None uses the configured embedding backend (GUICHET_EMBEDDINGS), False none; `translate`
    and `use_evidence` switch a lever off for the benchmarks."""
    text = validate_query(text)
    limit = max(1, min(int(limit), 50))
    profile = build_profile(text, translate=translate)
    vocab = vocabulary()

    # Stage 2: candidates.
    c_tokens = {k: concept_token(k) for k in profile.concepts}
    stem_tokens = sorted({s for g in profile.words.values() for alt, _f, _s in g.alternatives for s in alt})
    df = candidates.document_frequencies([*stem_tokens, *c_tokens.values(), "__total__"])
    total = max(df["__total__"], 1)
    # The concepts named (not only their broader ones) choose the concept candidates, weighed as the score weighs
    # them (rarity × weight), unless the need has nothing but broader ones.
    direct = {k: c for k, c in profile.concepts.items() if c.weight >= weights.BROADER_QUERY_WEIGHT}
    concept_query = {k: candidates.idf(df[c_tokens[k]], total) * c.weight
                     for k, c in (direct or profile.concepts).items()}
    # One look at the concept index per match (its freshness check is two queries): candidates and scoring
    # read the same snapshot.
    c_index = concept_index.concept_index()
    ids = candidates.lexical_candidates(concept_query, stem_tokens, df, total, index=c_index)

    model = semantic_module_backend(semantic)
    cosines: dict[int, float] = {}
    if model:
        index = vectors.vector_index(model)
        if len(index):
            q_vec = embed_need(profile, model)
            nearest = index.nearest(q_vec, weights.DENSE_CANDIDATES)
            ids = list(dict.fromkeys([*ids, *(i for i, _c in nearest)]))
            cosines = index.cosines(q_vec, ids)

    past = evidence.profiles() if use_evidence else {}
    if past and profile.concepts:
        query_concepts = {k: c.weight for k, c in profile.concepts.items()}
        keys = [k for k, p in past.items() if evidence.similarity(query_concepts, p) >= weights.EVIDENCE_MIN]
        if keys:
            ids = list(dict.fromkeys([*ids, *SearchEntry.objects.filter(key__in=keys).values_list("id", flat=True)]))
    if not ids:
        return []

    # Stage 3: score.
    # Rows, not model instances: a few hundred candidates per need, read and dropped. Their concepts come from
    # the process's concept index (arrays), not from each row's JSON; only the results shown read theirs.
    entries = candidate_rows(ids)
    order = scoring.concept_order(profile, df, total, c_tokens)
    statuses, missing = c_index.statuses(order, [e.id for e in entries])
    if missing:  # created since the index last looked (it looks at every match): read as stored
        for pk, tags in SearchEntry.objects.filter(id__in=missing).values_list("id", "concepts"):
            statuses[pk] = concept_index.status_of_tags(tags, order)
    entries = [e for e in entries if e.id in statuses]
    results = scoring.score_entries(profile, entries, df=df, total=total, concept_tokens=c_tokens, cosines=cosines,
                                    model=model, evidence=past, statuses=statuses)
    # Stage 4: rerank — the calibrated score is the order; non-increasing by construction.
    results.sort(key=lambda r: (-r.score, r.name, r.key))
    results = results[:limit]
    shown = dict(SearchEntry.objects.filter(id__in=[r._why[0] for r in results]).values_list("id", "concepts"))
    scoring.explain(results, profile, df=df, total=total, labels=vocab.labels, record_concepts=shown)
    return results


CandidateRow = namedtuple("CandidateRow", ["id", "record_kind", "key", "name", "document", "lang", "org_kind"])


def candidate_rows(ids: list[int]) -> list[CandidateRow]:
    """The scoring stage's columns of these entries, in one query with the ids as plain parameters.

    Through the ORM (`filter(id__in=ids).values_list(...)`) Django prepared and resolved each of the ~600 ids
    one by one, ~8 ms of CPU per match at 100k records (cProfile, issue 17); the rows are the same."""
    if not ids:
        return []
    meta = SearchEntry._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in CandidateRow._fields)
    rows = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):  # bounded parameter lists, whatever the database's limit
            chunk = [int(pk) for pk in ids[start:start + 900]]
            cursor.execute(f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} IN "
                           f"({', '.join(['%s'] * len(chunk))})", chunk)
            rows.extend(CandidateRow._make(row) for row in cursor.fetchall())
    return rows


def semantic_module_backend(semantic_flag: bool | None) -> str | None:
    if semantic_flag is False:
        return None
    return semantic.backend()


def embed_need(profile: QueryProfile, model: str):
    """The need's vector. English-only MiniLM also reads the need's translation (weights.EMBED_TRANSLATION)."""
    text = profile.text
    if weights.EMBED_TRANSLATION.get(model) and profile.expansion:
        text = f"{text} ({profile.expansion})"
    return semantic.embed_query(text, name=model)


def good_matches(results: list[Result]) -> list[Result]:
    """The results worth showing as matches (calibrated score at or above weights.GOOD_MATCH)."""
    return [r for r in results if r.good]



