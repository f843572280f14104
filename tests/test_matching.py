import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from guichet.directory.services import directory_import
from guichet.matching import engine
from guichet.matching.models import Concept
from guichet.matching.services import concept_save

from .conftest import ROOT

pytestmark = pytest.mark.django_db

DIRECTORY = {"format": "guichet-directory", "version": 1,
             "organizations": [
                 {"key": "lab-fr", "name": "Laboratoire d'immunologie", "kind": "research_lab", "lang": "fr",
                  "city": "Marseille", "description": "Étude des lymphocytes T régulateurs dans le lupus."},
                 {"key": "cro-en", "name": "Acme CRO", "kind": "company", "lang": "en",
                  "description": "Good manufacturing practice production of clinical batches of antibodies."},
                 {"key": "bank", "name": "Banque d'échantillons", "kind": "hospital", "lang": "fr",
                  "description": "Collection d'échantillons sanguins de patients."}],
             "people": [{"key": "p-en", "name": "Jane Roe", "organization": "cro-en", "lang": "en",
                         "expertise": "Phage display libraries and antibody humanization."}],
             "platforms": [{"key": "cyto", "name": "Flow cytometry core", "organization": "cro-en", "lang": "en",
                            "description": "Analytical flow cytometry.",
                            "services": [{"key": "cyto.sort", "name": "Cell sorting", "lang": "en", "unit": "hour",
                                          "description": "Sorting of rare populations by an engineer."}],
                            "instruments": [{"key": "cyto.aria", "name": "Cell sorter", "requires_training": True}]}]}


@pytest.fixture
def directory(db):
    directory_import(actor=None, payload=DIRECTORY)


def keys(text, limit=5):
    return [r.key for r in engine.match(text, limit=limit)]


def test_a_french_need_finds_an_english_described_service(directory):
    results = engine.match("Nous cherchons un tri cellulaire de lymphocytes T", limit=5)
    assert results[0].key == "cyto.sort"
    assert any("tri cellulaire ↔ Cell sorting" in r for r in results[0].reasons)


def test_an_english_need_finds_a_french_described_lab(directory):
    results = engine.match("regulatory T cells in lupus", limit=3)
    assert results[0].key == "lab-fr"
    assert any("↔" in reason for reason in results[0].reasons)


def test_french_need_for_gmp_finds_english_cro(directory):
    assert keys("production BPF d'un anticorps pour un essai", 3)[0] == "cro-en"


def test_every_result_explains_itself_and_scores_are_ordered(directory):
    results = engine.match("humanisation d'anticorps par phage display", limit=10)
    assert results and results[0].key == "p-en"
    assert all(r.reasons and all(isinstance(x, str) and x for x in r.reasons) for r in results)
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "x" * 5001])
def test_empty_or_oversized_needs_are_refused(directory, client, text):
    with pytest.raises(engine.QueryRefused):
        engine.match(text)
    response = client.get("/api/v1/match", {"q": text})
    assert response.status_code == 400 and response.json()["detail"]
    with pytest.raises(CommandError) as error:
        call_command("match", text, "--json")
    assert error.value.returncode == 2


def test_a_need_of_exactly_5000_characters_is_accepted(directory):
    engine.match(("cell sorting " * 500)[:5000])


def test_api_and_command_line_answer_the_same_json(directory, client):
    api = client.get("/api/v1/match", {"q": "tri de cellules", "limit": 3}).json()
    from io import StringIO

    out = StringIO()
    call_command("match", "tri de cellules", "--json", "--limit", "3", stdout=out)
    assert json.loads(out.getvalue()) == api
    assert len(api) <= 3 and set(api[0]) == {"kind", "key", "name", "score", "reasons"}


@pytest.mark.slow
def test_command_line_exit_status_for_an_empty_need(tmp_path):
    import os

    env = dict(os.environ, GUICHET_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "src"))
    env.pop("GUICHET_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "guichet", "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    proc = subprocess.run([sys.executable, "-m", "guichet", "match", " ", "--json"], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and ("empty" in proc.stderr or "vide" in proc.stderr)


def test_limit_is_bounded(directory, client):
    assert client.get("/api/v1/match", {"q": "cell", "limit": 0}).status_code == 422
    assert client.get("/api/v1/match", {"q": "cell", "limit": 51}).status_code == 422


def test_the_index_follows_imports_without_rebuild(directory):
    assert "bank2" not in keys("biobanque")
    payload = {"format": "guichet-directory", "version": 1, "organizations": [
        {"key": "bank2", "name": "Tumour bank", "kind": "hospital", "lang": "en",
         "description": "Tumour bank for translational research."}]}
    directory_import(actor=None, payload=payload)
    assert keys("biobanque de tumeurs")[0] == "bank2"


def test_staff_extend_the_vocabulary_and_entries_are_retagged(directory, staff, settings,
                                                              django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from guichet.directory.models import SearchEntry

    # A phrase the seed vocabulary does not know (the seed now has "blood samples" itself).
    assert "bank" not in keys("specimen repository")
    concept = Concept(key="specimen-repository", category="sample", labels_fr="banque d'échantillons",
                      labels_en="specimen repository")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        concept_save(actor=staff, concept=concept, is_new=True)
    # The re-tagging is a job (the admin's request only saves the concept).
    job = DBTaskResult.objects.get(task_path="guichet.matching.tasks.retag_vocabulary")
    assert "specimen repository" in job.args_kwargs["args"][0]
    assert "specimen-repository" not in SearchEntry.objects.get(key="bank").concepts
    from guichet.matching.services import vocabulary_retag

    assert vocabulary_retag(job.args_kwargs["args"][0]) >= 1  # what the worker runs
    assert "specimen-repository" in SearchEntry.objects.get(key="bank").concepts
    engine.reset_cache()
    results = engine.match("specimen repository")
    assert results[0].key == "bank"
    assert any(r.startswith("specimen repository ↔ Banque") for r in results[0].reasons)
    from guichet.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="concept.create", entity_key="specimen-repository").exists()


def test_unknown_words_still_match_lexically(directory):
    assert keys("Acme")[0] == "cro-en"


def test_vocabulary_seed_is_loaded_and_well_formed(db):
    from guichet.matching.vocabulary import parse_seed

    seed = parse_seed()
    assert len(seed) >= 150
    assert Concept.objects.count() == len(seed)
    assert all(c.labels_fr and c.labels_en for c in seed)
