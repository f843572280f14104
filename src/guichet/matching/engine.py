"""The matching engine: who can answer a need, with reasons, in French or English.

Three signals are fused into one score in [0, 1]:
- concepts: the bilingual vocabulary (matching.Concept) finds the same concept in the need and in a
  record whatever their languages ("tri cellulaire" ↔ "cell sorting"), weighted by rarity;
- lexical: the need's words (folded, French and English stems) found in the record, weighted by rarity;
- semantic (optional, `guichet[semantic]`): cosine similarity of MiniLM sentence embeddings.
Candidates come from the directory's full-text index (concept tokens and stems OR-ed), so the engine
follows every directory change without a rebuild and never reads what the caller may not see.
"""

import math
import re
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Max

from guichet.core.text import STOPWORDS, fold, stems, words

MAX_QUERY_LENGTH = 5000
CANDIDATES = 200
MAX_QUERY_TERMS = 8  # the rarest words and concepts of a long need are enough to find its candidates
CANDIDATE_POSTINGS = 20000
CONCEPT_PREFIX = "zc"
_TOKEN = re.compile(r"\w+", re.UNICODE)
_ELISION = re.compile(r"\b(?:[dljmnsc]|qu)['’]", re.IGNORECASE)
_FR_HINTS = frozenset("le la les des du une un et pour dans avec sur nous cherchons besoin recherche souhaitons "
                      "voudrions notre nos est sont qui que aux ou".split())
_EN_HINTS = frozenset("the and for with we need looking our a an of to in is are who that seeking want would "
                      "someone".split())


class QueryRefused(ValueError):
    """An empty or oversized need: the interface answers 400 (HTTP) or exit status 2 (command line)."""


def concept_token(key: str) -> str:
    return CONCEPT_PREFIX + key.replace("-", "").replace("_", "")


# --- tokens --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    surface: str           # as written, for reasons
    folded: str
    stems: tuple[str, ...]


def tokenize(text: str, *, keep_letters: bool = False) -> list[Token]:
    """Words with their stems, stop words dropped (single letters kept for labels: "protéine A")."""
    tokens = []
    for surface in _TOKEN.findall(_ELISION.sub(" ", text)):
        for part in _parts(surface):
            if part in STOPWORDS and not (keep_letters and len(part) == 1):
                continue
            tokens.append(Token(surface, part, stems(part)))
    return tokens


@lru_cache(maxsize=65536)
def _parts(surface: str) -> tuple[str, ...]:
    """The folded parts of one written word (words repeat: folding each once matters at import scale)."""
    return tuple(re.findall(r"[a-z0-9]+", fold(surface)))


def words_match(a: Token, b: Token) -> bool:
    # Same word or same stem only: looser prefix rules made "essai" match "essaimage". Short words
    # (acronyms: CD8, ADC, VHH) must be equal, or "AcM" would match "Acme".
    if a.folded == b.folded:
        return True
    if min(len(a.folded), len(b.folded)) <= 4:
        return False
    return bool(set(a.stems) & set(b.stems))


def detect_language(text: str, detections=()) -> str:
    """fr or en, from function words, accents and the language of the vocabulary labels the text used."""
    folded = [fold(w) for w in _TOKEN.findall(text.lower())]
    fr = sum(w in _FR_HINTS for w in folded) + 2 * len(re.findall(r"[éèêàùçôî]", text.lower()))
    en = sum(w in _EN_HINTS for w in folded)
    for d in detections:
        fr += d.synonym.lang == "fr"
        en += d.synonym.lang == "en"
    return "fr" if fr > en else "en"


# --- the compiled vocabulary ---------------------------------------------------------------------

@dataclass(frozen=True)
class Synonym:
    concept: str
    lang: str
    text: str
    words: tuple[Token, ...]


@dataclass(frozen=True)
class Detection:
    concept: str
    phrase: str       # the words of the text that carried it
    synonym: Synonym
    words: tuple[str, ...] = ()  # their folded forms


