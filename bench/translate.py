"""Maintainers' helper: fill the English catalogue (msgstr = msgid) and report French strings to translate.

    cd src/guichet && guichet makemessages -l fr -l en --no-location --no-obsolete
    python bench/translate.py   # lists what is missing in French; edit locale/fr/LC_MESSAGES/django.po
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src" / "guichet" / "locale"


def main() -> int:
    en = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    for entry in en:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    en.save()
    fr = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
    # A fuzzy entry carries a guess from a similar old string: it must be checked by a person.
    missing = [e.msgid for e in fr if not e.translated() or "fuzzy" in e.flags or e.previous_msgid]
    for msgid in missing:
        print(msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
