"""Stage 1, profile: what a need (or a record) says — its words, its concepts, its language, its intent.

The bilingual vocabulary (matching.Concept) is compiled once per process and rebuilt when staff change it.
A need's profile adds the word-by-word translation of its words (lexicon.py) and the kind of provider it
asks for (an expert, a partner, a funder, a machine).
"""

import hashlib
import importlib.metadata
import os
import pickle
import re
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max

from guichet.core import text as text_module
from guichet.core.text import STOPWORDS, fold, stems

from . import weights
from .lexicon import lexicon
from .models import Concept

CONCEPT_PREFIX = "zc"
_TOKEN = re.compile(r"\w+", re.UNICODE)
_PART = re.compile(r"[a-z0-9]+")
_ELISION = re.compile(r"\b(?:[dljmnsc]|qu)['’]", re.IGNORECASE)
_FR_HINTS = frozenset("le la les des du une un et pour dans avec sur nous cherchons besoin recherche souhaitons "
                      "voudrions notre nos est sont qui que aux ou".split())
_EN_HINTS = frozenset("the and for with we need looking our a an of to in is are who that seeking want would "
                      "someone".split())


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
        tokens.extend(_surface_tokens(surface, keep_letters))
    return tokens


@lru_cache(maxsize=65536)
def _surface_tokens(surface: str, keep_letters: bool) -> tuple[Token, ...]:
    # Cached by written word (tokens are immutable): an import tags the same words in thousands of texts.
    folded = fold(surface)
    return tuple(Token(surface, part, stems(part)) for part in _PART.findall(folded)
                 if part not in STOPWORDS or (keep_letters and len(part) == 1))


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
    purposes: list[Synonym] = field(default_factory=list)  # what each technique measures or produces
    texts: dict[str, str] = field(default_factory=dict)    # labels and purposes, the concept's embedded text
    # Per table (labels: False, purposes: True), what detect reads: see _anchor_index.
    _ranked: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._ranked = {False: _anchor_index(self.synonyms), True: _anchor_index(self.purposes)}

    def detect(self, text: str, tokens: list[Token] | None = None, *, purposes: bool = False) -> list[Detection]:
        """Concepts found in a text, longest synonyms first, each concept once (by purpose phrases if asked)."""
        tokens = tokenize(text) if tokens is None else tokens
        table = self._ranked[purposes]
        ranked = table.ranked
        # What each distinct word of the text can match is the same in every text (table.word): its keys, the
        # synonyms of several words it anchors, the synonyms of one word it is. Only the synonyms of several
        # words need the positions (_window); one of one word matches at the first word that is it.
        text_keys: set[str] = set()
        multi: set[int] = set()
        single_at: dict[int, int] = {}
        known, word = table._words, table.word
        for position, token in enumerate(tokens):
            keys, anchored, singles = known.get(token.folded) or word(token)
            text_keys.update(keys)
            if anchored:
                multi.update(anchored)
            for rank in singles:
                single_at.setdefault(rank, position)
        found: dict[str, Detection] = {}
        if multi:
            # A synonym can match only if every one of its words has a key in the text: set lookups first,
            # its rarest words first (most candidates fail at the first); the positions of the text's words
            # are gathered once, for the first candidate that passes.
            needs, keysets = table.needs, table.keysets
            folded_at = stem_at = None
            for rank in sorted(multi):
                for keys in keysets[rank]:
                    if keys.isdisjoint(text_keys):
                        break
                else:
                    synonym = ranked[rank]
                    if synonym.concept in found:
                        continue
                    if folded_at is None:
                        folded_at, stem_at = defaultdict(set), defaultdict(set)
                        for position, token in enumerate(tokens):
                            folded_at[token.folded].add(position)
                            if len(token.folded) > 4:
                                for stem in token.stems:
                                    stem_at[stem].add(position)
                    where = []
                    for folded, stemmed in needs[rank]:
                        at = folded_at.get(folded)
                        for stem in stemmed:
                            more = stem_at.get(stem)
                            if more:
                                at = at | more if at else more
                        where.append(at)
                    positions = _window(where, len(tokens))
                    if positions is not None:
                        phrase = " ".join(dict.fromkeys(tokens[p].surface for p in positions))
                        found[synonym.concept] = Detection(synonym.concept, phrase, synonym,
                                                           tuple(tokens[p].folded for p in positions))
        for rank in sorted(single_at):  # after every synonym of several words: they rank first
            synonym = ranked[rank]
            if synonym.concept not in found:
                token = tokens[single_at[rank]]
                found[synonym.concept] = Detection(synonym.concept, token.surface, synonym, (token.folded,))
        return list(found.values())


