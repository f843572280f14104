import pytest

from guichet.directory.models import Organization, SearchEntry
from guichet.directory.search import SearchFilters, search_entries
from guichet.directory.services import directory_import, directory_record_save

pytestmark = pytest.mark.django_db


def keys(text, **filters):
    return [e.key for e in search_entries(text, SearchFilters(**filters), limit=50)[0]]


def test_accents_and_case_are_ignored(small_directory):
    assert "cyto" in keys("cytometrie")
    assert keys("CYTOMÉTRIE") == keys("cytometrie")


def test_french_stemming_matches_inflected_forms(small_directory):
    directory_import(actor=None, payload={"format": "guichet-directory", "version": 1, "organizations": [
        {"key": "humanis", "name": "Atelier", "kind": "company", "lang": "fr",
         "description": "Humanisation d'anticorps pour des partenaires industriels."}]})
    assert keys("anticorps humanisés")[:1] == ["humanis"]
    assert "humanis" in keys("anticorps humanisé")


def test_english_stemming_matches_inflected_forms(small_directory):
    assert "acme-bio" in keys("antibody humanized")  # "humanization" in the text
    assert "acme-bio" in keys("organizations offering")


def test_all_words_must_match(small_directory):
    assert keys("lupus") and "hosp-rheum" in keys("lupus")
    assert "hosp-rheum" not in keys("lupus cytométrie")


def test_filters_narrow_the_results(small_directory):
    assert set(keys("", record_kind="organization")) == {"lab-tcell", "acme-bio", "hosp-rheum"}
    assert keys("", record_kind="organization", org_kind="hospital") == ["hosp-rheum"]
    assert keys("", record_kind="organization", city="Aix-en-Provence") == ["acme-bio"]
    assert set(keys("", record_kind="organization", area="autoimmune")) == {"lab-tcell", "hosp-rheum"}
    assert keys("lupus", record_kind="person") == ["p-martin"]


def test_prefix_search_for_search_as_you_type(small_directory):
    found = [e.key for e in search_entries("cytom", prefix=True)[0]]
    assert "cyto" in found
    assert search_entries("cytom", prefix=False)[0] == []


def test_stop_words_only_or_punctuation_find_nothing(small_directory):
    assert keys("de la") == []
    assert keys("\"'*()") == []


def test_admin_edit_updates_the_index_without_rebuild(small_directory, staff):
    org = Organization.objects.get(key="acme-bio")
    org.description = "Spécialiste de la glycosylation."
    directory_record_save(actor=staff, record=org, is_new=False)
    assert keys("glycosylation") == ["acme-bio"]
    assert "acme-bio" not in keys("phage")


def test_people_inherit_their_organization_filters(small_directory):
    entry = SearchEntry.objects.get(key="p-martin")
    assert entry.city == "Marseille" and entry.org_kind == "research_lab" and " autoimmune " in entry.areas


def test_pages_do_not_overlap(small_directory):
    first, more = search_entries("", SearchFilters(), limit=3)
    second, _ = search_entries("", SearchFilters(), limit=3, offset=3)
    assert more and not {e.key for e in first} & {e.key for e in second}
