"""No choice code and no English left reaches a reader: every page of the demo, crawled as each role in French
and English, shows labels, never the codes stored in the database (`in_progress`, `research_lab`,
`platform_manager`...), and a French page shows no sentence of the catalogue in English where a French
translation exists (a string translated once at import time, or missing from the compiled catalogue), and
no whole message of the catalogue left in English however short ("Save" where French reads "Enregistrer").

`reader_faults` is the one statement of both checks: this crawl (Django's test client, every page) and the
browser crawl (`tests/e2e/test_accessibility.py`, on the text Chromium renders) both call it. Text in another
language than the page's, marked so (`lang="en"` on an English directory record, `lang=""` for words of no
known language), is the record's own words; what is set as code (`<code>`, `<kbd>`, `<samp>`) is not prose.
"""

import re
from functools import lru_cache
from html.parser import HTMLParser

import polib
import pytest
from django.apps import apps
from django.core.management import call_command

from .conftest import ROOT
from .test_navigation import crawl_pages

CATALOGUE = ROOT / "src" / "guichet" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
CODE = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)+")
# What a message is cut at to find its fixed English words: placeholders, tags, line breaks.
SPLIT = re.compile(r"%\(\w+\)[sd]|%%|<[^>]+>|[\n“”\"]")
MIN_WORDS = 3  # shorter fragments ("Source", "Status code") are also names, data or French words


@lru_cache(maxsize=1)
def choice_codes() -> frozenset[str]:
    """Codes that can never be a word of a sentence: those with an underscore or a hyphen between letters."""
    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for code, _label in getattr(field, "choices", None) or []:
                if isinstance(code, str) and re.fullmatch(r"[a-z]+([_-][a-z0-9]+)+", code):
                    codes.add(code)
    return frozenset(codes)


