"""Bilingual sample-form questions (issue 13, item 5): the platform's managers write each question and its
choices in French and in English; the order page and the API show them in the reader's language, the other
language when that one is empty; a choice is answered in either language; the API gives both texts; the
questions of services written in English move to the English texts (migration 0009)."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.urls import reverse

from guichet.accounts.services import api_token_create
from guichet.bookings.models import ServiceOrder
from guichet.facility import samples
from guichet.facility.models import SampleField

from . import test_bookings
from .conftest import logged_in

lab = test_bookings.lab
pytestmark = pytest.mark.django_db
BLANK = {"required": False, "choices": "", "min_value": None, "max_value": None, "help_text": ""}


def save(lab, **values):
    return samples.sample_field_save(actor=lab["manager"], service=lab["service"], **{**BLANK, **values})


@pytest.fixture
def questions(lab):
    return {"species": save(lab, label="Espèce", label_en="Species", kind="choice", required=True,
                            choices="Humain\nSouris", choices_en="Human\nMouse"),
            "buffer": save(lab, label="", label_en="Buffer", kind="text"),        # English only
            "count": save(lab, label="Nombre de tubes", label_en="", kind="integer")}  # French only


def plain(text):
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_the_manager_writes_a_question_in_both_languages_from_the_page(client, lab):
    logged_in(client, lab["manager"])
    response = client.post(reverse("facility:sample_field_save", args=["cyto.sort"]), {
        "label": "Espèce", "label_en": "Species", "kind": "choice", "choices": "Humain\nSouris",
        "choices_en": "Human\nMouse", "min_value": "", "max_value": "", "help_text": ""})
    assert response.status_code == 302
    field = SampleField.objects.get()
    assert (field.label, field.label_en, field.choices, field.choices_en) == (
        "Espèce", "Species", "Humain\nSouris", "Human\nMouse")
    page = client.get(reverse("facility:sample_form", args=["cyto.sort"]), HTTP_ACCEPT_LANGUAGE="en").content
    assert b"Question (English)" in page and b"Human, Mouse" in page
    edit = client.get(reverse("facility:sample_form", args=["cyto.sort"]), {"edit": field.pk}).content.decode()
    assert 'value="Species"' in edit and "Human\nMouse" in edit  # the change form holds both languages


@pytest.mark.parametrize(("language", "shown", "hidden"), [
    ("en", ["Species", "Human", "Mouse", "Buffer", "Nombre de tubes"], ["Espèce", "Souris"]),
    ("fr", ["Espèce", "Humain", "Souris", "Buffer", "Nombre de tubes"], ["Species", "Mouse"]),
])
def test_the_order_page_asks_in_the_readers_language_else_the_other(client, lab, questions, language, shown,
                                                                    hidden):
    logged_in(client, lab["member"])
    page = client.get(reverse("bookings:order_new", args=["cyto.sort"]), HTTP_ACCEPT_LANGUAGE=language)
    body = page.content.decode()
    for text in shown:
        assert text in body
    for text in hidden:
        assert text not in body


@pytest.mark.parametrize(("language", "choice", "label"), [("en", "Mouse", "Species"), ("fr", "Souris", "Espèce"),
                                                           ("en", "Souris", "Species")])
def test_a_choice_is_answered_in_either_language_and_the_answer_keeps_the_question_asked(
        client, lab, questions, language, choice, label):
    logged_in(client, lab["member"])
    response = client.post(reverse("bookings:order_new", args=["cyto.sort"]), {
        "description": "Sort", "quantity": "1", samples.input_name(questions["species"]): choice},
        HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    answer = ServiceOrder.objects.get().sample_answers.get()
    assert (answer.label, answer.value) == (label, choice)


@pytest.mark.parametrize(("language", "expected"), [("en", "Species: choose one of Human, Mouse."),
                                                    ("fr", "Espèce : choisissez parmi Humain, Souris.")])
def test_a_bad_choice_lists_the_choices_in_the_readers_language(client, lab, questions, language, expected):
    logged_in(client, lab["member"])
    response = client.post(reverse("bookings:order_new", args=["cyto.sort"]), {
        "description": "Sort", "quantity": "1", samples.input_name(questions["species"]): "Rat"},
        HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and expected in plain(response.content.decode())
    assert not ServiceOrder.objects.exists()


@pytest.mark.parametrize(("values", "field", "english", "french"), [
    ({"label": " ", "label_en": "", "kind": "text"}, "label", "Write the question, in French or in English.",
     "Écrivez la question, en français ou en anglais."),
    ({"label": "Espèce", "label_en": "Species", "kind": "choice", "choices": "Humain\nSouris\nRat",
      "choices_en": "Human\nMouse"}, "choices_en",
     "Write the English choices as the French ones translated: as many, in the same order.",
     "Écrivez les choix en anglais comme la traduction des choix en français : autant, dans le même ordre."),
    ({"label": "", "label_en": "Species", "kind": "choice", "choices": "", "choices_en": "Human\nHuman"},
     "choices_en", "Each choice is written once.", "Chaque choix s’écrit une seule fois."),
    ({"label": "Espèce", "label_en": "x" * 201, "kind": "text"}, "label_en", "Question (English)", "Question (anglais)"),
])
def test_a_bad_bilingual_question_is_refused_naming_the_input(lab, values, field, english, french):
    from django.utils import translation

    for language, words in (("en", english), ("fr", french)):
        with translation.override(language), pytest.raises(samples.SampleError) as refused:
            save(lab, **values)
        assert refused.value.field == field and words in plain(str(refused.value))
    assert not SampleField.objects.exists()


def test_an_english_only_list_is_a_list(lab):
    field = save(lab, label="", label_en="Species", kind="choice", choices_en="Human\nMouse")
    assert (field.label, field.choices, field.choices_en) == ("", "", "Human\nMouse")


@pytest.mark.parametrize(("language", "label", "choices"), [("en", "Species", ["Human", "Mouse"]),
                                                            ("fr", "Espèce", ["Humain", "Souris"])])
def test_the_api_gives_both_languages_and_the_readers_first(client, lab, questions, language, label, choices):
    token = api_token_create(actor=lab["member"], name="lims")[1]
    body = client.get("/api/v1/services/cyto.sort/sample-form", HTTP_AUTHORIZATION=f"Bearer {token}",
                      HTTP_ACCEPT_LANGUAGE=language).json()
    species, buffer, count = body["questions"]
    assert (species["label"], species["choices"]) == (label, choices)
    assert (species["label_fr"], species["label_en"]) == ("Espèce", "Species")
    assert (species["choices_fr"], species["choices_en"]) == (["Humain", "Souris"], ["Human", "Mouse"])
    assert (buffer["label"], buffer["label_fr"], buffer["label_en"]) == ("Buffer", "", "Buffer")
    assert (count["label"], count["label_fr"], count["label_en"]) == ("Nombre de tubes", "Nombre de tubes", "")


def test_the_migration_moves_the_questions_of_english_services_to_english(lab):
    french = save(lab, label="Espèce", kind="choice", choices="Humain\nSouris")
    english_service = test_bookings.ServiceFactory(key="cyto.count", name="Counting", platform=lab["platform"],
                                                   lang="en")
    english = samples.sample_field_save(actor=lab["manager"], service=english_service,
                                        **{**BLANK, "label": "Species", "kind": "choice", "choices": "Human\nMouse"})
    migration = importlib.import_module("guichet.facility.migrations.0009_bilingual_sample_questions")
    migration.english_forms_to_english(global_apps, None)
    english.refresh_from_db()
    french.refresh_from_db()
    assert (english.label, english.label_en, english.choices, english.choices_en) == (
        "", "Species", "", "Human\nMouse")
    assert (french.label, french.label_en, french.choices) == ("Espèce", "", "Humain\nSouris")
