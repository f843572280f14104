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