def _window(where: list[set[int]], length: int) -> list[int] | None:
    """Positions carrying every word of a synonym (where[k]: the positions word k can match), each word at its
    own position, within a window two words wider than the synonym ("sort CD8 T cells" holds "sort cells").
    The greedy scan of the first engine's _find, on precomputed positions (same results on the 314
    texts of bench/matching, 6x faster)."""
    n = len(where)
    window = n + (2 if n > 1 else 0)
    for start in sorted(set().union(*where)):
        remaining, positions = list(range(n)), []
        for pos in range(start, min(length, start + window)):
            for k in remaining:
                if pos in where[k]:
                    remaining.remove(k)
                    positions.append(pos)
                    break
            if not remaining:
                return positions
    return None


def _word_keys(word: Token) -> tuple[str, tuple[str, ...]]:
    """(folded form, stems) under which a text word can match this synonym word: the same folded form, or
    a shared stem when both words are longer than four letters (words_match)."""
    return word.folded, (word.stems if len(word.folded) > 4 else ())


class _AnchorIndex:
    """For detect: the synonyms in the order it tries them (more words first, then vocabulary order), the keys
    of their words by rank, and the keys of each synonym's rarest word (shared by the fewest synonyms)
    mapped to its rank: a synonym of several words can only match a text holding that word. What one word of
    a text can match is computed once per distinct word (`word`, kept for the life of the compiled vocabulary:
    an import tags the same words in thousands of texts)."""

    def __init__(self, synonyms: list[Synonym]):
        order = sorted(range(len(synonyms)), key=lambda i: (-len(synonyms[i].words), i))
        self.ranked = [synonyms[i] for i in order]
        self.needs = [tuple(_word_keys(w) for w in synonym.words) for synonym in self.ranked]
        share = defaultdict(int)
        for keys in self.needs:
            for folded, stemmed in set(keys):
                share[("f", folded)] += 1
                for stem in stemmed:
                    share[("s", stem)] += 1

        def rarity(k):
            return share[("f", k[0])] + sum(share[("s", s)] for s in k[1])
        # Each synonym word as the set of text keys that match it ("f" + a folded form, "s" + a stem), rarest
        # word first: what detect checks before it looks for positions.
        self.keysets = [tuple(frozenset({"f" + folded, *("s" + s for s in stemmed)})
                              for folded, stemmed in sorted(set(keys), key=rarity))
                        for keys in self.needs]
        by_folded, by_stem = defaultdict(list), defaultdict(list)
        single_folded, single_stem = defaultdict(list), defaultdict(list)
        for rank, keys in enumerate(self.needs):
            if not keys:
                continue
            if len(keys) == 1:  # a synonym of one word: matched by any of its keys
                folded, stemmed = keys[0]
                single_folded[folded].append(rank)
                for stem in stemmed:
                    single_stem[stem].append(rank)
                continue
            folded, stemmed = min(keys, key=rarity)
            by_folded[folded].append(rank)
            for stem in stemmed:
                by_stem[stem].append(rank)
        self._maps = (dict(by_folded), dict(by_stem), dict(single_folded), dict(single_stem))
        self._words: dict[str, tuple] = {}

    def word(self, token: Token) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
        """(text keys, ranks of the synonyms of several words it anchors, ranks of the synonyms of one word it
        matches, in rank order) of one word of a text: its folded form anywhere, its stems for words longer
        than four letters (words_match)."""
        cached = self._words.get(token.folded)
        if cached is not None:
            return cached
        by_folded, by_stem, single_folded, single_stem = self._maps
        stemmed = token.stems if len(token.folded) > 4 else ()
        keys = ("f" + token.folded, *("s" + s for s in stemmed))
        anchored = set(by_folded.get(token.folded, ()))
        singles = set(single_folded.get(token.folded, ()))
        for stem in stemmed:
            anchored.update(by_stem.get(stem, ()))
            singles.update(single_stem.get(stem, ()))
        cached = (keys, tuple(anchored), tuple(sorted(singles)))
        if len(self._words) < 200_000:  # bounded: a long import of unusual words does not grow it for ever
            self._words[token.folded] = cached
        return cached


