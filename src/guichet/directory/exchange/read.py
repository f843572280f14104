"""Reading directory-v1: the format's constants and schema, the refusal it is answered with, `parse_json`."""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

FORMAT = "guichet-directory"
SCHEMA_PATH = Path(__file__).parent.with_name("directory-v1.schema.json")
SECTIONS = ("organizations", "people", "platforms")
RECORD_TYPES = ("organization", "person", "platform", "service", "instrument")
PRICE_CATEGORIES = ("academic", "startup", "industry")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ImportIssue:
    """One error, naming the record (its key, or its position when it has none) and the field."""

    record: str
    field: str
    message: str

    def __str__(self):
        where = self.record or _("file")
        return f"{where} · {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ImportRefused(Exception):
    def __init__(self, issues: list[ImportIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def limit(name: str) -> int:
    """One of the import limits of settings.py (read at call time: tests override them)."""
    return getattr(settings, name)


def too_deep(value: Any, depth_limit: int) -> bool:
    """True when lists and objects nest deeper than `depth_limit` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > depth_limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def too_deep_issue(depth_limit: int) -> ImportIssue:
    return ImportIssue("", "", _("The file nests lists or objects more than %(n)s levels deep.") % {"n": depth_limit})


def parse_json(data: bytes | str) -> Any:
    depth_limit = limit("GUICHET_IMPORT_MAX_DEPTH")
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        message = _("The file is not valid JSON: %(error)s") % {"error": exc}
        raise ImportRefused([ImportIssue("", "", message)]) from exc
    except RecursionError as exc:  # the parser's own limit, far above ours
        raise ImportRefused([too_deep_issue(depth_limit)]) from exc
    if too_deep(payload, depth_limit):
        raise ImportRefused([too_deep_issue(depth_limit)])
    return payload


def iter_records(payload: dict):
    """(record type, record dict, parent platform key) for every record of a schema-valid payload."""
    for record in payload.get("organizations", []):
        yield "organization", record, None
    for record in payload.get("people", []):
        yield "person", record, None
    for platform in payload.get("platforms", []):
        yield "platform", platform, None
        for record in platform.get("services", []):
            yield "service", record, platform["key"]
        for record in platform.get("instruments", []):
            yield "instrument", record, platform["key"]


def record_count(payload: dict) -> int:
    n = 0
    for section in SECTIONS:
        records = payload.get(section)
        if isinstance(records, list):
            n += len(records)
            if section == "platforms":
                n += sum(len(r.get(child) or []) for r in records if isinstance(r, dict)
                         for child in ("services", "instruments") if isinstance(r.get(child) or [], list))
    return n
