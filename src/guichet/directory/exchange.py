"""The directory-v1 exchange format: read (JSON or XLSX), check, plan, and write canonically.

Checking never writes. `plan_import` says, per record, whether importing would
create, update or leave it unchanged; `guichet.directory.services.directory_import`
applies a checked payload in one transaction.
"""

import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from .diff import record_diff
from .models import Organization, Person

FORMAT = "guichet-directory"
SCHEMA_PATH = Path(__file__).with_name("directory-v1.schema.json")
SECTIONS = ("organizations", "people", "platforms")
RECORD_TYPES = ("organization", "person", "platform", "service", "instrument")
PRICE_CATEGORIES = ("academic", "startup", "industry")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validators():
    """(fast, reference): jsonschema-rs for the common case of a valid file, jsonschema for everything else.

    Formats are annotations in draft 2020-12 for both (addresses and e-mails are checked by Django's
    validators below). The fast one is only trusted when it says "valid": where the two could disagree
    (regular expression dialects: Python's `$` also matches before a final newline), it is the stricter.
    """
    import jsonschema_rs

    return (jsonschema_rs.validator_for(schema(), validate_formats=False), Draft202012Validator(schema()))


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


# --- reading -----------------------------------------------------------------------------------

def _limit(name: str) -> int:
    from django.conf import settings

    return getattr(settings, name)