def _anchor_index(synonyms: list[Synonym]) -> _AnchorIndex:
    return _AnchorIndex(synonyms)


_cache_lock = threading.Lock()
_cache: dict = {"stamp": None, "vocabulary": None, "checked": 0.0}
STAMP_TTL = 2.0  # seconds between checks that the vocabulary has not changed


def vocabulary() -> CompiledVocabulary:
    """The compiled vocabulary, rebuilt when staff change a concept (checked every few seconds)."""
    now = time.monotonic()
    if _cache["vocabulary"] is not None and now - _cache["checked"] < STAMP_TTL:
        return _cache["vocabulary"]
    stamp = tuple(Concept.objects.filter(is_active=True).aggregate(n=Count("id"), t=Max("updated_at")).values())
    with _cache_lock:
        if _cache["vocabulary"] is None or _cache["stamp"] != stamp:
            _cache["vocabulary"] = _stored_vocabulary(stamp)
            _cache["stamp"] = stamp
        _cache["checked"] = now
        return _cache["vocabulary"]


try:
    _STEMMER_VERSION = importlib.metadata.version("snowballstemmer")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover (installed with Guichet)
    _STEMMER_VERSION = ""


def _stored_path(stamp) -> Path:
    """Where the vocabulary compiled for this stamp is kept: named by the database, the stamp and the code that
    compiles it (this module, the text folding and the stemmer's version), so any of them changing misses."""
    database = connection.settings_dict
    code = b"".join(Path(module.__file__).read_bytes() for module in (sys.modules[__name__], text_module))
    digest = hashlib.sha256(repr((connection.vendor, str(database.get("NAME")), str(database.get("HOST")), stamp,
                                  _STEMMER_VERSION, sys.version_info[:2])).encode() + code).hexdigest()
    return Path(settings.DATA_DIR) / "cache" / f"vocabulary-{digest[:32]}.pickle"


