"""The matching engine's levers: cross-lingual lexicon, never-empty candidates, intent, learning from the desk
without leaks, calibrated scores and the "no good match" threshold."""

import json

import pytest
from django.urls import reverse

from guichet.desk.models import Need, Routing, Status
from guichet.directory.models import SearchEntry
from guichet.directory.services import directory_import
from guichet.matching import candidates, concept_index, engine, profile, semantic, weights

from .conftest import make_user

pytestmark = pytest.mark.django_db

DIRECTORY = {"format": "guichet-directory", "version": 1,
             "organizations": [
                 {"key": "kidney", "name": "Renal Pathology Unit", "kind": "hospital", "lang": "en",
                  "description": "We study diseased kidney and skin tissue, ear and tooth samples from children."},
                 {"key": "marine", "name": "Coastal Marine Station", "kind": "research_lab", "lang": "en",
                  "description": "Oceanography of coral reefs and plankton blooms."},
                 {"key": "fund", "name": "Provence Ventures", "kind": "investor", "lang": "en",
                  "description": "Seed investment in antibody start-ups and biotech companies."},
                 {"key": "abco", "name": "Antibody Company", "kind": "company", "lang": "en",
                  "description": "Antibody discovery for start-ups and biotech companies."}],
             "people": [{"key": "expert", "name": "Jane Roe", "organization": "abco", "lang": "en",
                         "expertise": "Antibody discovery for biotech companies."}],
             "platforms": [{"key": "cyto", "name": "Flow cytometry core", "organization": "abco", "lang": "en",
                            "description": "Analytical flow cytometry.",
                            "services": [{"key": "cyto.sort", "name": "Cell sorting", "lang": "en",
                                          "unit": "hour", "description": "Sorting of rare populations."}]},
                           {"key": "omics", "name": "Omics core", "organization": "abco", "lang": "en",
                            "description": "Sequencing.",
                            "services": [{"key": "omics.sc", "name": "Single-cell sequencing", "lang": "en",
                                          "unit": "sample",
                                          "description": "Cell sorting then single-cell RNA sequencing."}]}]}


@pytest.fixture
def directory(db):
    directory_import(actor=None, payload=DIRECTORY)


def test_a_french_need_of_general_words_finds_an_english_record(directory):
    # "oreille" and "dents" are no concept of the domain vocabulary (which knows "rein" and "peau"): only
    # the general lexicon crosses them to "ear" and "tooth".
    need = "Nous voulons comprendre pourquoi l'oreille et les dents sont malades"
    results = engine.match(need, limit=3)
    assert results and results[0].key == "kidney"
    assert any("→" in reason for reason in results[0].reasons)  # "oreille → ear" says why
    # The general lexicon is what crosses: without it the English record shares no word with the need.
    assert "kidney" not in [r.key for r in engine.match(need, limit=3, translate=False)]


def test_a_need_whose_words_are_all_common_still_gets_candidates(directory, monkeypatch):
    # When every word is too common to be asked for selectively (and no concept is named), the OR
    # fallback still queries them all: the list is not empty while the directory holds a relevant record.
    monkeypatch.setattr(candidates, "is_common", lambda n, total: True)
    results = engine.match("oceanography plankton coral reefs", limit=3)
    assert results and results[0].key == "marine"


def test_scores_are_in_0_1_non_increasing_and_calibrated(directory):
    for need in ("tri cellulaire de lymphocytes T", "antibody discovery for a start-up",
                 "Nous voulons comprendre pourquoi le rein est malade", "plankton"):
        scores = [r.score for r in engine.match(need, limit=10)]
        assert scores, need
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True)
    strong = engine.match("cell sorting", limit=1)[0]
    assert strong.key == "cyto.sort" and strong.good