def _too_deep(value: Any, limit: int) -> bool:
    """True when lists and objects nest deeper than `limit` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def parse_json(data: bytes | str) -> Any:
    limit = _limit("GUICHET_IMPORT_MAX_DEPTH")
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        message = _("The file is not valid JSON: %(error)s") % {"error": exc}
        raise ImportRefused([ImportIssue("", "", message)]) from exc
    except RecursionError as exc:  # the parser's own limit, far above ours
        raise ImportRefused([ImportIssue("", "", _("The file nests lists or objects more than %(n)s levels deep.")
                                         % {"n": limit})]) from exc
    if _too_deep(payload, limit):
        raise ImportRefused([ImportIssue("", "", _("The file nests lists or objects more than %(n)s levels deep.")
                                         % {"n": limit})])
    return payload


XLSX_COLUMNS = {
    "organizations": ["key", "name", "kind", "description", "lang", "city", "website", "therapeutic_areas",
                      "keywords"],
    "people": ["key", "name", "organization", "title", "expertise", "lang", "email"],
    "platforms": ["key", "name", "organization", "description", "lang"],
    "services": ["key", "platform", "name", "description", "lang", "unit", "price_academic", "price_startup",
                 "price_industry"],
    "instruments": ["key", "platform", "name", "description", "lang", "requires_training"],
}
XLSX_LIST_FIELDS = {"therapeutic_areas", "keywords"}
LIST_SEPARATOR = ";"


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _xlsx_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in {"true", "yes", "oui", "vrai", "1", "x"}:
        return True
    if text in {"false", "no", "non", "faux", "0"}:
        return False
    return value  # left as is: the schema check names the field


def parse_xlsx(data: bytes) -> dict:
    """Turn a workbook (one sheet per record type, `guichet export --xlsx`) into a directory-v1 payload."""
    try:
        return _parse_xlsx(data)
    except ImportRefused:
        raise
    except (Exception, RecursionError) as exc:  # openpyxl and its XML parser raise many types on a crafted file
        raise ImportRefused([ImportIssue("", "", _("The file is not a readable XLSX workbook."))]) from exc


def _parse_xlsx(data: bytes) -> dict:
    import zipfile

    from openpyxl import load_workbook

    max_rows, max_bytes = _limit("GUICHET_IMPORT_MAX_RECORDS"), _limit("GUICHET_IMPORT_MAX_XLSX_UNPACKED_BYTES")
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused([ImportIssue("", "", _("The file is not a readable XLSX workbook."))]) from exc
    if unpacked > max_bytes:  # a small file that unpacks to gigabytes
        raise ImportRefused([ImportIssue("", "", _("The workbook unpacks to more than %(mb)s MB.")
                                         % {"mb": max_bytes // (1024 * 1024)})])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise ImportRefused([ImportIssue("", "", _("The file is not a readable XLSX workbook."))]) from exc
    seen_rows = 0
    issues: list[ImportIssue] = []
    sheets: dict[str, list[dict]] = {}
    for sheet_name in workbook.sheetnames:
        if sheet_name not in XLSX_COLUMNS:
            issues.append(ImportIssue(sheet_name, "", _("Unknown sheet; expected one of: %(names)s")
                                      % {"names": ", ".join(XLSX_COLUMNS)}))
            continue
        rows = workbook[sheet_name].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        for column in header:
            if column and column not in XLSX_COLUMNS[sheet_name]:
                issues.append(ImportIssue(sheet_name, column, _("Unknown column.")))
        records = []
        for number, row in enumerate(rows, start=2):
            seen_rows += 1
            if seen_rows > max_rows:  # counted before reading on: 200,000 empty rows cost nothing to refuse
                workbook.close()
                raise ImportRefused([ImportIssue(sheet_name, "", _(
                    "The workbook has more than %(n)s rows; split it into several files.") % {"n": max_rows})])
            values = {h: _cell(v) for h, v in zip(header, row, strict=False) if h}
            if all(v is None for v in values.values()):
                continue
            record = {}
            for name, value in values.items():
                if value is None:
                    continue
                if name in XLSX_LIST_FIELDS:
                    value = [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]
                elif name == "requires_training":
                    value = _xlsx_bool(value)
                elif name in {"key", "name", "organization", "platform", "lang", "kind", "unit", "city", "title",
                              "description", "expertise", "email", "website"}:
                    value = str(value) if not isinstance(value, float) or not value.is_integer() else str(int(value))
                record[name] = value
            record.setdefault("key", f"{sheet_name}!{number}")
            records.append(record)
        sheets[sheet_name] = records
    workbook.close()
    if issues:
        raise ImportRefused(issues)
    return _nest_workbook(sheets)


def _nest_workbook(sheets: dict[str, list[dict]]) -> dict:
    """Put services and instruments back inside their platforms, as the JSON format has them."""
    payload: dict[str, Any] = {"format": FORMAT, "version": 1}
    payload["organizations"] = sheets.get("organizations", [])
    payload["people"] = sheets.get("people", [])
    platforms = {p["key"]: p for p in sheets.get("platforms", [])}
    from guichet.platforms.models import Platform

    for section in ("services", "instruments"):
        for record in sheets.get(section, []):
            platform_key = record.pop("platform", None)
            if platform_key not in platforms:
                stored = Platform.objects.filter(key=platform_key).select_related("organization").first()
                if stored is None:
                    raise ImportRefused([ImportIssue(record.get("key", ""), "platform",
                                                     _("No platform with this key in the file or the directory."))])
                platforms[platform_key] = platform_record(stored, with_children=False)
            if section == "services":
                prices = {c: record.pop(f"price_{c}") for c in PRICE_CATEGORIES if f"price_{c}" in record}
                if prices:
                    record["prices"] = prices
            platforms[platform_key].setdefault(section, []).append(record)
    payload["platforms"] = list(platforms.values())
    return {k: v for k, v in payload.items() if v != [] or k in ("format", "version")}


# --- checking ----------------------------------------------------------------------------------

def _locate(payload: Any, path: list) -> tuple[str, str]:
    """(record key, field) for a JSON path such as ['platforms', 0, 'services', 1, 'prices', 'academic']."""
    record, field_parts, node = "", [], payload
    i = 0
    while i < len(path):
        step = path[i]
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, int) and isinstance(node, dict) and i > 0 and path[i - 1] in (
                "organizations", "people", "platforms", "services", "instruments"):
            record = str(node.get("key") or f"{path[i - 1]}[{step}]")
            field_parts = []
        elif not isinstance(step, int) or field_parts:
            field_parts.append(str(step))
        i += 1
    if not record and path:
        return "", ".".join(str(p) for p in path)
    return record, ".".join(field_parts)


def _schema_message(error) -> tuple[str, str]:
    """A translated message for one jsonschema error and the field it concerns (when the error names one)."""
    v = error.validator
    if v == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - allowed)
        return ", ".join(extra), _("Unknown field (not in directory-v1).")
    if v == "required":
        missing = [f for f in error.validator_value if f not in error.instance]
        return ", ".join(missing), _("This field is required.")
    if v == "enum":
        return "", _("“%(value)s” is not allowed; use one of: %(choices)s.") % {
            "value": error.instance, "choices": ", ".join(map(str, error.validator_value))}
    if v == "const":
        return "", _("Must be %(value)s.") % {"value": json.dumps(error.validator_value)}
    if v == "pattern":
        return "", _("“%(value)s” is not a valid key (1 to 80 lower-case letters, digits, '.', '_' or '-').") % {
            "value": error.instance}
    if v == "type":
        return "", _("Must be of type %(type)s.") % {"type": error.validator_value}
    if v == "maxLength":
        return "", _("Too long (at most %(n)s characters).") % {"n": error.validator_value}
    if v == "minLength":
        return "", _("Must not be empty.")
    if v == "minimum":
        return "", _("Must be at least %(n)s.") % {"n": error.validator_value}
    if v == "uniqueItems":
        return "", _("Values must not repeat.")
    return "", error.message


def _iter_records(payload: dict):
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


def stored_key_types(keys: set[str]) -> dict[str, str]:
    """Record type of each key already in the directory."""
    from guichet.platforms.models import Instrument, Platform, Service

    found: dict[str, str] = {}
    models = [("organization", Organization), ("person", Person), ("platform", Platform),
              ("service", Service), ("instrument", Instrument)]
    key_list = list(keys)
    for start in range(0, len(key_list), 500):
        chunk = key_list[start:start + 500]
        for record_type, model in models:
            for key in model.objects.filter(key__in=chunk).values_list("key", flat=True):
                found[key] = record_type
    return found


def check_payload(payload: Any) -> list[ImportIssue]:
    """Every problem in a payload, each naming the record key and field. Reads the database, never writes."""
    issues, well_formed = _check_local(payload)
    return issues + check_references(payload) if well_formed else issues


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


def check_schema(payload: Any) -> list[ImportIssue]:
    """The problems a payload has on its own (format, fields, values, repeated keys); reads nothing."""
    return _check_local(payload)[0]


def _check_local(payload: Any) -> tuple[list[ImportIssue], bool]:
    """(issues, well formed): references are checked only in a payload that follows the schema."""
    if not isinstance(payload, dict):
        return [ImportIssue("", "", _("The file must hold one JSON object in directory-v1 format."))], False
    limit = _limit("GUICHET_IMPORT_MAX_RECORDS")
    if record_count(payload) > limit:
        return [ImportIssue("", "", _("The file holds more than %(n)s records; split it into several files.")
                            % {"n": limit})], False
    if _too_deep(payload, _limit("GUICHET_IMPORT_MAX_DEPTH")):
        return [ImportIssue("", "", _("The file nests lists or objects more than %(n)s levels deep.")
                            % {"n": _limit("GUICHET_IMPORT_MAX_DEPTH")})], False
    issues: list[ImportIssue] = []
    # The compiled validator says "valid" in a few milliseconds where jsonschema takes a second per 1,000
    # records; jsonschema, the reference, still decides every payload the fast one doubts, and words the errors.
    validator = _validators()[1]
    errors = () if _validators()[0].is_valid(payload) else validator.iter_errors(payload)
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        record, field_name = _locate(payload, list(error.absolute_path))
        named_field, message = _schema_message(error)
        if named_field:
            field_name = f"{field_name}.{named_field}" if field_name else named_field
        issues.append(ImportIssue(record, field_name, message))
    if issues:
        return issues, False

    url_ok, email_ok = URLValidator(schemes=["http", "https"]), EmailValidator()
    seen: dict[str, str] = {}
    for record_type, record, _parent in _iter_records(payload):
        key = record["key"]
        if key in seen:
            issues.append(ImportIssue(key, "key", _("Key used twice in this file (%(first)s and %(second)s).")
                                      % {"first": seen[key], "second": record_type}))
        seen.setdefault(key, record_type)
        if record.get("website"):
            try:
                url_ok(record["website"])
            except ValidationError:
                issues.append(ImportIssue(key, "website", _("Not a valid web address.")))
        if record.get("email"):
            try:
                email_ok(record["email"])
            except ValidationError:
                issues.append(ImportIssue(key, "email", _("Not a valid e-mail address.")))
    return issues, True


def check_references(payload: dict) -> list[ImportIssue]:
    """The problems a schema-valid payload has against the stored directory (key types, references)."""
    issues: list[ImportIssue] = []
    seen: dict[str, str] = {}
    for record_type, record, _parent in _iter_records(payload):
        seen.setdefault(record["key"], record_type)
    org_keys = {r["key"] for r in payload.get("organizations", [])}
    stored = stored_key_types(set(seen))
    for key, record_type in seen.items():
        if key in stored and stored[key] != record_type:
            issues.append(ImportIssue(key, "key", _("This key already names a stored %(type)s; keys are unique "
                                                    "across the directory.") % {"type": stored[key]}))
    referenced = {r["organization"] for t, r, _p in _iter_records(payload)
                  if t in ("person", "platform") and r.get("organization")}
    known_orgs = org_keys | set(Organization.objects.filter(key__in=referenced - org_keys)
                                .values_list("key", flat=True))
    for record_type, record, _parent in _iter_records(payload):
        if record_type in ("person", "platform") and record.get("organization"):
            if record["organization"] not in known_orgs:
                issues.append(ImportIssue(record["key"], "organization", _(
                    "“%(ref)s” names no organization in this file or the directory.") % {
                    "ref": record["organization"]}))
    return issues


# --- canonical records -------------------------------------------------------------------------

def _price(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _compact(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def organization_record(org: Organization) -> dict:
    return _compact({"key": org.key, "name": org.name, "kind": org.kind, "description": org.description,
                     "lang": org.lang, "city": org.city, "website": org.website,
                     "therapeutic_areas": list(org.therapeutic_areas), "keywords": list(org.keywords)})


def person_record(person: Person, *, with_email: bool = True) -> dict:
    return _compact({"key": person.key, "name": person.name,
                     "organization": person.organization.key if person.organization_id else None,
                     "title": person.title, "expertise": person.expertise, "lang": person.lang,
                     "email": person.email if with_email else None})


def service_record(service) -> dict:
    prices = {c: _price(getattr(service, f"price_{c}")) for c in PRICE_CATEGORIES}
    return _compact({"key": service.key, "name": service.name, "description": service.description,
                     "lang": service.lang, "unit": service.unit, "prices": _compact(prices)})


def instrument_record(instrument) -> dict:
    record = _compact({"key": instrument.key, "name": instrument.name, "description": instrument.description,
                       "lang": instrument.lang})
    record["requires_training"] = instrument.requires_training
    return record


def platform_record(platform, *, with_children: bool = True) -> dict:
    record = _compact({"key": platform.key, "name": platform.name, "organization": platform.organization.key,
                       "description": platform.description, "lang": platform.lang})
    if with_children:
        services = [service_record(s) for s in sorted(platform.services.all(), key=lambda s: s.key)]
        instruments = [instrument_record(i) for i in sorted(platform.instruments.all(), key=lambda i: i.key)]
        if services:
            record["services"] = services
        if instruments:
            record["instruments"] = instruments
    return record


def normalize_record(record_type: str, record: dict) -> dict:
    """A file record as the export would write it, so that comparing the two finds real changes only."""
    record = {k: v for k, v in record.items() if k not in ("services", "instruments")}
    if record_type == "service" and "prices" in record:
        record["prices"] = {c: float(Decimal(str(v)).quantize(Decimal("0.01")))
                            for c, v in record["prices"].items()}
    if record_type == "instrument":
        record["requires_training"] = bool(record.get("requires_training", False))
    return _compact(record)


def export_payload(*, with_email: bool = True) -> dict:
    from guichet.platforms.models import Platform

    platforms = Platform.objects.select_related("organization").prefetch_related("services", "instruments")
    return {
        "format": FORMAT,
        "version": 1,
        "organizations": [organization_record(o) for o in Organization.objects.order_by("key")],
        "people": [person_record(p, with_email=with_email)
                   for p in Person.objects.select_related("organization").order_by("key")],
        "platforms": [platform_record(p) for p in platforms.order_by("key")],
    }


def canonical_json(payload: dict) -> str:
    """Sorted keys, records in key order, two-space indent, UTF-8 text, final newline: byte-stable."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def export_xlsx(payload: dict) -> bytes:
    """The workbook form of a payload; with an empty directory it is the import template.

    Written through `core.exports`, so text that looks like a formula (`=HYPERLINK(...)` in a description) is a
    string cell with Excel's quote-prefix style, never a live formula, and its value is unchanged: `parse_xlsx`
    reads back exactly the text of the JSON, so the format round-trips. (A leading apostrophe, OWASP's CSV advice,
    would have changed the data on re-import; a formula cell would have come back empty.) Headers stay the
    format's machine names, one row: this workbook is the format, not a report.
    """
    from guichet.core import exports

    rows: dict[str, list[dict]] = {
        "organizations": payload.get("organizations", []),
        "people": payload.get("people", []),
        "platforms": [],
        "services": [],
        "instruments": [],
    }
    for platform in payload.get("platforms", []):
        rows["platforms"].append({k: v for k, v in platform.items() if k not in ("services", "instruments")})
        for service in platform.get("services", []):
            flat = {k: v for k, v in service.items() if k != "prices"}
            flat.update({f"price_{c}": p for c, p in service.get("prices", {}).items()})
            rows["services"].append({"platform": platform["key"], **flat})
        for instrument in platform.get("instruments", []):
            rows["instruments"].append({"platform": platform["key"], **instrument})
    sheets = []
    for sheet_name, columns in XLSX_COLUMNS.items():
        table = [[(f"{LIST_SEPARATOR} ".join(record[c]) if isinstance(record.get(c), list) else record.get(c))
                  for c in columns] for record in rows[sheet_name]]
        widths = {c: 40 if c in ("description", "expertise") else 18 for c in columns}
        sheets.append(exports.Sheet(sheet_name, columns, table, widths=widths))
    return exports.xlsx_bytes(sheets)


