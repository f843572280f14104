"""The optional embeddings (guichet[semantic]): stored at indexing, used in ranking, loaded offline."""

import numpy as np
import pytest

from guichet.directory.models import SearchEntry
from guichet.directory.services import directory_import
from guichet.matching import engine, semantic

pytest.importorskip("sentence_transformers", reason="guichet[semantic] is not installed")
pytestmark = pytest.mark.django_db

PAYLOAD = {"format": "guichet-directory", "version": 1, "organizations": [
    {"key": "seaside", "name": "Coastal Marine Station", "kind": "research_lab", "lang": "en",
     "description": "Oceanography of coral reefs and plankton blooms."},
    {"key": "heart", "name": "Cardio Unit", "kind": "hospital", "lang": "en",
     "description": "Heart failure clinic and cardiology department."}]}


@pytest.fixture
def with_embeddings(monkeypatch):
    monkeypatch.setenv("GUICHET_SEMANTIC", "1")


def test_model_loads_from_its_package_offline(with_embeddings):
    vectors = semantic.embed(["cell sorting", "tri cellulaire"])
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_indexing_stores_embeddings_and_ranking_uses_them(with_embeddings):
    directory_import(actor=None, payload=PAYLOAD)
    entry = SearchEntry.objects.get(key="heart")
    assert entry.embedding is not None and len(bytes(entry.embedding)) == 384 * 4
    # "cardiac" shares no word, stem or concept with the records: only the embeddings can rank them.
    lexical = {r.key: r.score for r in engine.match("cardiology heart failure cardiac", semantic=False)}
    fused = {r.key: r.score for r in engine.match("cardiology heart failure cardiac", semantic=True)}
    assert fused["heart"] != lexical["heart"]
    with_semantic = engine.match("ocean plankton coral cardiac", semantic=True)
    assert with_semantic[0].key == "seaside"


def test_switched_off_nothing_is_computed(monkeypatch):
    monkeypatch.setenv("GUICHET_SEMANTIC", "0")
    assert not semantic.available()
    directory_import(actor=None, payload=PAYLOAD)
    assert SearchEntry.objects.get(key="heart").embedding is None
    assert engine.match("heart failure")[0].key == "heart"
