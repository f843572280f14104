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


def fold(text: str) -> str:
    """Lower-case and strip accents ("Cytométrie" -> "cytometrie")."""
    if text.isascii():  # NFKD leaves ASCII as it is, and it has no combining marks
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("œ", "oe").replace("æ", "ae")


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