def test_an_unrelated_need_has_no_good_match_and_the_desk_says_so(directory, client):
    need = "recette de gâteau au chocolat pour un anniversaire"
    assert engine.good_matches(engine.match(need)) == []
    page = client.get(reverse("desk:suggest"), {"text": need}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No good match" in page.content.decode()
    page = client.get(reverse("desk:suggest"), {"text": "cell sorting"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Cell sorting" in page.content.decode() and "No good match" not in page.content.decode()


def test_intent_ranks_the_kind_of_provider_asked_for(directory):
    topic = "antibody biotech start-ups"
    assert engine.match(f"We look for an investor to fund our {topic}", limit=1)[0].key == "fund"
    assert engine.match(f"Nous cherchons un expert: {topic}", limit=1)[0].key == "expert"
    plain = [r.key for r in engine.match(topic, limit=5)]
    assert plain[0] != "fund"  # without the cue, the investor does not come first


def test_purpose_phrases_find_a_technique_named_in_lay_words(directory, monkeypatch):
    # A vocabulary with purposes (concept fields purposes_fr / purposes_en): "separate the cells one by one"
    # names no technique, the purpose phrase of cell sorting carries it.
    real = profile.concept_purposes_of
    monkeypatch.setattr(profile, "concept_purposes_of", lambda concept, lang: (
        ["separate living cells one by one"] if concept.key == "cell-sorting" and lang == "en"
        else real(concept, lang)))
    profile.reset_cache()
    results = engine.match("we want to separate living cells one by one", limit=3)
    assert results[0].key == "cyto.sort"


def _answered_request(requester, *, text, key, confidential, state=Routing.State.ACCEPTED):
    staff = make_user(f"staff-{key}@test.example", "staff")
    desk_request = Need.objects.create(title="t", text=text, language="fr", requester=requester,
                                          confidential=confidential, status=Status.ROUTED)
    Routing.objects.create(request=desk_request, record_kind="service", record_key=key, record_name=key,
                           routed_by=staff, state=state)
    return desk_request


def test_accepted_requests_teach_the_engine_without_leaking_a_confidential_text(directory, client, member):
    need = "tri cellulaire puis séquençage"
    before = {r.key: r.score for r in engine.match(need, limit=10)}
    secret = "Projet Zorglub XK-999: tri cellulaire puis séquençage de nos lymphocytes"
    _answered_request(member, text=secret, key="cyto.sort", confidential=True)
    engine.reset_cache()
    after = engine.match(need, limit=10)
    scores = {r.key: r.score for r in after}
    assert scores["cyto.sort"] > before["cyto.sort"]  # the provider that accepted a similar need gains
    reasons = {r.key: r.reasons for r in after}
    assert "a déjà répondu à des demandes semblables" in reasons["cyto.sort"]
    # Another user, through the API: nothing of the confidential text, anywhere in the answer.
    client.force_login(make_user("other@test.example", "member"))
    body = client.get("/api/v1/match", {"q": need}).content.decode()
    for fragment in ("Zorglub", "XK-999", "lymphocytes", "Projet"):
        assert fragment not in body
    assert json.loads(body)[0]["key"] in {"cyto.sort", "omics.sc"}


def test_declined_routings_teach_nothing(directory, member):
    need = "tri cellulaire puis séquençage"
    before = {r.key: r.score for r in engine.match(need, limit=10)}
    _answered_request(member, text=need, key="cyto.sort", confidential=False, state=Routing.State.DECLINED)
    engine.reset_cache()
    assert {r.key: r.score for r in engine.match(need, limit=10)} == before


def test_directory_search_uses_concepts_and_the_lexicon(directory, client):
    # "tri cellulaire" is French for the English-described cell sorting service (issue 15, item 9).
    page = client.get(reverse("directory:list"), {"q": "tri cellulaire"}).content.decode()
    assert "Cell sorting" in page
    page = client.get(reverse("directory:list"), {"q": "rein"}).content.decode()
    assert "Renal Pathology Unit" in page


def test_warm_up_loads_the_engine_before_the_first_request(directory):
    from guichet.matching import lexicon, warm

    engine.reset_cache()
    lexicon.lexicon.cache_clear()
    assert profile._cache["vocabulary"] is None
    warm.warm()
    assert profile._cache["vocabulary"] is not None and lexicon.lexicon.cache_info().currsize == 1


def test_a_specialist_outranks_a_record_that_names_the_same_topic_among_many(db):
    # Both records hold every word and concept of the need; one is about it, the other lists it among a dozen
    # topics (what 100k generated records look like). The service has the stronger kind prior, so without the
    # document-side focus it would come first.
    directory_import(actor=None, payload={"format": "guichet-directory", "version": 1, "organizations": [
        {"key": "lab", "name": "North Lab", "kind": "research_lab", "lang": "en", "description": "A laboratory."}],
        "people": [{"key": "specialist", "name": "Ann Smith", "organization": "lab", "lang": "en",
                    "expertise": "Antibody humanisation by CDR grafting."}],
        "platforms": [{"key": "core", "name": "Core 7", "organization": "lab", "lang": "en", "description": "A core.",
                       "services": [{"key": "core.all", "name": "Service 12", "lang": "en", "unit": "project",
                                     "description": "Antibody humanisation, flow cytometry, lupus, single-cell "
                                                    "sequencing, light-sheet imaging, vaccines, proteomics, kidney "
                                                    "transplantation, food allergy, macrophages, mass spectrometry."}]}]})
    results = engine.match("humanisation of our antibody", limit=5)
    assert [r.key for r in results[:2]] == ["specialist", "core.all"]
    assert results[0].score > results[1].score


def _crowded_directory(n_distractors: int) -> dict:
    """One service about cell sorting, described at length, among short records that list it in passing."""
    people = [{"key": f"d{i}", "name": f"Person {i}", "organization": "lab", "lang": "en",
               "expertise": "Cell sorting, lupus, vaccines."} for i in range(n_distractors)]
    return {"format": "guichet-directory", "version": 1, "organizations": [
        {"key": "lab", "name": "North Lab", "kind": "research_lab", "lang": "en", "description": "A laboratory."}],
        "people": people,
        "platforms": [{"key": "core", "name": "Core 7", "organization": "lab", "lang": "en", "description": "A core.",
                       "services": [{"key": "core.sort", "name": "Cell sorting", "lang": "en", "unit": "hour",
                                     "description": "We run two sorters for rare populations, four ways at once, "
                                                    "in a biosafety cabinet, with training for users who want "
                                                    "to run them on their own after a few sessions."}]}]}


def test_concept_candidates_are_chosen_by_focus_not_by_text_length(db, monkeypatch):
    # The full-text index orders records holding a concept once by the length of their text: with room for
    # five candidates the long-described service fell behind the short lists (issue 17, at 100k records).
    directory_import(actor=None, payload=_crowded_directory(12))
    monkeypatch.setattr(weights, "CONCEPT_CANDIDATES", 5)
    monkeypatch.setattr(weights, "CANDIDATES", 5)
    engine.reset_cache()
    results = engine.match("cell sorting", limit=5)
    assert results[0].key == "core.sort"  # named in its name and about nothing else
    assert concept_index.concept_index().best({"cell-sorting": 1.0}, 1) == [
        SearchEntry.objects.get(key="core.sort").id]


def test_the_concept_index_follows_imports_and_deletions(db):
    directory_import(actor=None, payload=DIRECTORY)
    engine.reset_cache()
    assert "new.sort" not in [r.key for r in engine.match("cell sorting", limit=10)]
    payload = json.loads(json.dumps(DIRECTORY))
    payload["platforms"][0]["services"].append({"key": "new.sort", "name": "Cell sorting of rare cells", "lang": "en",
                                                "unit": "hour", "description": "Sorting."})
    directory_import(actor=None, payload=payload)
    index = concept_index.concept_index()
    new_id = SearchEntry.objects.get(key="new.sort").id
    assert new_id in index.overlay  # an added record: kept beside the arrays until the next rebuild
    assert "new.sort" in [r.key for r in engine.match("cell sorting", limit=10)]
    SearchEntry.objects.filter(key="new.sort").delete()
    assert "new.sort" not in [r.key for r in engine.match("cell sorting", limit=10)]


# --- issue 17: scale (concepts from the index's arrays, change checks, detection cache) ---

def _all_concept_keys() -> list[str]:
    return sorted({k.lstrip("^") for tags in SearchEntry.objects.values_list("concepts", flat=True) for k in tags})


def test_the_scoring_reads_the_same_concepts_from_the_index_as_stored(db):
    # The scoring stage no longer decodes each candidate's JSON: the index's arrays must say exactly what is stored
    # (own, inherited or absent, and the number of own concepts), for indexed and for changed records alike.
    directory_import(actor=None, payload=DIRECTORY)
    engine.reset_cache()
    keys = _all_concept_keys()
    assert len(keys) > 3
    stored = dict(SearchEntry.objects.values_list("id", "concepts"))
    statuses, missing = concept_index.concept_index().statuses(keys, list(stored))
    assert missing == []
    assert statuses == {pk: concept_index.status_of_tags(tags, keys) for pk, tags in stored.items()}
    assert any(concept_index.OWN in s for s, _n in statuses.values())
    assert any(concept_index.INHERITED in s for s, _n in statuses.values())
    # A record changed since the arrays were built is read from the overlay, as now stored.
    payload = json.loads(json.dumps(DIRECTORY))
    payload["platforms"][1]["services"][0]["description"] = "Flow cytometry and antibody discovery."
    directory_import(actor=None, payload=payload)
    index = concept_index.concept_index()
    changed = SearchEntry.objects.get(key="omics.sc")
    assert changed.id in index.overlay
    keys = _all_concept_keys()
    stored = dict(SearchEntry.objects.values_list("id", "concepts"))
    statuses, _missing = index.statuses(keys, list(stored))
    assert statuses == {pk: concept_index.status_of_tags(tags, keys) for pk, tags in stored.items()}
    # An id the index has never seen is handed back to be read from the table.
    assert index.statuses(keys, [max(stored) + 1000]) == ({}, [max(stored) + 1000])


def test_detection_does_not_depend_on_the_texts_seen_before(db):
    # What each word can match is cached for the life of the compiled vocabulary: a text tagged after thousands
    # of others gives the same concepts, phrases and order as in a fresh vocabulary.
    texts = ["Tri cellulaire de lymphocytes T", "We sort CD8 T cells and run single-cell RNA sequencing",
             "Humanisation d'anticorps et cytométrie en flux", "cell sorting; sorting of cells; cells sorting"]
    warm = profile.compile_vocabulary()
    for text in texts * 3:
        warm.detect(text)

    def seen(vocab, text, purposes=False):
        return [(d.concept, d.phrase, d.words) for d in vocab.detect(text, purposes=purposes)]
    for text in texts:
        fresh = profile.compile_vocabulary()
        assert seen(warm, text) == seen(fresh, text)
        assert seen(warm, text, True) == seen(fresh, text, True)
    assert "cell-sorting" in [c for c, _p, _w in seen(warm, texts[0])]
    assert seen(warm, "") == []


def test_a_record_that_lost_its_vector_is_no_longer_a_neighbour(db, monkeypatch):
    # Vectors stored as a model's are read into the process's matrix; a record re-indexed without one (backend
    # switched off) drops out of the nearest at the next check, without a full reload.
    import numpy as np
    from django.utils import timezone

    from guichet.matching import vectors

    directory_import(actor=None, payload=DIRECTORY)
    rng = np.random.default_rng(3)
    entries = list(SearchEntry.objects.order_by("id"))
    for entry in entries:
        vector = rng.standard_normal(384).astype(np.float32)
        entry.embedding, entry.embedding_model = (vector / np.linalg.norm(vector)).tobytes(), \
            semantic.stored_name("minilm")
        entry.indexed_at = timezone.now()
    SearchEntry.objects.bulk_update(entries, ["embedding", "embedding_model", "indexed_at"])
    monkeypatch.setattr(vectors, "STAMP_TTL", 0.0)
    vectors.reset()
    target = entries[0]
    query = np.frombuffer(bytes(target.embedding), dtype=np.float32)
    index = vectors.vector_index("minilm")
    assert index.nearest(query, 1)[0][0] == target.id
    SearchEntry.objects.filter(id=target.id).update(embedding=None, embedding_model=None,
                                                    indexed_at=timezone.now())
    index = vectors.vector_index("minilm")
    nearest = [pk for pk, _c in index.nearest(query, len(entries))]
    assert target.id not in nearest and len(nearest) == len(entries) - 1
    assert target.id not in index.cosines(query, [target.id])


def test_each_score_is_the_calibration_of_its_features(directory):
    # The scoring loop computes the logistic inline (issue 17, cost at 100k): it must stay scoring.calibrate.
    from guichet.matching import scoring

    for need in ("tri cellulaire de lymphocytes T", "antibody discovery for a start-up", "plankton"):
        for result in engine.match(need, limit=10, semantic=False):
            assert result.score == scoring.calibrate(result.features, "plain"), (need, result.key)


def test_candidate_rows_are_the_entries_rows(directory):
    # One query with plain parameters instead of the ORM's id__in (issue 17): the same rows, several chunks.
    ids = list(SearchEntry.objects.values_list("id", flat=True))
    fields = engine.CandidateRow._fields
    expected = {row[0]: tuple(row) for row in SearchEntry.objects.filter(id__in=ids).values_list(*fields)}
    rows = engine.candidate_rows(ids * 200)  # more ids than one chunk, repeats included
    assert {row.id: tuple(row) for row in rows} == expected
    assert engine.candidate_rows([]) == []


def test_nearest_are_the_k_best_by_cosine_best_first():
    # The top k are chosen without a negated copy of every score (issue 17): the same k, in the same order, as a
    # full sort, and a record that lost its vector is never one of them.
    import numpy as np

    from guichet.matching import vectors

    rng = np.random.default_rng(11)
    matrix = rng.standard_normal((500, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    index = vectors.VectorIndex("minilm", np.arange(1000, 1500, dtype=np.int64), matrix, None)
    index.drop([1000 + int(np.argmax(matrix @ matrix[7]))])  # the best one (row 7 itself) is gone
    query = matrix[7]
    scores = matrix @ query
    scores[7] = -np.inf
    expected = [1000 + int(i) for i in np.argsort(-scores)[:20]]
    nearest = index.nearest(query, 20)
    assert [pk for pk, _c in nearest] == expected
    assert [c for _pk, c in nearest] == sorted((c for _pk, c in nearest), reverse=True)
    assert len(index.nearest(query, 10_000)) == 499


def _clustered_unit_vectors(rng, n: int, clusters: int = 20):
    # Records in tight clusters: many cosines within the int8 pass's error of each other, where it could err.
    import numpy as np

    centres = rng.standard_normal((clusters, 384)).astype(np.float32)
    matrix = centres[rng.integers(0, clusters, n)] + 0.08 * rng.standard_normal((n, 384)).astype(np.float32)
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("factor", [1, 4])
def test_the_int8_first_pass_never_drops_one_of_the_exact_k_best(monkeypatch, factor):
    # Issue 17: the nearest records are first scored in int8, then the best COARSE_FACTOR × k exactly, then any
    # record its error bound lets in. Whatever the factor (1: the int8 pass alone would lose some), the ids are
    # the exact product's k best, best first, for needs close to records and far from all.
    import numpy as np

    pytest.importorskip("torch")
    from guichet.matching import vectors

    monkeypatch.setattr(vectors, "COARSE_FACTOR", factor)
    rng = np.random.default_rng(17)
    matrix = _clustered_unit_vectors(rng, 3000)
    index = vectors.VectorIndex("minilm", np.arange(5000, 8000, dtype=np.int64), matrix, None)
    assert index.coarse is not None and index.coarse.codes.dtype == np.int8
    index.drop([5003, 5004])
    queries = np.vstack([matrix[:20] + 0.02 * rng.standard_normal((20, 384)).astype(np.float32),
                         rng.standard_normal((10, 384)).astype(np.float32)])
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    lost_by_int8_alone = 0
    for query in queries:
        scores = matrix @ query
        scores[[3, 4]] = -np.inf
        for k in (1, 10, 100):
            expected = [5000 + int(i) for i in np.argsort(-scores, kind="stable")[:k]]
            got = index.nearest(query, k)
            # The same k records (clusters hold records of exactly equal cosine: their order is the sort's own),
            # best first with the exact cosines.
            assert {pk for pk, _c in got} == set(expected), (k, factor)
            assert [c for _pk, c in got] == pytest.approx([float(scores[pk - 5000]) for pk in expected], abs=1e-6)
            approx, _bound = index.coarse.scores(query, vectors._int8_product())
            approx[[3, 4]] = -np.inf
            alone = set(np.argpartition(approx, len(approx) - k * factor)[len(approx) - k * factor:].tolist())
            lost_by_int8_alone += len({pk - 5000 for pk in expected} - alone)
    if factor == 1:
        assert lost_by_int8_alone > 0  # the data are hard enough for the bound to be what keeps them


def test_the_int8_copy_follows_rows_read_again_and_added(db, monkeypatch):
    # A record re-indexed with a new vector, or added, is found by its new vector through the int8 pass too.
    import numpy as np

    pytest.importorskip("torch")
    from guichet.matching import vectors

    rng = np.random.default_rng(5)
    matrix = _clustered_unit_vectors(rng, 1000)
    index = vectors.VectorIndex("minilm", np.arange(1, 1001, dtype=np.int64), matrix.copy(), None)
    moved = -matrix[0]
    index.set_rows([10], moved[None, :])
    assert index.nearest(moved, 1)[0][0] == 11
    added = rng.standard_normal((3, 384)).astype(np.float32)
    added /= np.linalg.norm(added, axis=1, keepdims=True)
    grown = vectors.VectorIndex("minilm", np.arange(1, 1004, dtype=np.int64), np.vstack([index.matrix, added]),
                                None, vectors.extended(index.coarse, added))
    assert grown.nearest(added[2], 1)[0][0] == 1003
    assert [pk for pk, _c in grown.nearest(moved, 5)] == [1 + int(i) for i in
                                                          np.argsort(-(grown.matrix @ moved))[:5]]
