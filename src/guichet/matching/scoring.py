"""Stage 3, score: features of each candidate for the need, and one calibrated score in [0, 1].

Features: `legacy` (the concept and lexical coverage of the first engine, rarity-weighted, with the kind
prior and the in-name bonus), `dense` (embedding cosine mapped to [0, 1] per model), `intent` (the record is
of the kind the need asks for) and `evidence` (the provider answered desk requests with the same concepts).
The score is a logistic of their weighted sum (weights.LOGISTIC, fitted on the old set by
bench/matching_fit.py): it estimates the chance the record is relevant, so it means the same from one need
to the next and the desk can say "no good match" below weights.GOOD_MATCH.
"""

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from guichet.core.text import fold

from . import weights
from .candidates import idf, is_common
from .concept_index import OWN
from .evidence import similarity
from .profile import QueryProfile, intent_matches

REASON_TEXT = {
    "dense": {"fr": "sens proche de la demande", "en": "close in meaning to the need"},
    "evidence": {"fr": "a déjà répondu à des demandes semblables", "en": "answered similar requests before"},
    "intent": {"fr": "le type de partenaire demandé", "en": "the kind of provider asked for"},
}


@dataclass
class Result:
    kind: str
    key: str
    name: str
    score: float
    reasons: list[str]
    features: dict = field(default_factory=dict, repr=False)
    _why: tuple = field(default=(), repr=False)

    @property
    def good(self) -> bool:
        """Above the threshold of a match worth showing (weights.GOOD_MATCH)."""
        return self.score >= weights.GOOD_MATCH

    def as_dict(self) -> dict:
        return {"kind": self.kind, "key": self.key, "name": self.name, "score": round(self.score, 4),
                "reasons": self.reasons}


def dense_feature(cosine: float | None, model: str | None) -> float:
    if cosine is None or model is None:
        return 0.0
    low, high = weights.DENSE_RANGE[model]
    return min(1.0, max(0.0, (cosine - low) / (high - low)))


def focus_factor(tags: dict, query_concepts: dict) -> float:
    """How much of what the record is about the need asks for: the share of the record's own concepts (not the
    inherited broader ones) that are the need's, blended by weights.FOCUS_WEIGHT. A record about one thing
    keeps its coverage; one that names twenty topics in passing is not a specialist of each (document-side
    normalisation, as BM25 normalises by length)."""
    own = [k for k in tags if not k.startswith("^")]
    return focus_of_counts(sum(1 for k in own if k in query_concepts), len(own), query_concepts)


def calibrate(features: dict[str, float], mode: str) -> float:
    coef = weights.LOGISTIC[mode]
    z = coef["bias"] + sum(coef.get(name, 0.0) * value for name, value in features.items()
                           if name not in ("intent", "evidence"))
    z += weights.INTENT_LOGIT * features.get("intent", 0.0) + weights.EVIDENCE_LOGIT * features.get("evidence", 0.0)
    return 1.0 / (1.0 + math.exp(-z))


def focus_of_counts(own_hits: int, n_own: int, query_concepts: dict) -> float:
    """focus_factor from counts: the record's own concepts that the need names, of n_own."""
    if not n_own or not query_concepts or weights.FOCUS_WEIGHT <= 0:
        return 1.0  # a need without concepts says nothing of what a record is about
    return (1 - weights.FOCUS_WEIGHT) + weights.FOCUS_WEIGHT * math.sqrt(own_hits / n_own)


def concept_order(profile: QueryProfile, df: dict[str, int], total: int, concept_tokens: dict[str, str]) -> list[str]:
    """The need's concepts, heaviest (rarity × weight) first: the order of ConceptIndex.statuses and reasons."""
    concept_idf = {k: idf(df[concept_tokens[k]], total) * c.weight for k, c in profile.concepts.items()}
    return sorted(concept_idf, key=lambda k: -concept_idf[k])


