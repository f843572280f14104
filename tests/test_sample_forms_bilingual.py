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
from guichet.core.models import AuditEvent
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


# --- help texts in both languages (issue 13) ---

@pytest.fixture
def helped(lab):
    return {"both": save(lab, label="Tampon", label_en="Buffer", kind="text", help_text="Sans azide.",
                         help_text_en="No azide."),
            "english": save(lab, label="Tubes", label_en="Tubes", kind="integer", help_text_en="Sterile tubes only."),
            "french": save(lab, label="Espèce", label_en="Species", kind="text", help_text="Nom latin.")}


HELP_SHOWN = {"en": (["No azide.", "Sterile tubes only.", "Nom latin."], ["Sans azide."]),
              "fr": (["Sans azide.", "Sterile tubes only.", "Nom latin."], ["No azide."])}


def test_the_manager_writes_the_help_in_both_languages_from_the_page(client, lab):
    logged_in(client, lab["manager"])
    url = reverse("facility:sample_field_save", args=["cyto.sort"])
    response = client.post(url, {"label": "Tampon", "label_en": "Buffer", "kind": "text", "min_value": "",
                                 "max_value": "", "help_text": "Sans azide.", "help_text_en": "No azide."})
    assert response.status_code == 302
    field = SampleField.objects.get()
    assert (field.help_text, field.help_text_en) == ("Sans azide.", "No azide.")
    event = AuditEvent.objects.get(action="sample_field.create")
    assert event.changes["help_text_en"] == [None, "No azide."]
    for language, label in (("en", "Help shown under the question (English)"),
                            ("fr", "Aide affichée sous la question (anglais)")):
        page = client.get(reverse("facility:sample_form", args=["cyto.sort"]), {"edit": field.pk},
                          HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert label in page and 'value="No azide."' in page and 'value="Sans azide."' in page
        listed = client.get(reverse("facility:sample_form", args=["cyto.sort"]),
                            HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert HELP_SHOWN[language][0][0] in listed and HELP_SHOWN[language][1][0] not in listed
    too_long = client.post(url, {"label": "Tampon", "kind": "text", "min_value": "", "max_value": "",
                                 "help_text_en": "x" * 301}, HTTP_ACCEPT_LANGUAGE="fr")
    assert too_long.status_code == 400 and SampleField.objects.count() == 1


@pytest.mark.parametrize(("language", "words"), [("en", "Help (English)"), ("fr", "Aide (anglais)")])
def test_a_too_long_english_help_is_refused_naming_it(lab, language, words):
    from django.utils import translation

    with translation.override(language), pytest.raises(samples.SampleError) as refused:
        save(lab, label="Tampon", kind="text", help_text_en="x" * 301)
    assert refused.value.field == "help_text_en" and words in plain(str(refused.value))
    assert not SampleField.objects.exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_order_page_shows_the_help_in_the_readers_language_else_the_other(client, lab, helped, language):
    logged_in(client, lab["member"])
    body = client.get(reverse("bookings:order_new", args=["cyto.sort"]), HTTP_ACCEPT_LANGUAGE=language).content
    shown, hidden = HELP_SHOWN[language]
    for text in shown:
        assert text in body.decode()
    for text in hidden:
        assert text not in body.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_gives_both_help_texts_and_the_readers_first(client, lab, helped, language):
    token = api_token_create(actor=lab["member"], name="lims")[1]
    body = client.get("/api/v1/services/cyto.sort/sample-form", HTTP_AUTHORIZATION=f"Bearer {token}",
                      HTTP_ACCEPT_LANGUAGE=language).json()
    both, english, french = body["questions"]
    assert both["help_text"] == {"en": "No azide.", "fr": "Sans azide."}[language]
    assert (both["help_text_fr"], both["help_text_en"]) == ("Sans azide.", "No azide.")
    assert (english["help_text"], english["help_text_fr"]) == ("Sterile tubes only.", "")
    assert (french["help_text"], french["help_text_en"]) == ("Nom latin.", "")
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["SampleQuestionOut"]["properties"]
    assert {"help_text", "help_text_fr", "help_text_en"} <= set(schema) and "else" in schema["help_text"]["description"]


def test_the_admin_edits_both_help_texts_through_the_service(client, lab, admin_user):
    field = save(lab, label="Tampon", kind="text", help_text="Sans azide.")
    client.force_login(admin_user)
    url = reverse("admin:facility_samplefield_change", args=[field.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'name="help_text_en"' in page and "Aide (anglais)" in page
    response = client.post(url, {"label": "Tampon", "label_en": "", "kind": "text", "choices": "", "choices_en": "",
                                 "min_value": "", "max_value": "", "help_text": "Sans azide.",
                                 "help_text_en": "No azide."})
    assert response.status_code == 302, response.content.decode()[:2000]
    field.refresh_from_db()
    assert field.help_text_en == "No azide."
    assert AuditEvent.objects.filter(action="sample_field.update", changes__help_text_en=[
        "", "No azide."]).exists()


def test_the_migration_moves_the_help_of_english_services_to_english(lab):
    french = save(lab, label="Espèce", kind="text", help_text="Nom latin.")
    english_service = test_bookings.ServiceFactory(key="cyto.count", name="Counting", platform=lab["platform"],
                                                   lang="en")
    english = samples.sample_field_save(actor=lab["manager"], service=english_service,
                                        **{**BLANK, "label": "Species", "kind": "text", "help_text": "Latin name."})
    migration = importlib.import_module("guichet.facility.migrations.0010_sample_question_help_en")
    migration.english_help_to_english(global_apps, None)
    english.refresh_from_db()
    french.refresh_from_db()
    assert (english.help_text, english.help_text_en) == ("", "Latin name.")
    assert (french.help_text, french.help_text_en) == ("Nom latin.", "")
