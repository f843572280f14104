"""The schema's "not blank" patterns read with JSON Schema's own \\s (ECMA-262), not Python's.

Python's str.strip(), which the services use to decide that a text is empty, also drops U+0085 (NEL) and
\\x1c-\\x1f, which ECMA-262's \\s does not name. schemathesis against gunicorn sent q=%C2%85 to /api/v1/match:
schema-valid, refused with a 400 (ST202, issue 9 review). Every pattern that says "something not blank" must
refuse a text made only of what strip() drops.
"""

import re
import sys

import pytest

# ECMA-262 WhiteSpace and LineTerminator: what \s means in a JSON Schema pattern.
ECMA_SPACE = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
STRIPPED = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


def ecma(pattern: str) -> re.Pattern:
    """The pattern with \\s (outside and inside classes) spelled as ECMA-262 defines it."""
    out, i = [], 0
    in_class = False
    while i < len(pattern):
        if pattern.startswith(r"\s", i):
            out.append(ECMA_SPACE if in_class else f"[{ECMA_SPACE}]")
            i += 2
            continue
        if pattern[i] == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        in_class = True if pattern[i] == "[" else False if pattern[i] == "]" else in_class
        out.append(pattern[i])
        i += 1
    return re.compile("".join(out))


def patterns(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield where, value
            else:
                yield from patterns(value, f"{where}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from patterns(value, f"{where}/{n}")


@pytest.mark.django_db
def test_no_schema_pattern_takes_a_text_that_strip_leaves_empty(client):
    schema = client.get("/api/v1/openapi.json").json()
    not_blank = [(where, p) for where, p in patterns(schema) if "[^\\s" in p]
    assert len(not_blank) >= 3  # the desk's texts, the match query, the antibody text
    for where, pattern in not_blank:
        compiled = ecma(pattern)
        header = "name,heavy,light\n" if "name,heavy,light" in pattern else ""  # the antibody CSV: a header, then blanks
        for text in [header + c for c in STRIPPED] + [header + STRIPPED]:
            assert not compiled.search(text), f"{where}: {pattern!r} takes {text.encode('unicode_escape')!r}"


def _texts(node, schemas, where):
    """Every free text (a string with no enum, no format) a schema takes, with its pattern."""
    if "$ref" in node:
        yield from _texts(schemas[node["$ref"].rsplit("/", 1)[-1]], schemas, where)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for part in node.get(key, []):
            yield from _texts(part, schemas, where)
    if node.get("type") == "string" and "enum" not in node and "format" not in node:
        yield where, node.get("pattern")
    for name, value in node.get("properties", {}).items():
        yield from _texts(value, schemas, f"{where}.{name}")
    if isinstance(node.get("additionalProperties"), dict):
        yield from _texts(node["additionalProperties"], schemas, f"{where}.*")
    if isinstance(node.get("items"), dict):
        yield from _texts(node["items"], schemas, f"{where}[]")


@pytest.mark.django_db
def test_no_text_a_write_operation_takes_may_hold_a_nul_character(client):
    """PostgreSQL cannot store a NUL in a text column: a JSON body carrying "\\u0000" in a text the schema let
    through was a 500 there (POST /orders' description, /bookings' cost centre, the desk's title...). Each text
    of a request body says in its pattern that it takes none, so the schema, schemathesis and the API agree."""
    schema = client.get("/api/v1/openapi.json").json()
    texts = [(f"{method.upper()} {path} {where}", pattern)
             for path, operations in schema["paths"].items() for method, operation in operations.items()
             if method in ("post", "put", "patch")
             for content in operation.get("requestBody", {}).get("content", {}).values()
             for where, pattern in _texts(content["schema"], schema["components"]["schemas"], "")]
    assert len(texts) >= 10  # the desk's, the bookings', the orders', the antibodies'... texts
    takes_nul = [(where, pattern) for where, pattern in texts
                 if pattern is None or any(re.search(pattern, text) for text in ("\x00", "a\x00b", "ab\x00"))]
    assert takes_nul == []
