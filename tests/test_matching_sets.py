"""The unseen labelled sets stay usable: valid directory-v1, and every label names a record of its directory.

A set that silently drifts (a renamed key, a label pointing nowhere) would lower or raise the measured
figures without anybody noticing; these checks read the files, they never look at rankings.
"""

import json

import pytest

from guichet.directory.exchange import check

from .conftest import ROOT

SETS = ["unseen-1", "unseen-2"]
pytestmark = pytest.mark.django_db


def load(name):
    folder = ROOT / "bench" / "matching" / name
    return (json.loads((folder / "directory.json").read_text(encoding="utf-8")),
            json.loads((folder / "needs.json").read_text(encoding="utf-8")))


def keys_of(payload):
    keys = {r["key"] for r in payload["organizations"] + payload["people"]}
    for pl in payload["platforms"]:
        keys |= {pl["key"]} | {r["key"] for r in pl["services"] + pl["instruments"]}
    return keys


@pytest.mark.parametrize("name", SETS)
def test_directory_is_valid_directory_v1_with_300_records(name):
    payload, _needs = load(name)
    assert check.check_payload(payload) == []
    assert len(keys_of(payload)) >= 300


@pytest.mark.parametrize("name", SETS)
def test_needs_are_labelled_with_graded_existing_keys(name):
    payload, needs = load(name)
    keys = keys_of(payload)
    assert len(needs) >= 150
    assert len({n["id"] for n in needs}) == len(needs)
    for need in needs:
        assert need["lang"] in ("fr", "en") and need["text"].strip()
        assert need["relevant"] and set(need["relevant"]) <= keys, need["id"]
        assert set(need["grades"]) == set(need["relevant"]) == set(need["why"]), need["id"]
        assert set(need["grades"].values()) <= {1, 2, 3}, need["id"]
    french = sum(n["lang"] == "fr" for n in needs)
    assert 0.4 <= french / len(needs) <= 0.6
    assert 0.4 <= sum(n["cross_lingual"] for n in needs) / len(needs) <= 0.6
