"""No choice code reaches a reader: every page of the demo, crawled as each role in French and English,
shows labels, never the codes stored in the database (`in_progress`, `research_lab`, `platform_manager`...)."""

import re

import pytest
from django.apps import apps
from django.core.management import call_command

from .test_antibodies import visible_text
from .test_navigation import crawl_pages


def choice_codes() -> set[str]:
    """Codes that can never be a word of a sentence: those with an underscore or a hyphen between letters."""
    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for code, _label in getattr(field, "choices", None) or []:
                if isinstance(code, str) and re.fullmatch(r"[a-z]+([_-][a-z0-9]+)+", code):
                    codes.add(code)
    return codes


@pytest.fixture
def demo(transactional_db):
    # Transactional: the demo's services open durable transactions, and the flush after the test runs among
    # the other transactional tests (pytest-django orders them last), never under a plain database test.
    call_command("loaddemo", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role, language", [
    ("anonymous", "fr"), ("anonymous", "en"), ("member@demo.guichet.example", "fr"),
    ("manager@demo.guichet.example", "en"), ("staff@demo.guichet.example", "fr"),
    ("staff@demo.guichet.example", "en"), ("founder@demo.guichet.example", "fr"),
])
def test_no_page_shows_a_raw_choice_code(demo, client, role, language):
    from guichet.accounts.models import User

    codes = choice_codes()
    assert {"in_progress", "research_lab", "platform_manager"} <= codes
    if role != "anonymous":
        client.force_login(User.objects.get(email=role))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    found = {}
    for url, html in crawl_pages(client, limit=250):
        words = set(re.findall(r"[a-z0-9]+(?:[_-][a-z0-9]+)+", visible_text(html.split("<main", 1)[-1])))
        raw = words & codes
        if raw:
            found[url] = sorted(raw)
    assert found == {}
