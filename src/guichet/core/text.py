"""Language-aware text normalisation shared by indexing and querying.

Both sides go through the same steps, so accents, case and French or English
inflections meet: lower-case, strip accents, split into words, drop stop words,
then keep the French and the English Snowball stem of each word.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+")
# French elisions (d'anticorps, l'immunité, qu'il): the article goes, the word stays.
_ELISION = re.compile(r"\b(?:[dljmnsc]|qu)['’]", re.IGNORECASE)
_FR = snowballstemmer.stemmer("french")
_EN = snowballstemmer.stemmer("english")

STOPWORDS = frozenset(
    """
    a an and are as at be by for from has have in into is it its of on or that the their this to was
    were will with we our you your us need needs looking
    au aux avec ce ces dans de des du elle en et est il ils je la le les leur lui ma mais me mes moi
    mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une
    vos votre vous d l j m n s c y
    """.split()
)


# Breaking white space only: str.split() also takes the no-break spaces French typography sets before : ; ? !
# and inside « » (U+00A0, U+202F), and " ".join(text.split()) turned them into spaces a line may break at.
_BREAKING_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def squeeze(text: str) -> str:
    """`text` with each run of breaking white space made one space, no-break spaces kept."""
    return _BREAKING_SPACE.sub(" ", text or "").strip()


def truncate_words(text: str, count: int) -> str:
    """The first `count` words of `text` and "…" if it had more, its no-break spaces kept."""
    words = squeeze(text).split(" ")
    return text if len(words) <= count else " ".join(words[:count]) + "…"


def _fold_char(ch: str) -> str:
    """One character folded: its compatibility decomposition without combining marks, œ and æ spelt out."""
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe").replace("æ", "ae")


class _FoldTable(dict):
    """str.translate's table for fold, filled as characters are met (each folded once per process)."""

    def __missing__(self, code: int) -> str:
        value = self[code] = _fold_char(chr(code))
        return value


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents ("Cytométrie" -> "cytometrie").

    NFKD decomposes character by character and its reordering moves only combining marks, which go: so the
    lower-cased text folded one character at a time (a cached str.translate table) is the same string as the
    NFKD of the whole text without its marks, at a fraction of the cost (French texts are most of an import)."""
    if text.isascii():  # NFKD leaves ASCII as it is, and it has no combining marks
        return text.lower()
    return text.lower().translate(_FOLD_TABLE)


def words(text: str) -> list[str]:
    """Folded words of a text, stop words and elided articles removed ("T" and "B" cells stay)."""
    return [w for w in _WORD.findall(fold(_ELISION.sub(" ", text))) if w not in STOPWORDS]


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The distinct French and English stems of one folded word."""
    if word.isascii() and word.isdigit():  # Snowball only ever changes letters: a number is its own stem
        return (word,)
    fr, en = _FR.stemWord(word), _EN.stemWord(word)
    return (fr,) if fr == en else (fr, en)


def index_document(*texts: str) -> str:
    """The token string stored in the full-text index for these texts."""
    return " ".join(filter(None, (_text_stems(text or "") for text in texts)))


@lru_cache(maxsize=16384)
def _text_stems(text: str) -> str:
    # Cached: a record's name is indexed twice, an organization's name once more in each of its people.
    return " ".join(s for word in words(text) for s in stems(word))
