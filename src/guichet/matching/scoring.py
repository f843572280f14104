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

from guichet.core.text import fold

from . import weights
from .candidates import idf, is_common
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
    if not own or not query_concepts or weights.FOCUS_WEIGHT <= 0:
        return 1.0  # a need without concepts says nothing of what a record is about
    share = sum(1 for k in own if k in query_concepts) / len(own)
    return (1 - weights.FOCUS_WEIGHT) + weights.FOCUS_WEIGHT * math.sqrt(share)


def calibrate(features: dict[str, float], mode: str) -> float:
    coef = weights.LOGISTIC[mode]
    z = coef["bias"] + sum(coef.get(name, 0.0) * value for name, value in features.items()
                           if name not in ("intent", "evidence"))
    z += weights.INTENT_LOGIT * features.get("intent", 0.0) + weights.EVIDENCE_LOGIT * features.get("evidence", 0.0)
    return 1.0 / (1.0 + math.exp(-z))


def score_entries(profile: QueryProfile, entries, *, df: dict[str, int], total: int, concept_tokens: dict[str, str],
                  cosines: dict[int, float], model: str | None, evidence: dict, labels: dict) -> list[Result]:
    lang = profile.lang
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

    results = []
    for entry in entries:
        doc = set(entry.document.split())
        tags = entry.concepts or {}
        c_score, c_reasons, bridged = 0.0, [], set()
        for key, weight_idf in sorted(concept_idf.items(), key=lambda kv: -kv[1]):
            if key in tags:
                factor, record_phrase = 1.0, tags[key]
            elif f"^{key}" in tags:
                factor, record_phrase = weights.INHERITED, None
            else:
                continue
            c_score += weight_idf * factor
            concept = profile.concepts[key]
            bridged.update(concept.words)  # the concept carried these words across languages
            query_phrase = concept.phrase if concept.weight == 1.0 else None
            c_reasons.append(_reason(query_phrase, record_phrase, labels.get(key, {}), lang))
        matched, l_score, translated = [], 0.0, []
        for folded, group in profile.words.items():
            if folded in bridged:
                credit = word_weight[folded]
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
        legacy *= focus_factor(tags, query_concepts)
        legacy *= weights.KIND_PRIOR.get(entry.record_kind, weights.KIND_PRIOR_OTHER)
        # Words of the need found in the record's own name weigh more than in its context (its parent's name).
        # A stem is a prefix of the words it stems: the name's folded words are enough, no stemming per record.
        name_words = set(_NAME_WORD.findall(fold(entry.name)))
        in_name = sum(word_weight[w] for w in matched if _in_name(profile.words[w].token, name_words))
        legacy = min(1.0, legacy + weights.NAME_BONUS * in_name / word_total)
        intent = 1.0 if profile.intent and intent_matches(profile.intent, entry.record_kind, entry.org_kind) else 0.0
        features = {"legacy": legacy, "dense": dense, "intent": intent, "evidence": ev}
        score = calibrate(features, mode)
        result = Result(entry.record_kind, entry.key, entry.name, score, [], features)
        result._why = (c_reasons, matched, translated)
        results.append(result)
    return results


def explain(results: list[Result], profile: QueryProfile, *, df: dict[str, int], total: int) -> None:
    """Reasons, for the results that will be shown only (the rest are cut)."""
    lang = profile.lang
    for result in results:
        c_reasons, matched, translated = result._why
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


def _in_name(token, name_words: set[str]) -> bool:
    if token.folded in name_words:
        return True
    if len(token.folded) <= 4:
        return False
    return any(len(w) > 4 and w.startswith(stem) for w in name_words for stem in token.stems)


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
