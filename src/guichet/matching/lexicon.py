"""The general French↔English lexicon: everyday words cross languages ("sang" ↔ "blood", "rein" ↔ "kidney").

The domain vocabulary knows technique names; a requester writes "prise de sang chez la souris". This
lexicon is built at development time from the FreeDict dictionaries packaged by Debian
(dict-freedict-fra-eng 2022.04.21, dict-freedict-eng-fra; GPL-2.0-or-later, see README "Licence") by
`guichet buildlexicon`, and committed as data/lexicon-fr-en.tsv: one folded French word, a tab, one folded
English word or short phrase, per line. Nothing is read from the dictionaries at run time.
"""

import gzip
import re
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from guichet.core.text import STOPWORDS, fold, stems

_FR_STEMMER = snowballstemmer.stemmer("french")
_EN_STEMMER = snowballstemmer.stemmer("english")

LEXICON_FILE = Path(__file__).with_name("data") / "lexicon-fr-en.tsv"
DICTD_DIR = Path("/usr/share/dictd")
SOURCES = {"fra-eng": "freedict-fra-eng", "eng-fra": "freedict-eng-fra"}
MAX_TRANSLATIONS = 4  # the first senses are the common ones; later ones are idioms and rare uses
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_WORD = re.compile(r"^[a-z][a-z\- ]*[a-z]$")


def _b64(value: str) -> int:
    number = 0
    for char in value:
        number = number * 64 + _B64.index(char)
    return number


def read_dictd(name: str, directory: Path = DICTD_DIR) -> dict[str, list[str]]:
    """Headword → translations, in the dictionary's order, from a dictd .index/.dict.dz pair."""
    index = (directory / f"{name}.index").read_text(encoding="utf-8").splitlines()
    data = gzip.open(directory / f"{name}.dict.dz").read()
    out: dict[str, list[str]] = {}
    for line in index:
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00"):
            continue
        head, offset, length = parts
        body = data[_b64(offset):_b64(offset) + _b64(length)].decode("utf-8", "replace").splitlines()
        translations = []
        for row in body[1:]:  # the first line is the headword, its pronunciation and part of speech
            row = re.sub(r"^\s*\d+\.\s*", "", row)
            row = re.sub(r"\([^)]*\)|<[^>]*>|\[[^\]]*\]", " ", row)
            translations.extend(t.strip() for t in re.split(r"[,;]", row) if t.strip())
        if translations:
            out.setdefault(head.strip(), []).extend(translations)
    return out


def _clean(text: str) -> str | None:
    text = fold(" ".join(text.replace("’", "'").split()))
    text = re.sub(r"^(?:(?:to|the|a|an|le|la|les|un|une|se)\s+|[ls]')", "", text).strip()
    if not _WORD.match(text) or len(text.split()) > 2 or len(text) < 3:
        return None
    if all(w in STOPWORDS for w in text.split()):
        return None
    return text


def build_pairs(directory: Path = DICTD_DIR) -> list[tuple[str, str]]:
    """(French, English) pairs from both dictionaries: single French words, English words or 2-word phrases."""
    pairs = set()
    for head, translations in read_dictd(SOURCES["fra-eng"], directory).items():
        fr = _clean(head)
        if fr and " " not in fr:
            for en in dict.fromkeys(filter(None, map(_clean, translations))).__iter__():
                pairs.add((fr, en))
    eng_fra = read_dictd(SOURCES["eng-fra"], directory)
    for head, translations in eng_fra.items():
        en = _clean(head)
        if not en:
            continue
        for fr in list(dict.fromkeys(filter(None, map(_clean, translations))))[:MAX_TRANSLATIONS]:
            if " " not in fr:
                pairs.add((fr, en))
    # Keep the first translations of each word in each direction: beyond them, noise ("prise" → "plug").
    by_fr: dict[str, list[str]] = {}
    for fr, en in sorted(pairs):
        by_fr.setdefault(fr, []).append(en)
    return sorted((fr, en) for fr, ens in by_fr.items() for en in ens[:MAX_TRANSLATIONS + 2])


def write_lexicon(pairs: list[tuple[str, str]], path: Path = LEXICON_FILE) -> None:
    """One pair per line, with the French Snowball stem of the French word and the English stem of a one-word
    English side, so that loading needs no stemming (the engine looks inflected words up by stem)."""
    header = ("# French-English general lexicon for Guichet's matching, one pair per line: folded French word,\n"
              "# English word or phrase, French stem of the first, English stem of the second (one word only).\n"
              "# Built by `guichet buildlexicon` from Debian's dict-freedict-fra-eng and dict-freedict-eng-fra\n"
              "# (FreeDict, https://freedict.org/, GPL-2.0-or-later; Debian copyright in\n"
              "# /usr/share/doc/dict-freedict-fra-eng/copyright). This derived file keeps that licence.\n")
    lines = []
    for fr, en in pairs:
        en_stem = _EN_STEMMER.stemWord(en) if " " not in en else ""
        lines.append(f"{fr}\t{en}\t{_FR_STEMMER.stemWord(fr)}\t{en_stem}\n")
    path.write_text(header + "".join(lines), encoding="utf-8")


class Lexicon:
    """Both directions, looked up by folded word and, failing that, by stem ("reins" → "rein" → "kidney")."""

    def __init__(self, rows: list[tuple[str, ...]]):
        self.fr_en: dict[str, list[str]] = {}
        self.en_fr: dict[str, list[str]] = {}
        self._fr_stem: dict[str, list[str]] = {}
        self._en_stem: dict[str, list[str]] = {}
        for row in rows:
            fr, en = row[0], row[1]
            fr_stem = row[2] if len(row) > 2 else ""
            en_stem = row[3] if len(row) > 3 else ""
            self.fr_en.setdefault(fr, []).append(en)
            if fr_stem:
                self._fr_stem.setdefault(fr_stem, []).append(en)
            if " " not in en:
                self.en_fr.setdefault(en, []).append(fr)
                if en_stem:
                    self._en_stem.setdefault(en_stem, []).append(fr)

    def translate(self, word: str) -> list[str]:
        """The other language's words for one folded word (both directions: the need's language may be mixed)."""
        out = list(self.fr_en.get(word, ())) + list(self.en_fr.get(word, ()))
        if len(word) > 3:  # and the words of the same stem: "reins" is also the plural of "rein" (kidney)
            own = stems(word)  # (French stem,) or (French stem, English stem)
            out += list(self._fr_stem.get(own[0], ())) + list(self._en_stem.get(own[-1], ()))
        return [t for t in dict.fromkeys(out) if t != word]


def read_lexicon(path: Path = LEXICON_FILE) -> list[tuple[str, ...]]:
    rows = []
    if not path.exists():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "\t" in line:
            rows.append(tuple(line.split("\t")))
    return rows


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(read_lexicon())
