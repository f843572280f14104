"""The import's fast paths decide exactly what the slow ones did.

- Schema: the compiled validator (jsonschema-rs) is trusted only when it says "valid"; on files mutated in
  every way the schema forbids, it never accepts one that jsonschema refuses, and the issues (record, field,
  message) are those of jsonschema alone.
- Tagging: `CompiledVocabulary.detect` reads candidates from an index of each synonym's rarest word; it finds
  the same concepts, phrases and words as the plain scan of every synonym below (the engine's algorithm before
  the index), on the demo directory, the matching needs and generated import texts.
"""

import copy
import json
import random
import sys
from collections import defaultdict

import pytest

from guichet.directory.exchange import check
from guichet.matching.profile import _window, tokenize, vocabulary, words_match

from .conftest import EXAMPLES, ROOT, load_example

sys.path.insert(0, str(ROOT / "bench"))
import import_bench  # noqa: E402


def _reference_issues(payload):
    """check_schema as it was: jsonschema decides alone."""
    fast, reference = check._validators()

    class Doubtful:
        def is_valid(self, _payload):
            return False

    original = check._validators
    try:
        check._validators = lambda: (Doubtful(), reference)
        return check.check_schema(payload)
    finally:
        check._validators = original


def _mutations(payload, rng, n):
    """Files the schema forbids or allows at its edges: a value of another type, an unknown field, a missing
    required field, text past its length, a key with a newline or upper case, a repeated area, a number
    below zero or written as a boolean."""
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            paths.append(path)
            for k, v in node.items():
                walk(v, [*path, k])
        elif isinstance(node, list):
            for i, v in enumerate(node[:3]):
                walk(v, [*path, i])
        else:
            paths.append(path)

    walk(payload, [])
    odd_values = [None, True, 0, -1, 1.5, "", "x" * 301, "a" * 20001, "Abc", "abc\n", "é", [], {}, ["x", "x"],
                  "guichet-directory", 1, "hour", "fr", "cancer"]
    for _ in range(n):
        mutated = copy.deepcopy(payload)
        path = rng.choice(paths)
        node = mutated
        for step in path[:-1]:
            node = node[step]
        kind = rng.randrange(4)
        if not path:
            mutated["extra"] = 1
        elif kind == 0:
            node[path[-1]] = rng.choice(odd_values)
        elif kind == 1 and isinstance(node, dict):
            del node[path[-1]]
        elif kind == 2 and isinstance(node[path[-1]], dict):
            node[path[-1]][rng.choice(["unknown", "key", "name", "prices", "kind"])] = rng.choice(odd_values)
        else:
            node[path[-1]] = [node[path[-1]], node[path[-1]]]
        yield mutated


@pytest.mark.slow
@pytest.mark.django_db
def test_fast_schema_check_never_accepts_what_jsonschema_refuses():
    fast, reference = check._validators()
    rng = random.Random(2026)
    payloads = [import_bench.make_payload(60, seed=3), load_example("valid-small.json")]
    checked = refused = 0
    for payload in payloads:
        for mutated in _mutations(payload, rng, 600):
            if fast.is_valid(mutated):
                assert reference.is_valid(mutated), json.dumps(mutated)[:500]
            refused += not reference.is_valid(mutated)
            checked += 1
    assert checked == 1200 and refused > 600  # most mutations break the schema: the test sees refusals


@pytest.mark.django_db
@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_schema_issues_are_jsonschemas_own(example):
    payload = load_example(example)
    assert check.check_schema(payload) == _reference_issues(payload)


@pytest.mark.slow
@pytest.mark.django_db
def test_schema_issues_of_mutated_files_are_jsonschemas_own():
    rng = random.Random(9)
    payload = import_bench.make_payload(30, seed=5)
    seen_errors = 0
    for mutated in _mutations(payload, rng, 150):
        ours = check.check_schema(mutated)
        assert ours == _reference_issues(mutated)
        seen_errors += bool(ours)
    assert seen_errors > 50
    # A key ending in a newline passes Python's `$` (jsonschema's verdict, kept), not ECMA's (jsonschema-rs).
    newline_key = {"format": "guichet-directory", "version": 1,
                   "organizations": [{"key": "abc\n", "name": "A", "kind": "hospital"}]}
    assert not check._validators()[0].is_valid(newline_key)
    assert check.check_schema(newline_key) == _reference_issues(newline_key)


def _plain_detect(vocab, text, purposes=False):
    """Every synonym tried in order (more words first), each word matched by words_match: the scan that
    the index replaced."""
    tokens = tokenize(text)
    table = vocab.purposes if purposes else vocab.synonyms
    found = {}
    for i in sorted(range(len(table)), key=lambda i: (-len(table[i].words), i)):
        synonym = table[i]
        if synonym.concept in found:
            continue
        where = []
        for word in synonym.words:
            at = {p for p, token in enumerate(tokens) if words_match(word, token)}
            if not at:
                break
            where.append(at)
        else:
            positions = _window(where, len(tokens))
            if positions is not None:
                found[synonym.concept] = (synonym.concept, " ".join(dict.fromkeys(tokens[p].surface
                                                                                  for p in positions)),
                                          synonym.text, tuple(tokens[p].folded for p in positions))
    return list(found.values())


def _texts():
    """The matching needs (they say what a technique is for), then demo records and generated import texts."""
    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for v in node.values():
                yield from strings(v)
        elif isinstance(node, list):
            for v in node:
                yield from strings(v)

    needs = [n["text"] for n in json.loads((ROOT / "bench/matching/needs.json").read_text(encoding="utf-8"))]
    records = [t for t in strings(json.loads((ROOT / "src/guichet/directory/demo/directory.json").read_text(
        encoding="utf-8"))) if " " in t]
    records += list(strings(import_bench.make_payload(100, seed=11)))
    rng = random.Random(4)
    return needs[::2] + rng.sample(list(dict.fromkeys(records)), 140)


@pytest.mark.slow
@pytest.mark.django_db
def test_indexed_detection_finds_what_the_plain_scan_finds():
    vocab = vocabulary()
    # Needs written with purpose phrases of the vocabulary, in words of their own around them.
    phrased = [f"Nous voulons {p.text} rapidement" for p in vocab.purposes[::max(1, len(vocab.purposes) // 30)]]
    found = defaultdict(int)
    for text in _texts() + phrased:
        for purposes in (False, True):
            ours = [(d.concept, d.phrase, d.synonym.text, d.words) for d in vocab.detect(text, purposes=purposes)]
            assert ours == _plain_detect(vocab, text, purposes), text
            found[purposes] += len(ours)
    assert found[False] > 300 and found[True] > 20  # the texts do carry concepts and purposes