# --- planning ----------------------------------------------------------------------------------

@dataclass
class PlannedChange:
    record_type: str
    key: str
    name: str
    action: str  # create | update | unchanged
    changes: dict = field(default_factory=dict)


@dataclass
class ImportPlan:
    changes: list[PlannedChange]

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged")}


def stored_records(payload: dict) -> dict[str, dict]:
    """The canonical form of every stored record that this payload names, by key."""
    from guichet.platforms.models import Instrument, Platform, Service

    keys = {r["key"] for _t, r, _p in _iter_records(payload)}
    out: dict[str, dict] = {}
    key_list = list(keys)
    for start in range(0, len(key_list), 500):
        chunk = key_list[start:start + 500]
        for o in Organization.objects.filter(key__in=chunk):
            out[o.key] = organization_record(o)
        for p in Person.objects.filter(key__in=chunk).select_related("organization"):
            out[p.key] = person_record(p)
        for p in Platform.objects.filter(key__in=chunk).select_related("organization"):
            out[p.key] = platform_record(p, with_children=False)
        for s in Service.objects.filter(key__in=chunk).select_related("platform"):
            out[s.key] = {**service_record(s), "_platform": s.platform.key}
        for i in Instrument.objects.filter(key__in=chunk).select_related("platform"):
            out[i.key] = {**instrument_record(i), "_platform": i.platform.key}
    return out


def plan_import(payload: dict) -> ImportPlan:
    """What importing this (already checked) payload would do, record by record."""
    stored = stored_records(payload)
    changes = []
    for record_type, record, parent in _iter_records(payload):
        new = normalize_record(record_type, record)
        if parent:
            new["_platform"] = parent
        old = stored.get(record["key"])
        if old is None:
            action, diff = "create", record_diff(None, new)
        else:
            diff = record_diff(old, new)
            action = "update" if diff else "unchanged"
        changes.append(PlannedChange(record_type, record["key"], record["name"], action, diff))
    return ImportPlan(changes)