def _words(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@lru_cache(maxsize=1)
def english_phrases() -> frozenset[str]:
    """Fixed English runs of the catalogue's messages (at least MIN_WORDS words) whose French differs."""
    phrases = set()
    for entry in polib.pofile(str(CATALOGUE)):
        if not entry.translated() or entry.msgid_plural:
            continue
        french = _words(entry.msgstr)
        for fragment in SPLIT.split(entry.msgid):
            fragment = _words(fragment).strip(" .,:;()")
            if len(re.findall(r"[A-Za-z]+", fragment)) >= MIN_WORDS and fragment not in french:
                phrases.add(fragment)
    return frozenset(phrases)


@lru_cache(maxsize=1)
def english_messages() -> frozenset[str]:
    """Whole English messages of the catalogue whose French differs ("Save" → "Enregistrer"): a piece of a
    French page that reads exactly one of them is a message left untranslated, however short."""
    messages, french_messages = set(), set()
    for entry in polib.pofile(str(CATALOGUE)):
        if not entry.translated() or entry.msgid_plural or entry.obsolete or SPLIT.search(entry.msgid):
            continue
        english, french = _words(entry.msgid).strip(" .:"), _words(entry.msgstr).strip(" .:")
        french_messages.add(french.casefold())
        if re.search(r"[A-Za-z]", english) and english.casefold() != french.casefold():
            messages.add(english)
    # A word of both languages ("Stage": a phase in English, "Internship" in French) is French too.
    return frozenset(m for m in messages if m.casefold() not in french_messages)


def reader_faults(text: str | list[str], language: str) -> list[str]:
    """What is wrong in `text`, the words a reader sees on a page in `language` (one string, or the page's
    pieces: text nodes and tooltips): raw codes, English left (a run of a message, or a whole message)."""
    pieces = [text] if isinstance(text, str) else list(text)
    seen = " ".join(_words(piece) for piece in pieces)
    faults = [f"raw code {code}" for code in sorted(set(CODE.findall(seen)) & choice_codes())]
    if language == "fr":
        left = [phrase for phrase in sorted(english_phrases()) if phrase in seen]
        faults += [f"English left: {phrase!r}" for phrase in left]
        whole = {_words(piece).strip(" .:") for piece in pieces} & english_messages()
        faults += [f"English message left: {message!r}" for message in sorted(whole)
                   if not any(message in phrase for phrase in left)]
    return faults


class ReaderText(HTMLParser):
    """The text of <main> and its tooltips, without what is marked as written in another language."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, language):
        super().__init__()
        self.language, self.parts, self.stack, self.in_main, self.hidden = language, [], [], False, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag in self.VOID:
            return
        other = "lang" in attrs and (attrs["lang"] or "").split("-")[0] != self.language
        hidden = other or tag in ("script", "style", "template", "code", "kbd", "samp") or "hidden" in attrs
        self.stack.append((tag, hidden))
        self.hidden += hidden
        if self.in_main and not self.hidden:
            self.parts.extend(v for k, v in attrs.items() if k in ("title", "aria-label") and v)

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, hidden = self.stack.pop()
            self.hidden -= hidden
            if open_tag == tag:
                break
        if tag == "main":
            self.in_main = False

    def handle_data(self, data):
        if self.in_main and not self.hidden:
            self.parts.append(data)


def reader_text(html: str, language: str) -> list[str]:
    """The pieces of <main> a reader sees (text between tags, tooltips), as the browser crawl collects them."""
    parser = ReaderText(language)
    parser.feed(html)
    return [part for part in parser.parts if part.strip()]


@pytest.fixture
def demo(transactional_db):
    # Transactional: the demo's services open durable transactions, and the flush after the test runs among
    # the other transactional tests (pytest-django orders them last), never under a plain database test.
    call_command("loaddemo", verbosity=0)


def test_the_checks_themselves():
    assert {"in_progress", "research_lab", "platform_manager"} <= choice_codes()
    assert reader_faults("Statut\u00a0: in_progress", "fr") == ["raw code in_progress"]
    assert reader_faults("Nothing was saved: see the errors below.", "fr") == [
        "English left: 'Nothing was saved: see the errors below'"]
    assert reader_faults("Rien n'a été enregistré\u00a0: voyez les erreurs ci-dessous.", "fr") == []
    assert reader_faults("Nothing was saved: see the errors below.", "en") == []
    html = ('<main><p>Statut</p><div lang="en">Nothing was saved: see the errors below.</div>'
            '<span title="in_progress"></span><script>var x = "research_lab";</script>'
            '<p><code>title</code> <span lang="">Nothing was saved: see the errors below.</span></p></main>')
    assert reader_text(html, "fr") == ["Statut", "in_progress"]
    # A whole message, however short, left in English on a French page; the same word inside a sentence of
    # the page's own language, or a message whose French is the same word, is not one.
    assert "Save" in english_messages() and "Description" not in english_messages()
    assert "Stage" not in english_messages()  # French for "Internship" too
    assert reader_faults(["Statut", " Save "], "fr") == ["English message left: 'Save'"]
    assert reader_faults(["Save the date: 12 March"], "fr") == []
    assert reader_faults(["Description", "Enregistrer"], "fr") == []
    assert reader_faults(["Save"], "en") == []


@pytest.mark.slow  # the whole demo loaded, then up to 250 pages crawled, for each role and language
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role, language", [
    ("anonymous", "fr"), ("anonymous", "en"), ("member@demo.guichet.example", "fr"),
    ("manager@demo.guichet.example", "en"), ("staff@demo.guichet.example", "fr"),
    ("staff@demo.guichet.example", "en"), ("founder@demo.guichet.example", "fr"),
])
def test_no_page_shows_a_raw_choice_code_or_english_left(demo, client, role, language):
    from guichet.accounts.models import User

    if role != "anonymous":
        client.force_login(User.objects.get(email=role))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    found = {}
    for url, html in crawl_pages(client, limit=250):
        if faults := reader_faults(reader_text(html, language), language):
            found[url] = faults
    assert found == {}
