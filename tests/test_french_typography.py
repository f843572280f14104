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
from .test_desk import people  # noqa: F401  (the named actors of the desk)

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
        people, settings, django_capture_on_commit_callbacks):  # noqa: F811
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
    need = services.request_submit(actor=people["requester"], text=NEED)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):  # staff work in English
        services.request_route(actor=people["staff"], request=need, keys=["hosp-rheum"])
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


# What code and templates put together is French too: a list separator, a label and its figure.

def test_lists_joined_in_pages_take_the_french_separator():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load guichet %}{{ reasons|join_list }}")
    with translation.override("fr"):
        assert template.render(Context({"reasons": ["anticorps", "<essai>"]})) == "anticorps\u00a0; &lt;essai&gt;"
    with translation.override("en"):
        assert template.render(Context({"reasons": ["antibody", "trial"]})) == "antibody; trial"


def test_a_chart_labels_its_last_figure_with_french_typography():
    from django.utils import translation

    from guichet.impact.charts import lines

    with translation.override("fr"):
        svg = lines("Start-up", {"créées": [(2024, 3), (2025, 13)]}).svg()
    assert "créées\u00a0: 13" in svg and "créées: 13" not in svg


def test_no_template_joins_a_list_with_a_sign_of_its_own():
    """`|join:"; "` prints an English separator on a French page: `|join_list` takes the language's."""
    import glob

    found = [path.split("templates/")[1] for path in glob.glob(str(ROOT / "src" / "guichet" / "templates" / "**"
                                                                     / "*.html"), recursive=True)
             if re.search(r"""\|join:["'][^"']*[:;!?]""", open(path, encoding="utf-8").read())]
    assert found == []


def test_shortened_texts_keep_their_no_break_spaces():
    """A summary in the directory or a card ("Centre hospitalier universitaire : 4 sites…") was cut by
    str.split(), which takes the no-break space for a word break: it came back an ordinary space."""
    from django.template import Context, Template

    from guichet.core.text import squeeze, truncate_words
    from guichet.directory.search import _clip

    text = "Centre hospitalier\u00a0: 4 sites\u202f; «\u00a0GHT\u00a0»  plus\n de 18 000 personnels"
    assert squeeze(text) == "Centre hospitalier\u00a0: 4 sites\u202f; «\u00a0GHT\u00a0» plus de 18 000 personnels"
    assert _clip(text, 40) == "Centre hospitalier\u00a0: 4 sites\u202f; «\u00a0GHT\u00a0»…"
    assert truncate_words(text, 4) == "Centre hospitalier\u00a0: 4 sites\u202f;…"
    assert truncate_words("deux mots", 4) == "deux mots"
    rendered = Template("{% load guichet %}{{ t|truncate_words:2 }}").render(Context({"t": "A\u00a0: <b> c"}))
    assert rendered == "A\u00a0: &lt;b&gt;…"


@pytest.mark.django_db
def test_the_shipped_targets_and_report_templates_are_typeset():
    """The impact targets' reading of their source and the report templates' French section titles come from
    data migrations: set with ordinary spaces ("Annexe : …", "« une quarantaine »"), fixed by impact 0008."""
    from guichet.impact.models import ReportTemplate, Target

    texts = [text for target in Target.objects.all() for text in (target.source, target.reference, target.label)]
    texts += [section["title"]["fr"] for template in ReportTemplate.objects.all() for section in template.sections]
    assert len(texts) > 10 and any("«" in text for text in texts)
    assert {text: faults for text in texts if (faults := typography_faults(text))} == {}


@pytest.mark.django_db
def test_a_failed_login_reads_as_french(client, member):
    # Django's own sentence, with our field's French name, read "Saisissez un adresse e-mail..." (issue 15, item 3).
    page = client.post("/accounts/login/", {"username": member.email, "password": "wrong"},
                       HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "un adresse" not in page
    assert "Saisissez une adresse e-mail et un mot de passe valides." in page


def test_nine_residue_peptides_are_9_mers_not_9_meres():
    """"9-mère" is no French word: the biologists' "9-mers" (or "peptides de 9 résidus")."""
    assert not [e.msgid for e in polib.pofile(str(CATALOGUE)) if "9-mère" in e.msgstr + "".join(e.msgstr_plural.values())]


def test_the_admin_names_the_job_results_in_french(client, admin):
    from django.utils import translation

    with translation.override("fr"):
        from django_tasks_db.models import DBTaskResult

        assert str(DBTaskResult._meta.verbose_name_plural) == "Résultats des tâches"
    client.force_login(admin)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Task Results" not in body and "Tasks Database Backend" not in body