@dataclass
class CompiledVocabulary:
    labels: dict[str, dict[str, str]]
    broader: dict[str, tuple[str, ...]]
    synonyms: list[Synonym]
    by_stem: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self):
        # Indexed by exact stem and folded form, the only ways two words match (words_match). A synonym
        # matches only if all its words do, so it is listed under its rarest word only: a text holding
        # "cells" does not make every "… cells" synonym a candidate.
        frequency = defaultdict(int)
        for synonym in self.synonyms:
            for word in synonym.words:
                for key in {word.folded, *word.stems}:
                    frequency[key] += 1
        index = defaultdict(set)
        for i, synonym in enumerate(self.synonyms):
            rarest = min(synonym.words, key=lambda w: sum(frequency[k] for k in {w.folded, *w.stems}))
            for key in (rarest.folded, *rarest.stems):
                index[key].add(i)
        self.by_stem = {k: sorted(v) for k, v in index.items()}

    def detect(self, text: str, tokens: list[Token] | None = None) -> list[Detection]:
        """Concepts found in a text, longest synonyms first, each concept once."""
        tokens = tokenize(text) if tokens is None else tokens
        candidates = set()
        for token in tokens:
            for key in (token.folded, *token.stems):
                candidates.update(self.by_stem.get(key, ()))
        if not candidates:
            return []
        matcher = _Matcher(tokens)
        folded, long_stems = matcher.by_folded, matcher.by_stem
        found: dict[str, Detection] = {}
        for i in sorted(candidates, key=lambda i: (-len(self.synonyms[i].words), i)):
            synonym = self.synonyms[i]
            if synonym.concept in found:
                continue
            # Cheap test first: most candidates share one word with the text, not all of them.
            if not all(w.folded in folded or (len(w.folded) > 4 and any(s in long_stems for s in w.stems))
                       for w in synonym.words):
                continue
            positions = matcher.find(synonym.words)
            if positions is not None:
                phrase = " ".join(dict.fromkeys(tokens[p].surface for p in positions))
                found[synonym.concept] = Detection(synonym.concept, phrase, synonym,
                                                   tuple(tokens[p].folded for p in positions))
        return list(found.values())


class _Matcher:
    """`_find` over one text, with the positions each word matches looked up instead of compared.

    Same rule as words_match: equal folded forms, or (both longer than four letters) a shared stem. Tagging
    a directory import compares every candidate synonym with every word; indexing the text's words once
    makes that a few dictionary reads (the import benchmark went from minutes to seconds).
    """

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.by_folded: dict[str, set[int]] = defaultdict(set)
        self.by_stem: dict[str, set[int]] = defaultdict(set)
        for pos, token in enumerate(tokens):
            self.by_folded[token.folded].add(pos)
            if len(token.folded) > 4:
                for stem in token.stems:
                    self.by_stem[stem].add(pos)
        self._positions: dict[int, frozenset[int]] = {}  # by id(): the vocabulary's words outlive the matcher

    def positions(self, word: Token) -> frozenset[int]:
        cached = self._positions.get(id(word))
        if cached is None:
            found = set(self.by_folded.get(word.folded, ()))
            if len(word.folded) > 4:
                for stem in word.stems:
                    found |= self.by_stem.get(stem, set())
            cached = self._positions[id(word)] = frozenset(found)
        return cached

    def find(self, words: tuple[Token, ...]) -> list[int] | None:
        n = len(words)
        window = n + (2 if n > 1 else 0)
        matches = [self.positions(w) for w in words]
        if not all(matches):  # a word of the synonym is nowhere in the text
            return None
        starts = sorted(set().union(*matches))
        for start in starts:
            remaining, positions = list(range(n)), []
            for pos in range(start, min(len(self.tokens), start + window)):
                for index in remaining:
                    if pos in matches[index]:
                        remaining.remove(index)
                        positions.append(pos)
                        break
                if not remaining:
                    return positions
        return None


def _find(words: tuple[Token, ...], tokens: list[Token]) -> list[int] | None:
    """Positions of the text's words that carry every word of a synonym, within a window two words wider
    ("sort CD8 T cells" holds "sort cells")."""
    return _Matcher(tokens).find(words)


_cache_lock = threading.Lock()
_cache: dict = {"stamp": None, "vocabulary": None, "checked": 0.0}
STAMP_TTL = 2.0  # seconds between checks that the vocabulary has not changed


