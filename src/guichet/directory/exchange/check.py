"""Checking a directory-v1 payload: every problem, each naming the record key and field. Never writes.

`check_schema` is what a payload says on its own (format, fields, values, repeated keys); `check_references`
what it says against the stored directory (key types, organizations named); `check_payload` both.
"""

import json
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from guichet.core.bulk import key_set
from guichet.platforms.models import Instrument, Platform, Service

from ..models import Organization, Person
from .read import ImportIssue, iter_records, limit, record_count, schema, too_deep, too_deep_issue

KEYED_SECTIONS = ("organizations", "people", "platforms", "services", "instruments")


@lru_cache(maxsize=1)
def _validators():
    """(fast, reference): jsonschema-rs for the common case of a valid file, jsonschema for everything else.

    Formats are annotations in draft 2020-12 for both (addresses and e-mails are checked by Django's
    validators below). The fast one is only trusted when it says "valid": where the two could disagree
    (regular expression dialects: Python's `$` also matches before a final newline), it is the stricter.
    """
    import jsonschema_rs  # a compiled library, loaded by the first import checked

    return (jsonschema_rs.validator_for(schema(), validate_formats=False), Draft202012Validator(schema()))


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
        if isinstance(step, int) and isinstance(node, dict) and i > 0 and path[i - 1] in KEYED_SECTIONS:
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


def stored_key_types(keys: set[str]) -> dict[str, str]:
    """Record type of each key already in the directory."""
    found: dict[str, str] = {}
    models = [("organization", Organization), ("person", Person), ("platform", Platform),
              ("service", Service), ("instrument", Instrument)]
    stored = key_set(keys)
    for record_type, model in models:
        for key in model.objects.filter(key__in=stored).values_list("key", flat=True):
            found[key] = record_type
    return found


def check_payload(payload: Any) -> list[ImportIssue]:
    """Every problem in a payload, each naming the record key and field. Reads the database, never writes."""
    issues, well_formed = _check_local(payload)
    return issues + check_references(payload) if well_formed else issues


def check_schema(payload: Any) -> list[ImportIssue]:
    """The problems a payload has on its own (format, fields, values, repeated keys); reads nothing."""
    return _check_local(payload)[0]


def _check_local(payload: Any) -> tuple[list[ImportIssue], bool]:
    """(issues, well formed): references are checked only in a payload that follows the schema."""
    if not isinstance(payload, dict):
        return [ImportIssue("", "", _("The file must hold one JSON object in directory-v1 format."))], False
    max_records = limit("GUICHET_IMPORT_MAX_RECORDS")
    if record_count(payload) > max_records:
        return [ImportIssue("", "", _("The file holds more than %(n)s records; split it into several files.")
                            % {"n": max_records})], False
    if too_deep(payload, limit("GUICHET_IMPORT_MAX_DEPTH")):
        return [too_deep_issue(limit("GUICHET_IMPORT_MAX_DEPTH"))], False
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
    for record_type, record, _parent in iter_records(payload):
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
    for record_type, record, _parent in iter_records(payload):
        seen.setdefault(record["key"], record_type)
    org_keys = {r["key"] for r in payload.get("organizations", [])}
    stored = stored_key_types(set(seen))
    for key, record_type in seen.items():
        if key in stored and stored[key] != record_type:
            issues.append(ImportIssue(key, "key", _("This key already names a stored %(type)s; keys are unique "
                                                    "across the directory.") % {"type": stored[key]}))
    referenced = {r["organization"] for t, r, _p in iter_records(payload)
                  if t in ("person", "platform") and r.get("organization")}
    known_orgs = org_keys | set(Organization.objects.filter(key__in=key_set(referenced - org_keys))
                                .values_list("key", flat=True))
    for record_type, record, _parent in iter_records(payload):
        if record_type in ("person", "platform") and record.get("organization"):
            if record["organization"] not in known_orgs:
                issues.append(ImportIssue(record["key"], "organization", _(
                    "“%(ref)s” names no organization in this file or the directory.") % {
                    "ref": record["organization"]}))
    return issues