def score_entries(profile: QueryProfile, entries, *, df: dict[str, int], total: int, concept_tokens: dict[str, str],
                  cosines: dict[int, float], model: str | None, evidence: dict, statuses: dict) -> list[Result]:
    """`statuses`: entry id → (status of each concept of concept_order: concept_index.OWN, INHERITED or 0,
    number of the record's own concepts), from the process's concept index."""
    # Each word of the need weighs its rarity; an alternative (a translation) its rarity times its factor.
    word_weight, alternatives = {}, {}
    for folded, group in profile.words.items():
        # (stems, credit, surface) of each alternative, computed once per need rather than once per record
        alternatives[folded] = [(alt, factor * max(idf(df[s], total) for s in alt), surface)
                                for alt, factor, surface in group.alternatives]
        word_weight[folded] = max(value for _alt, value, _s in alternatives[folded])
    word_total = sum(word_weight.values()) or 1.0
    concept_idf = {k: idf(df[concept_tokens[k]], total) * c.weight for k, c in profile.concepts.items()}
    concept_total = sum(concept_idf.values())
    query_concepts = {k: c.weight for k, c in profile.concepts.items()}
    mode = "dense" if model else "plain"
    bias, c_legacy, c_dense = (weights.LOGISTIC[mode]["bias"], weights.LOGISTIC[mode].get("legacy", 0.0),
                               weights.LOGISTIC[mode].get("dense", 0.0))

    # (folded, stems) of each word, for _in_name
    word_keys = {folded: (g.token.folded, g.token.stems) for folded, g in profile.words.items()}

    order = concept_order(profile, df, total, concept_tokens)
    weighted = [(key, concept_idf[key], profile.concepts[key].words) for key in order]
    # Every stem a word or its translations can be found by, and by word: a record's document is read only for
    # these (most of its hundreds of stems are not the need's), and a word none of whose stems the record holds
    # is passed over at once. ~430 candidates per need at 100k records: the loop below was a quarter of a match.
    word_stems = {folded: frozenset(s for alt, _v, _s in alts for s in alt) for folded, alts in alternatives.items()}
    need_stems = frozenset().union(*word_stems.values())

    results = []
    for entry in entries:
        doc = need_stems.intersection(entry.document.split())  # the need's stems this record holds
        status, n_own = statuses[entry.id]
        c_score, c_found, bridged, own_hits = 0.0, [], set(), 0
        for (key, weight_idf, words), state in zip(weighted, status, strict=True):
            if not state:
                continue
            if state == OWN:
                factor = 1.0
                own_hits += 1
            else:
                factor = weights.INHERITED
            c_score += weight_idf * factor
            bridged.update(words)  # the concept carried these words across languages
            c_found.append((key, state == OWN))
        matched, l_score, translated = [], 0.0, []
        for folded, group in profile.words.items():
            if folded in bridged:
                credit = word_weight[folded]
            elif word_stems[folded].isdisjoint(doc):
                continue
            else:
                credit = 0.0
                for position, (alt, value, surface) in enumerate(alternatives[folded]):
                    if value > credit and any(s in doc for s in alt):
                        credit = value
                        if position:
                            translated.append(f"{group.token.surface} → {surface}")
                if credit == 0.0:
                    continue
            matched.append(folded)
            l_score += credit
        l_score /= word_total
        if concept_total > 0:
            legacy = weights.CONCEPT_SHARE * (c_score / concept_total) + (1 - weights.CONCEPT_SHARE) * l_score
        else:
            legacy = l_score
        cosine = cosines.get(entry.id)
        dense = dense_feature(cosine, model)
        past = evidence.get(entry.key)
        ev = 0.0
        if past:
            ev = _evidence_feature(query_concepts, past)
        if legacy <= 0 and dense <= 0 and ev <= 0:
            continue
        legacy *= focus_of_counts(own_hits, n_own, query_concepts)
        legacy *= weights.KIND_PRIOR.get(entry.record_kind, weights.KIND_PRIOR_OTHER)
        # Words of the need found in the record's own name weigh more than in its context (its parent's name).
        # A stem is a prefix of the words it stems: the name's folded words are enough, no stemming per record.
        name_words = _name_words(entry.name)
        in_name = sum(word_weight[w] for w in matched if _in_name(*word_keys[w], name_words))
        legacy = min(1.0, legacy + weights.NAME_BONUS * in_name / word_total)
        intent = 1.0 if profile.intent and intent_matches(profile.intent, entry.record_kind, entry.org_kind) else 0.0
        features = {"legacy": legacy, "dense": dense, "intent": intent, "evidence": ev}
        # calibrate(features, mode), the same sums in the same order, its coefficients read once per need
        z = bias + (c_legacy * legacy + c_dense * dense)
        z += weights.INTENT_LOGIT * intent + weights.EVIDENCE_LOGIT * ev
        score = 1.0 / (1.0 + math.exp(-z))
        result = Result(entry.record_kind, entry.key, entry.name, score, [], features)
        result._why = (entry.id, c_found, matched, translated)
        results.append(result)
    return results