def vocabulary() -> CompiledVocabulary:
    """The compiled vocabulary, rebuilt when staff change a concept (checked every few seconds)."""
    from .models import Concept

    now = time.monotonic()
    if _cache["vocabulary"] is not None and now - _cache["checked"] < STAMP_TTL:
        return _cache["vocabulary"]
    stamp = tuple(Concept.objects.filter(is_active=True).aggregate(n=Count("id"), t=Max("updated_at")).values())
    with _cache_lock:
        if _cache["vocabulary"] is None or _cache["stamp"] != stamp:
            _cache["vocabulary"] = compile_vocabulary()
            _cache["stamp"] = stamp
        _cache["checked"] = now
        return _cache["vocabulary"]


def compile_vocabulary() -> CompiledVocabulary:
    from .models import Concept

    labels, broader, synonyms = {}, {}, []
    for concept in Concept.objects.filter(is_active=True).prefetch_related("broader"):
        labels[concept.key] = {"fr": concept.label("fr"), "en": concept.label("en")}
        broader[concept.key] = tuple(b.key for b in concept.broader.all() if b.is_active)
        for lang in ("fr", "en"):
            for label in concept.labels(lang):
                words = tuple(tokenize(label, keep_letters=True))
                raw = _TOKEN.findall(_ELISION.sub(" ", label))
                # Left out: labels the tokenizer cannot read (Greek letters), labels of single letters, and
                # phrases that stop words would shrink to one word ("antibodies to" is not "antibodies").
                lost = any(not re.search(r"[a-z0-9]", fold(w)) for w in raw)
                shrunk = len(raw) > 1 and len(words) == 1
                if words and not lost and not shrunk and any(len(w.folded) > 1 for w in words):
                    synonyms.append(Synonym(concept.key, lang, label, words))
    return CompiledVocabulary(labels, broader, synonyms)


def reset_cache() -> None:
    with _cache_lock:
        _cache.update(stamp=None, vocabulary=None, checked=0.0)
        _df_cache.clear()


# --- document frequencies ------------------------------------------------------------------------

_df_cache: dict[str, tuple[float, int]] = {}
DF_TTL = 600.0


def document_frequencies(tokens: list[str]) -> dict[str, int]:
    """How many directory entries hold each token (cached for a few minutes: rarity changes slowly)."""
    from guichet.directory.models import SearchEntry

    now = time.monotonic()
    out, missing = {}, []
    for token in tokens:
        cached = _df_cache.get(token)
        if cached and now - cached[0] < DF_TTL:
            out[token] = cached[1]
        else:
            missing.append(token)
    if missing:
        with connection.cursor() as cursor:
            for token in missing:
                if token == "__total__":
                    n = SearchEntry.objects.count()
                elif connection.vendor == "postgresql":
                    cursor.execute("SELECT count(*) FROM directory_searchentry "
                                   "WHERE document_tsv @@ to_tsquery('simple'::regconfig, %s)", [token])
                    n = cursor.fetchone()[0]
                else:
                    cursor.execute("SELECT count(*) FROM directory_searchentry_fts "
                                   "WHERE directory_searchentry_fts MATCH %s", [f'"{token}"'])
                    n = cursor.fetchone()[0]
                _df_cache[token] = (now, n)
                out[token] = n
    return out


# --- tagging directory records -------------------------------------------------------------------

_detections: ContextVar[dict | None] = ContextVar("guichet_detections", default=None)


@contextmanager
def detection_memo():
    """Within this block, each distinct text is tagged once. An import tags its texts before it takes the
    database's write lock (`warm_detections`), so that the transaction only reads the results."""
    token = _detections.set({})
    try:
        yield
    finally:
        _detections.reset(token)


def warm_detections(texts) -> None:
    memo = _detections.get()
    if memo is None:
        return
    vocab = vocabulary()
    for text in texts:
        if text and text not in memo:
            memo[text] = vocab.detect(text)


def tag_text(*texts: str) -> dict[str, str]:
    """Concepts of a record: {key: phrase as written} for those found, {^key: phrase} for their broader ones."""
    vocab = vocabulary()
    memo = _detections.get()
    found: dict[str, str] = {}
    for text in texts:
        if not text:
            continue
        if memo is not None:
            detections = memo.get(text)
            if detections is None:
                detections = memo[text] = vocab.detect(text)
        else:
            detections = vocab.detect(text)
        for detection in detections:
            found.setdefault(detection.concept, detection.phrase)
    tags = dict(found)
    frontier = list(found)
    while frontier:
        key = frontier.pop()
        for parent in vocab.broader.get(key, ()):
            if parent not in found and f"^{parent}" not in tags:
                tags[f"^{parent}"] = found.get(key) or tags.get(f"^{key}", "")
                frontier.append(parent)
    return tags


