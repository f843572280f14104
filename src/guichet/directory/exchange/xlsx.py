"""The workbook form of directory-v1: one sheet per record type, read into and written from the JSON payload."""

import io
import zipfile
from typing import Any

from django.utils.translation import gettext as _

from guichet.core import exports
from guichet.platforms.models import Platform

from .read import FORMAT, PRICE_CATEGORIES, ImportIssue, ImportRefused, limit
from .records import platform_record

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
XLSX_TEXT_FIELDS = {"key", "name", "organization", "platform", "lang", "kind", "unit", "city", "title",
                    "description", "expertise", "email", "website"}
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


def _unreadable() -> ImportRefused:
    return ImportRefused([ImportIssue("", "", _("The file is not a readable XLSX workbook."))])


def parse_xlsx(data: bytes) -> dict:
    """Turn a workbook (one sheet per record type, `guichet export --xlsx`) into a directory-v1 payload."""
    try:
        return _parse_xlsx(data)
    except ImportRefused:
        raise
    except (Exception, RecursionError) as exc:  # openpyxl and its XML parser raise many types on a crafted file
        raise _unreadable() from exc


def _parse_xlsx(data: bytes) -> dict:
    from openpyxl import load_workbook  # loaded on the first workbook read

    max_rows, max_bytes = limit("GUICHET_IMPORT_MAX_RECORDS"), limit("GUICHET_IMPORT_MAX_XLSX_UNPACKED_BYTES")
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _unreadable() from exc
    if unpacked > max_bytes:  # a small file that unpacks to gigabytes
        raise ImportRefused([ImportIssue("", "", _("The workbook unpacks to more than %(mb)s MB.")
                                         % {"mb": max_bytes // (1024 * 1024)})])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise _unreadable() from exc
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
                elif name in XLSX_TEXT_FIELDS:
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


def export_xlsx(payload: dict) -> bytes:
    """The workbook form of a payload; with an empty directory it is the import template.

    Written through `core.exports`, so text that looks like a formula (`=HYPERLINK(...)` in a description) is a
    string cell with Excel's quote-prefix style, never a live formula, and its value is unchanged: `parse_xlsx`
    reads back exactly the text of the JSON, so the format round-trips. (A leading apostrophe, OWASP's CSV advice,
    would have changed the data on re-import; a formula cell would have come back empty.) Headers stay the
    format's machine names, one row: this workbook is the format, not a report.
    """
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