def explain(results: list[Result], profile: QueryProfile, *, df: dict[str, int], total: int, labels: dict,
            record_concepts: dict[int, dict]) -> None:
    """Reasons, for the results that will be shown only (the rest are cut). `record_concepts`: entry id → its
    stored concepts ({key: phrase as written}), read for these results only."""
    lang = profile.lang
    for result in results:
        entry_id, c_found, matched, translated = result._why
        tags = record_concepts.get(entry_id) or {}
        c_reasons = []
        for key, own in c_found:
            concept = profile.concepts[key]
            query_phrase = concept.phrase if concept.weight == 1.0 else None
            c_reasons.append(_reason(query_phrase, tags.get(key) if own else None, labels.get(key, {}), lang))
        covered = fold(" ".join(c_reasons))
        extra = [profile.words[w].token.surface for w in matched
                 if w not in covered and not is_common(min(df[x] for x in profile.words[w].token.stems), total)
                 and not any(t.startswith(profile.words[w].token.surface + " →") for t in translated)][:3]
        reasons = list(dict.fromkeys(c_reasons))[:3] + ([", ".join(extra)] if extra else [])
        reasons += list(dict.fromkeys(translated))[:2]
        if result.features.get("evidence", 0) > 0:
            reasons.append(REASON_TEXT["evidence"][lang])
        if not reasons and result.features.get("dense", 0) > 0:
            reasons.append(REASON_TEXT["dense"][lang])
        if result.features.get("intent") and len(reasons) < 5:
            reasons.append(REASON_TEXT["intent"][lang])
        result.reasons = reasons


_NAME_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=65536)
def _name_words(name: str) -> frozenset[str]:
    """The folded words of a record's name: the same candidates come back need after need (cached by name)."""
    return frozenset(_NAME_WORD.findall(fold(name)))


def _in_name(folded: str, word_stems: tuple[str, ...], name_words: frozenset[str]) -> bool:
    """Whether a need's word (folded, with its stems) is written in a record's name (its folded words)."""
    if folded in name_words:
        return True
    if len(folded) <= 4:
        return False
    return any(len(w) > 4 and w.startswith(stem) for w in name_words for stem in word_stems)


def _evidence_feature(query_concepts: dict[str, float], past) -> float:
    sim = similarity(query_concepts, past)
    return 0.0 if sim < weights.EVIDENCE_MIN else (sim - weights.EVIDENCE_MIN) / (1 - weights.EVIDENCE_MIN)


def _reason(query_phrase: str | None, record_phrase: str | None, labels: dict, lang: str) -> str:
    """"tri cellulaire ↔ cell sorting" for a direct match; the shared broader concept's label otherwise."""
    if query_phrase is None or record_phrase is None:
        return labels.get(lang) or query_phrase or record_phrase or ""
    if fold(query_phrase) == fold(record_phrase):
        return query_phrase
    return f"{query_phrase} ↔ {record_phrase}"