def concept_tokens(tags: dict[str, str]) -> str:
    return " ".join(concept_token(k.lstrip("^")) for k in tags)


# --- matching ------------------------------------------------------------------------------------

KIND_PRIOR = {"service": 1.0, "instrument": 0.97, "platform": 0.97, "person": 0.95, "organization": 0.93}
INHERITED = 0.6
BROADER_QUERY_WEIGHT = 0.35


@dataclass
class Result:
    kind: str
    key: str
    name: str
    score: float
    reasons: list[str]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "key": self.key, "name": self.name, "score": round(self.score, 4),
                "reasons": self.reasons}


def _idf(df: int, total: int) -> float:
    return math.log(1 + (total + 1) / (df + 1))


def _candidate_ids(tokens: list[str], limit: int) -> list[int]:
    if not tokens:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT e.id FROM directory_searchentry e, to_tsquery('simple'::regconfig, %s) q "
                "WHERE e.document_tsv @@ q ORDER BY ts_rank(e.document_tsv, q) DESC LIMIT %s",
                [" | ".join(tokens), limit])
        else:
            cursor.execute(
                "SELECT rowid FROM directory_searchentry_fts WHERE directory_searchentry_fts MATCH %s "
                "ORDER BY rank LIMIT %s", [" OR ".join(f'"{t}"' for t in tokens), limit])
        return [row[0] for row in cursor.fetchall()]


def validate_query(text: str | None) -> str:
    from django.utils.translation import gettext as _

    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise QueryRefused(_("Describe the need: the text is empty."))
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryRefused(_("The text is too long (at most %(n)d characters).") % {"n": MAX_QUERY_LENGTH})
    return text