def _stored_vocabulary(stamp) -> CompiledVocabulary:
    """The compiled vocabulary of this stamp, read from the data directory when a process compiled it already.

    Compiling stems some 17,000 words (5 s of CPU); every worker and every `guichet import` paid it, once per
    process. The file is ours (written below, in the data directory, like the database); one that cannot be
    read is compiled again and replaced.
    """
    path = _stored_path(stamp)
    try:
        with path.open("rb") as stored:
            vocab = pickle.load(stored)
        if isinstance(vocab, CompiledVocabulary):
            return vocab
    except Exception:  # noqa: BLE001 (missing, truncated or from another version: compile it again)
        pass
    vocab = compile_vocabulary()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("vocabulary-*.pickle"):  # one vocabulary kept: older stamps go
            old.unlink(missing_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vocabulary-")
        with os.fdopen(fd, "wb") as out:
            pickle.dump(vocab, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # readers see the whole file or none
    except OSError:
        pass  # a read-only data directory: each process compiles, as before
    return vocab


def _forget_stored() -> None:
    folder = Path(settings.DATA_DIR) / "cache"
    for old in folder.glob("vocabulary-*.pickle") if folder.is_dir() else ():
        old.unlink(missing_ok=True)


def compile_vocabulary() -> CompiledVocabulary:
    labels, broader, synonyms, purposes, texts = {}, {}, [], [], {}
    for concept in Concept.objects.filter(is_active=True).prefetch_related("broader"):
        labels[concept.key] = {"fr": concept.label("fr"), "en": concept.label("en")}
        broader[concept.key] = tuple(b.key for b in concept.broader.all() if b.is_active)
        concept_purposes = {lang: concept_purposes_of(concept, lang) for lang in ("fr", "en")}
        texts[concept.key] = "; ".join([*concept.labels("en")[:3], *concept.labels("fr")[:3],
                                        *concept_purposes["en"], *concept_purposes["fr"]])
        for lang in ("fr", "en"):
            for phrase in concept_purposes[lang]:
                # "binding kinetics: association and dissociation rates, KD" → each part a phrase of 2+ words
                # (one general word alone, "blood", says too little about a technique).
                for part in re.split(r"[:;,()]", phrase):
                    words = tuple(tokenize(part))
                    if len(words) >= 2:
                        purposes.append(Synonym(concept.key, lang, part.strip(), words))
            for label in concept.labels(lang):
                words = tuple(tokenize(label, keep_letters=True))
                raw = _TOKEN.findall(_ELISION.sub(" ", label))
                # Left out: labels the tokenizer cannot read (Greek letters), labels of single letters, and
                # phrases that stop words would shrink to one word ("antibodies to" is not "antibodies").
                lost = any(not re.search(r"[a-z0-9]", fold(w)) for w in raw)
                shrunk = len(raw) > 1 and len(words) == 1
                if words and not lost and not shrunk and any(len(w.folded) > 1 for w in words):
                    synonyms.append(Synonym(concept.key, lang, label, words))
    return CompiledVocabulary(labels, broader, synonyms, purposes, texts)


def concept_purposes_of(concept, lang: str) -> list[str]:
    """Purpose phrases of a concept, whether the model stores them as lines of text or as a list; none on a
    database whose vocabulary predates purposes (the fields are read defensively)."""
    value = getattr(concept, f"purposes_{lang}", None) or ()
    if isinstance(value, str):
        value = value.splitlines()
    return [v.strip() for v in value if v and v.strip()]


_reset_hooks: list = []


def reset_cache() -> None:
    with _cache_lock:
        _cache.update(stamp=None, vocabulary=None, checked=0.0)
        # A change the stamp cannot see (a broader link, a label edited in the same microsecond) must not come
        # back from the stored copy either.
        _forget_stored()
    for hook in _reset_hooks:
        hook()


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




# --- the profile of a need -----------------------------------------------------------------------

# Bilingual cue phrases of the kind of provider a need asks for. Matched on folded words, as phrases.
INTENT_CUES = {
    "person": ("expert", "experte", "experts", "expertise de", "specialiste", "specialist", "quelqu un qui",
               "someone who", "somebody who", "chercheur", "chercheuse", "researcher", "scientist",
               "scientifique", "conseil", "conseils", "advice", "avis", "consultant", "interlocuteur",
               "who knows", "qui connait", "qui sait", "contact"),
    "organization": ("partenaire", "partenaires", "partner", "partners", "partenariat", "partnership",
                     "entreprise", "entreprises", "company", "companies", "societe", "industriel", "industrial",
                     "cro", "prestataire", "provider", "firm", "collaboration", "co developpement",
                     "co development", "codevelopment", "licence", "license"),
    "investor": ("financement", "financer", "investisseur", "investisseurs", "investor", "investors",
                 "funding", "funder", "funders", "fund", "fonds", "lever des fonds", "levee de fonds",
                 "raise funds", "raise money", "raise capital", "fundraising", "seed", "amorcage", "capital risque", "venture", "business angel",
                 "business angels", "subvention", "grant"),
    "instrument": ("machine", "appareil", "instrument", "equipement", "equipment", "nous memes", "moi meme",
                   "ourselves", "myself", "en autonomie", "autonomously", "hands on", "reserver", "book",
                   "booking", "reservation", "creneau", "slot", "utiliser un", "use a", "run it ourselves"),
}


FUNDERS = ("investor", "public_authority", "support")


def detect_intent(text: str) -> set[str]:
    """The kinds of provider the need asks for explicitly ("we look for an investor"), possibly none."""
    folded = " " + " ".join(re.findall(r"[a-z0-9]+", fold(text))) + " "
    folded = folded.replace(" machine learning ", " ").replace(" apprentissage machine ", " ")
    return {kind for kind, cues in INTENT_CUES.items() if any(f" {cue} " in folded for cue in cues)}


def intent_matches(intent: set[str], record_kind: str, org_kind: str) -> bool:
    # Funders: investors, and the public bodies and support structures that grant or help raise funds.
    if "investor" in intent and record_kind == "organization" and org_kind in FUNDERS:
        return True
    if "person" in intent and record_kind == "person":
        return True
    if "organization" in intent and record_kind == "organization" and org_kind not in FUNDERS:
        return True
    return "instrument" in intent and record_kind == "instrument"


@dataclass
class QueryConcept:
    weight: float          # 1 named, less when broader, found by purpose or by translation
    phrase: str | None     # the need's words that carried it (None: only through a narrower concept)
    words: tuple[str, ...]


@dataclass
class WordGroup:
    """One word of the need with its alternatives: its own stems, and its translations' stems (weaker)."""
    token: Token
    alternatives: list[tuple[tuple[str, ...], float, str]]  # (stems, factor, surface)


@dataclass
class QueryProfile:
    text: str
    lang: str
    tokens: list[Token]
    concepts: dict[str, QueryConcept]
    words: dict[str, WordGroup]
    intent: set[str]
    expansion: str  # the translated words, appended to the text that is embedded


def build_profile(text: str, *, translate: bool = True, use_purposes: bool = True) -> QueryProfile:
    vocab = vocabulary()
    tokens = tokenize(text)
    detections = vocab.detect(text, tokens)
    lang = detect_language(text, detections)
    concepts: dict[str, QueryConcept] = {d.concept: QueryConcept(1.0, d.phrase, d.words) for d in detections}
    carried = {w for d in detections for w in d.words}
    if use_purposes and vocab.purposes:
        for d in vocab.detect(text, tokens, purposes=True):
            if d.concept not in concepts:
                concepts[d.concept] = QueryConcept(weights.PURPOSE_WEIGHT, d.phrase, d.words)

    groups: dict[str, WordGroup] = {}
    translated: list[str] = []
    lex = lexicon() if translate else None
    for token in tokens:
        if token.folded in groups:
            continue
        alternatives = [(token.stems, 1.0, token.surface)]
        # Words a concept already carried across languages need no dictionary; acronyms and numbers neither.
        if lex is not None and token.folded not in carried and len(token.folded) > 2 and not token.folded.isdigit():
            for translation in lex.translate(token.folded)[:4]:
                t_tokens = tokenize(translation)
                if t_tokens:
                    t_stems = tuple(dict.fromkeys(s for t in t_tokens for s in t.stems))
                    alternatives.append((t_stems, weights.TRANSLATION_WEIGHT, translation))
                    translated.append(translation)
        groups[token.folded] = WordGroup(token, alternatives)

    expansion = " ".join(dict.fromkeys(translated))
    if expansion:
        for d in vocab.detect(expansion):
            if d.concept not in concepts:
                concepts[d.concept] = QueryConcept(weights.TRANSLATED_CONCEPT_WEIGHT, d.phrase, ())
    for key, concept in list(concepts.items()):
        for parent in vocab.broader.get(key, ()):
            if parent not in concepts:
                concepts[parent] = QueryConcept(weights.BROADER_QUERY_WEIGHT * concept.weight, None, ())
    return QueryProfile(text, lang, tokens, concepts, groups, detect_intent(text), expansion)
