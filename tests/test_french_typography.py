"""French typography in the French catalogue: a no-break space before ":" ";" "?" "!" and inside « ».

French sets these signs apart from the word before with a space that never breaks the line (U+00A0, or
the narrow U+202F): "Statut : ouvert", not "Statut: ouvert" nor, with an ordinary space, a colon that
can start a line. A sign followed by a letter or a digit is not punctuation (a time 10:30, a URL,
"?format=json") and is left alone, and so is code quoted in a message (<code>, backticks, an HTTP header
written with its value).
"""

import re

import polib
import pytest

from .conftest import ROOT
from .test_desk import cast  # noqa: F401  (the named actors of the desk)

CATALOGUE = ROOT / "src" / "guichet" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
NO_BREAK = "\u00a0\u202f"
# Quoted code keeps its own spelling: <code>…</code>, `…`, and HTTP headers written as "Name: value".
CODE = re.compile(r"<code>.*?</code>|`[^`]*`|\b(?:Authorization|Content-Type|Content-Language|Retry-After|"
                  r"Idempotency-Key): ", re.S)
# A sign is punctuation when what follows is a space, the end, or what closes a sentence or a tag.
SIGN = re.compile(r"[:;?!](?=\s|$|[»”\"')\]<.,…])")


def typography_faults(text: str) -> list[tuple[int, str]]:
    """(where a no-break space belongs, what is wrong) for each sign of `text` set apart wrongly."""
    faults = []
    plain = CODE.sub(lambda m: "\x00" * len(m.group()), text)
    for match in SIGN.finditer(plain):
        at = match.start()
        before = plain[at - 1] if at else ""
        if at == 0 or before in NO_BREAK or before in "!?":  # "?!": one space, before the first sign
            continue
        faults.append((at, f"{'ordinary space' if before.isspace() else 'no space'} before {match.group()}"))
    for match in re.finditer("«", plain):
        if plain[match.end():match.end() + 1] not in NO_BREAK:
            faults.append((match.end(), "no no-break space after «"))
    for match in re.finditer("»", plain):
        if match.start() and plain[match.start() - 1] not in NO_BREAK:
            faults.append((match.start(), "no no-break space before »"))
    return sorted(faults)


def french_texts():
    for entry in polib.pofile(str(CATALOGUE)):
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            yield entry.msgid, text


def test_every_french_string_sets_its_signs_apart_with_a_no_break_space():
    faults = {msgid: [f"{what}: …{text[max(0, at - 25):at + 10]}…" for at, what in found]
              for msgid, text in french_texts() if (found := typography_faults(text))}
    assert faults == {}, f"{len(faults)} French strings: {faults}"


@pytest.mark.parametrize(("text", "expected"), [
    ("Statut : ouvert", ["ordinary space before :"]),
    ("Statut: ouvert", ["no space before :"]),
    ("Vraiment ?", ["ordinary space before ?"]),
    ("<strong>Attention !</strong> Suite ; fin", ["ordinary space before !", "ordinary space before ;"]),
    ("« %(title)s »", ["no no-break space after «", "no no-break space before »"]),
    ("Statut\u00a0: ouvert\u202f; suite\u00a0! «\u00a0vraiment\u00a0?\u00a0»", []),
    ("de 10:30 à 12:00, https://guichet.example/?format=json", []),
    ("envoyez <code>Authorization: Bearer …</code> ou Authorization: Bearer <jeton>", []),
    ("Déjà fait\u00a0?!", []),
    ("%(field)s : %(error)s", ["ordinary space before :"]),
])
def test_the_rule_itself(text, expected):
    assert [what for _at, what in typography_faults(text)] == expected


# E-mails are plain text: their French keeps its no-break spaces (a subject is put on one line without
# touching them) and its apostrophes (nothing HTML-escapes a provider's name).

@pytest.mark.django_db
def test_an_email_subject_keeps_its_no_break_space(member, django_capture_on_commit_callbacks):
    from guichet.core.mail import notify

    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify([member], "booking_cancelled", {"booking": {"instrument": {"name": "Aria"}}})
    assert message.subject == "[Guichet] Réservation annulée\u00a0: Aria"


@pytest.mark.django_db
def test_the_email_to_a_directory_contact_is_plain_french_in_its_own_language(
        cast, settings, django_capture_on_commit_callbacks):  # noqa: F811
    from django.utils import translation

    from guichet.core.models import OutboxMessage
    from guichet.desk import services
    from guichet.directory.models import Organization

    from .test_desk_reach import NEED, rheum_contact

    settings.EMAIL_BACKEND = "guichet.core.mail.OutboxBackend"  # as in the demo and in production
    settings.GUICHET_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from guichet.directory.models import SearchEntry

    Organization.objects.filter(key="hosp-rheum").update(name="Service d'immunologie")
    SearchEntry.objects.filter(key="hosp-rheum").update(name="Service d'immunologie")  # what routing reads
    rheum_contact(lang="fr")
    need = services.request_submit(actor=cast["requester"], text=NEED)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):  # staff work in English
        services.request_route(actor=cast["staff"], request=need, keys=["hosp-rheum"])
    message = OutboxMessage.objects.get(to=["rheum.contact@hosp.example"])
    assert message.subject == f"[Guichet] Une demande pour Service d'immunologie\u00a0: {need.reference}"
    assert "&#x27;" not in message.body and "Service d'immunologie" in message.body
    assert message.headers["Content-Language"] == "fr"


def test_every_french_button_says_what_it_does_with_a_verb():
    """A button is an action: "Enregistrer", not the noun "Enregistrement" (the same English word "Record"
    is a noun in a table header: the button's msgid carries the context "button")."""
    import glob

    from django.utils import translation

    templates = ROOT / "src" / "guichet" / "templates"
    label = re.compile(r'{% translate "([^"]+)"(?: context "([^"]+)")? %}')
    found = set()
    for path in glob.glob(str(templates / "**" / "*.html"), recursive=True):
        text = open(path, encoding="utf-8").read()
        for button in re.finditer(r"<button\b[^>]*>(.*?)</button>", text, re.S):
            found.update(label.findall(button.group(1)))
    assert len(found) > 30
    with translation.override("fr"):
        french = {msgid: translation.pgettext(ctx, msgid) if ctx else translation.gettext(msgid)
                  for msgid, ctx in found}
    toggles = {"Menu"}  # opens the menu on a phone: named after what it shows
    nouns = {msgid: text for msgid, text in french.items() if msgid not in toggles
             and not re.match(r"(?:(?:se|s’|s')\s*)?\w+(?:er|ir|re)\b", text, re.I)}
    assert nouns == {}


def test_no_template_writes_a_sign_outside_its_translation():
    """A colon typed in a template after a translated label ("{% translate 'Source' %}:") cannot get its
    French no-break space: the sign belongs in the message ("Source:" → "Source :")."""
    import glob

    found = []
    for path in sorted(glob.glob(str(ROOT / "src" / "guichet" / "templates" / "**" / "*.html"), recursive=True)):
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", "T", text, flags=re.S)
        text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", "", text, flags=re.S)
        text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
        text = re.sub(r"{%.*?%}|{{.*?}}", "T", text, flags=re.S)  # what a template prints
        text = re.sub(r"<[^>]*>", " ", text)  # tags and their attributes (URLs: ?next=…)
        found += [f"{path.split('templates/')[1]}: {m.group()!r}"
                  for m in re.finditer(r".{0,12}[:;!?](?=\s|$)", text)]
    assert found == []