def match(text: str, *, limit: int = 10, semantic: bool | None = None) -> list[Result]:
    """Rank directory records for a need. Raises QueryRefused for an empty or oversized text."""
    from guichet.directory.models import SearchEntry

    text = validate_query(text)
    limit = max(1, min(int(limit), 50))
    vocab = vocabulary()
    q_tokens = tokenize(text)
    detections = vocab.detect(text, q_tokens)
    lang = detect_language(text, detections)
    words_of = {d.concept: d.words for d in detections}

    # Query concepts, with their broader concepts at a lower weight.
    q_concepts: dict[str, tuple[float, str]] = {d.concept: (1.0, d.phrase) for d in detections}
    for d in detections:
        for parent in vocab.broader.get(d.concept, ()):
            q_concepts.setdefault(parent, (BROADER_QUERY_WEIGHT, d.phrase))

    # Query words, each with its alternative stems.
    q_words: dict[str, Token] = {}
    for token in q_tokens:
        q_words.setdefault(token.folded, token)
    stem_tokens = sorted({s for t in q_words.values() for s in t.stems})
    c_tokens = {k: concept_token(k) for k in q_concepts}
    df = document_frequencies([*stem_tokens, *c_tokens.values(), "__total__"])
    total = max(df["__total__"], 1)

    # Very common words say little and slow the candidate query: keep them out of it, not out of scoring.
    def common(n: int) -> bool:
        return n > 0.2 * total and n > 1000
    def rarest(tokens: list[str]) -> list[str]:
        # Rarest first, until the postings to rank reach a budget: the cost of a query stays bounded.
        chosen, postings = [], 0
        for token in sorted(tokens, key=lambda t: df[t]):
            if chosen and (postings + df[token] > CANDIDATE_POSTINGS or len(chosen) >= MAX_QUERY_TERMS):
                break
            chosen.append(token)
            postings += df[token]
        return chosen
    selective = [s for s in stem_tokens if not common(df[s])] or stem_tokens
    ids = list(dict.fromkeys([*_candidate_ids(rarest(list(c_tokens.values())), CANDIDATES),
                              *_candidate_ids(rarest(selective), CANDIDATES)]))
    if not ids:
        return []
    from . import semantic as semantic_module

    use_semantic = semantic_module.available() if semantic is None else (semantic and semantic_module.available())
    fields = ["id", "record_kind", "key", "name", "document", "concepts", "lang"]
    entries = list(SearchEntry.objects.filter(id__in=ids).only(*fields))

    word_idf = {w: max(_idf(df[s], total) for s in t.stems) for w, t in q_words.items()}
    concept_idf = {k: _idf(df[c_tokens[k]], total) * weight for k, (weight, _p) in q_concepts.items()}
    concept_total = sum(concept_idf.values())
    word_total = sum(word_idf.values()) or 1.0
    has_concepts = concept_total > 0

    results = []
    for entry in entries:
        doc = set(entry.document.split())
        tags = entry.concepts or {}
        c_score, c_reasons, bridged = 0.0, [], set()
        for key, weight_idf in sorted(concept_idf.items(), key=lambda kv: -kv[1]):
            if key in tags:
                factor, record_phrase = 1.0, tags[key]
            elif f"^{key}" in tags:
                factor, record_phrase = INHERITED, None
            else:
                continue
            c_score += weight_idf * factor
            bridged.update(words_of.get(key, ()))  # the concept carried these words across languages
            query_phrase = q_concepts[key][1] if q_concepts[key][0] == 1.0 else None
            c_reasons.append(_reason(query_phrase, record_phrase, vocab.labels.get(key, {}), lang))
        matched_words = [w for w, t in q_words.items() if w in bridged or any(s in doc for s in t.stems)]
        l_score = sum(word_idf[w] for w in matched_words) / word_total
        if has_concepts:
            score = 0.6 * (c_score / concept_total) + 0.4 * l_score
        else:
            score = l_score
        if score <= 0:
            continue
        score *= KIND_PRIOR.get(entry.record_kind, 0.9)
        # Words of the need found in the record's own name weigh more than in its context (its parent's name).
        name_words = {x for w in words(entry.name) for x in stems(w)}
        in_name = sum(word_idf[w] for w in matched_words if set(q_words[w].stems) & name_words)
        score = min(1.0, score + 0.2 * in_name / word_total)
        covered = fold(" ".join(c_reasons))
        extra = [q_words[w].surface for w in matched_words
                 if w not in covered and not common(min(df[x] for x in q_words[w].stems))][:3]
        reasons = list(dict.fromkeys(c_reasons))[:3] + ([", ".join(extra)] if extra else [])
        results.append(Result(entry.record_kind, entry.key, entry.name, score, reasons))
    results.sort(key=lambda r: (-r.score, r.name))
    if use_semantic and results:
        results = _rerank(text, results[:max(SEMANTIC_RERANK, 3 * limit)], semantic_module)
    return results[:limit]


SEMANTIC_RERANK = 60


def _rerank(text: str, results: list[Result], semantic_module) -> list[Result]:
    """Fuse the embedding similarity into the best candidates only: their vectors are the only ones read."""
    import numpy as np

    from guichet.directory.models import SearchEntry

    vectors = dict(SearchEntry.objects.filter(key__in=[r.key for r in results], embedding__isnull=False)
                   .values_list("key", "embedding"))
    q_vec = semantic_module.embed([text])[0]
    for result in results:
        blob = vectors.get(result.key)
        if blob:
            cosine = float(np.frombuffer(bytes(blob), dtype=np.float32) @ q_vec)
            # MiniLM cosines of unrelated texts sit near 0.1, close paraphrases above 0.6.
            result.score = 0.8 * result.score + 0.2 * min(1.0, max(0.0, (cosine - 0.15) / 0.5))
        else:
            result.score *= 0.8
    results.sort(key=lambda r: (-r.score, r.name))
    return results


def _reason(query_phrase: str | None, record_phrase: str | None, labels: dict, lang: str) -> str:
    """"tri cellulaire ↔ cell sorting" for a direct match; the shared broader concept's label otherwise."""
    if query_phrase is None or record_phrase is None:
        return labels.get(lang) or query_phrase or record_phrase or ""
    if fold(query_phrase) == fold(record_phrase):
        return query_phrase
    return f"{query_phrase} ↔ {record_phrase}"
