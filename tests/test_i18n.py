import re
import shutil
import subprocess
import sys

import polib
import pytest

from .conftest import ROOT

LOCALE = ROOT / "src" / "guichet" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_string_is_translated(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 100
    untranslated = [e.msgid for e in catalog if not e.translated()]
    fuzzy = [e.msgid for e in catalog if "fuzzy" in e.flags]
    assert untranslated == [] and fuzzy == []
    for entry in catalog:
        if not entry.msgid_plural:
            assert set(PLACEHOLDER.findall(entry.msgstr)) == set(PLACEHOLDER.findall(entry.msgid)), entry.msgid
            continue
        # Plural forms: the other forms carry the plural's placeholders; the first (one, in French also zero)
        # may leave the number out ("Book this occurrence", "dans la minute"), never add an unknown one.
        singular, plural = set(PLACEHOLDER.findall(entry.msgid)), set(PLACEHOLDER.findall(entry.msgid_plural))
        forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
        assert set(PLACEHOLDER.findall(forms[0])) <= plural | singular, entry.msgid
        for text in forms[1:]:
            assert set(PLACEHOLDER.findall(text)) == plural, entry.msgid_plural


@pytest.mark.slow
def test_catalog_holds_every_string_of_the_code(tmp_path):
    """Extract the strings again from the code: none may be missing from the committed French catalog."""
    copy = tmp_path / "guichet"
    shutil.copytree(ROOT / "src" / "guichet", copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {"GUICHET_DEBUG": "1", "PYTHONPATH": str(ROOT / "src"), "GUICHET_DATA_DIR": str(tmp_path / "var"),
           "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "guichet", "makemessages", "-l", "fr", "--no-location", "-v0"],
                   cwd=copy, env=env, check=True)
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
                 if not e.obsolete}
    committed = {e.msgid for e in polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
                 if e.translated()}
    assert sorted(extracted - committed) == []


@pytest.mark.django_db
def test_french_by_default_and_english_on_request(client):
    home = client.get("/").content.decode()
    assert 'lang="fr"' in home and "Annuaire" in home and "Une seule porte" in home
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    home = client.get("/").content.decode()
    assert 'lang="en"' in home and "Directory" in home and "One door" in home


@pytest.mark.django_db
def test_validation_errors_are_translated(small_directory):
    from django.utils import translation

    from guichet.directory.exchange import check

    from .conftest import load_example

    with translation.override("fr"):
        issues = check.check_payload(load_example("invalid-unknown-field.json"))
    assert issues[0].message == "Champ inconnu (absent de directory-v1)."
