"""What the import's cost cuts (issue 9, the 100k bench) keep true.

- The compiled vocabulary is stored in the data directory and read back by the next process: the same
  synonyms and detections, no compiling; a staff change (`reset_cache`) or an unreadable file compiles again.
- On SQLite, a large batch of search entries reaches the FTS5 table by one INSERT … SELECT, the per-row
  trigger dropped for the batch and created again in the same transaction: what the import wrote is found,
  what is written afterwards is found, and an import rolled back leaves the trigger and the index as they were.
- The bulk writes' converters skip None and convert a repeated value once, with the same stored result.
"""

import pytest
from django.db import connection, transaction

from guichet.core.audit import _plain, diff_fields
from guichet.directory import search
from guichet.directory.exchange.records import _compact
from guichet.directory.models import Organization, SearchEntry
from guichet.directory.search import search_entries
from guichet.directory.services import _import_in_transaction, directory_import, directory_record_save
from guichet.matching import profile

TEXT = "Tri cellulaire et cytométrie en flux, anticorps bispécifiques"


def _payload(n: int, word: str = "cytométrie") -> dict:
    return {"format": "guichet-directory", "version": 1, "organizations": [
        {"key": f"cost-o{i}", "name": f"Organisation {i}", "kind": "research_lab", "lang": "fr",
         "description": f"Plateforme de {word} numéro {i}."} for i in range(n)]}


def _trigger_sql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                       [search._FTS_INSERT_TRIGGER])
        row = cursor.fetchone()
    return row and row[0]


def _forget_in_process():
    # What a new process starts with: nothing compiled in memory (reset_cache would also drop the stored copy).
    profile._cache.update(stamp=None, vocabulary=None, checked=0.0)


@pytest.mark.django_db
def test_a_new_process_reads_the_stored_vocabulary_instead_of_compiling(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    profile.reset_cache()
    compiled = profile.vocabulary()
    stored = list((tmp_path / "cache").glob("vocabulary-*.pickle"))
    assert len(stored) == 1
    _forget_in_process()

    def no_compiling():
        raise AssertionError("compiled again")
    monkeypatch.setattr(profile, "compile_vocabulary", no_compiling)
    loaded = profile.vocabulary()
    assert loaded is not compiled and loaded.synonyms == compiled.synonyms and loaded.broader == compiled.broader
    assert loaded.detect(TEXT) == compiled.detect(TEXT) and loaded.detect(TEXT)


@pytest.mark.django_db
def test_a_vocabulary_change_or_a_broken_file_compiles_again(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    profile.reset_cache()
    profile.vocabulary()
    (path,) = (tmp_path / "cache").glob("vocabulary-*.pickle")
    profile.reset_cache()  # what the vocabulary services call after a staff change
    assert not path.exists()
    profile.vocabulary()
    (path,) = (tmp_path / "cache").glob("vocabulary-*.pickle")
    path.write_bytes(b"not a pickle")
    _forget_in_process()
    calls = []
    real = profile.compile_vocabulary
    monkeypatch.setattr(profile, "compile_vocabulary", lambda: calls.append(1) or real())
    assert profile.vocabulary().detect(TEXT)
    assert calls == [1] and path.read_bytes() != b"not a pickle"


@pytest.mark.django_db
def test_entries_indexed_in_one_statement_are_found_and_the_trigger_is_back(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table and its trigger are SQLite's")
    monkeypatch.setattr(search, "FTS_BULK_ROWS", 3)
    trigger = _trigger_sql()
    assert trigger
    directory_import(actor=None, payload=_payload(5))
    found = {e.key for e in search_entries("cytométrie", limit=50)[0]}
    assert {f"cost-o{i}" for i in range(5)} <= found
    assert _trigger_sql() == trigger
    # Written afterwards, one by one: the trigger indexes it as before.
    later = Organization(key="cost-later", name="Séquençage Nice", kind="company")
    directory_record_save(actor=None, record=later, is_new=True)
    assert "cost-later" in {e.key for e in search_entries("séquençage")[0]}


@pytest.mark.django_db
def test_an_import_rolled_back_leaves_the_trigger_and_the_index_as_they_were(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table and its trigger are SQLite's")
    monkeypatch.setattr(search, "FTS_BULK_ROWS", 3)
    trigger = _trigger_sql()
    with pytest.raises(RuntimeError), transaction.atomic():
        _import_in_transaction(actor=None, payload=_payload(4, "protéomique"))
        assert {f"cost-o{i}" for i in range(4)} <= {e.key for e in search_entries("protéomique", limit=50)[0]}
        raise RuntimeError("killed before commit")
    assert _trigger_sql() == trigger
    assert not SearchEntry.objects.filter(key__startswith="cost-o").exists()
    assert search_entries("protéomique")[0] == []


def test_the_fast_paths_of_diffs_and_compact_records_keep_their_answers():
    from decimal import Decimal
    assert _plain("a") == "a" and _plain(3) == 3 and _plain(None) is None and _plain(False) is False
    assert _plain(Decimal("1.50")) == "1.50" and _plain((Decimal("2"), "x")) == ["2", "x"]
    assert diff_fields(None, {"a": 1, "b": [Decimal("1")]}) == {"a": [None, 1], "b": [None, ["1"]]}
    kept = {"zero": 0, "no": False, "float": 0.0, "text": "t", "list": [1], "dict": {"a": 1}}
    assert _compact({**kept, "none": None, "empty": "", "nothing": [], "blank": {}}) == kept
