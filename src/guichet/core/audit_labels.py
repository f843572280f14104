"""Reading an audit event as a person: each field by its verbose name, each code by its label, both taken from the
model the event is about (an antibody assessment's "running" is "Assessing", an import's "Importing")."""

import functools

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise

# Entity types whose name is not their model's (`model_name` with its underscores dropped finds the rest).
ENTITY_MODELS = {
    "desk_request": "desk.Need",
    "desk_visitor_submission": "desk.VisitorSubmission",
    "import": "directory.ImportBatch",
    "training": "bookings.TrainingAuthorization",
    "impact_report": "impact.ReportRun",
    "session": "events.Session",
}


@functools.cache
def _models_by_name() -> dict[str, type[models.Model]]:
    by_name: dict[str, list] = {}
    for model in apps.get_models():
        by_name.setdefault(model._meta.model_name, []).append(model)
    # A name two apps share (Django's sessions and the events' sessions) says nothing without ENTITY_MODELS.
    return {name: found[0] for name, found in by_name.items() if len(found) == 1}


@functools.cache
def audited_model(entity_type: str) -> type[models.Model] | None:
    """The model an audit event's `entity_type` names, or None for events about no record (a month, settings)."""
    label = ENTITY_MODELS.get(entity_type)
    if label:
        return apps.get_model(label)
    return _models_by_name().get((entity_type or "").replace("_", "").lower())


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        # record_fields() writes foreign keys by their column ("organization_id").
        for field in model._meta.concrete_fields:
            if field.attname == name:
                return field
    return None


def field_label(entity_type: str, name: str) -> str:
    """A changed field as its model names it ("statut"), or its stored name when the model has no such field."""
    label = _translated_name(entity_type, name)
    return str(label) if label is not None else name


def _translated_name(entity_type: str, name: str):
    """The field's verbose name when the model gives it one to translate; None for Django's default (the field's
    name with spaces, never translated: "decided by") and for names no field carries."""
    label = getattr(_field(audited_model(entity_type), name), "verbose_name", None)
    return label if isinstance(label, Promise) else None


@functools.cache
def _unambiguous_codes() -> dict:
    """code → label for the codes that mean one thing in every model (a list of codes, an event about no model)."""
    by_code: dict = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for code, label in getattr(field, "choices", None) or []:
                if isinstance(code, str):
                    by_code.setdefault(code, set()).add(str(label))
    return {code: next(iter(labels)) for code, labels in by_code.items() if len(labels) == 1}


def _code(field, value: str):
    choices = dict(getattr(field, "choices", None) or ())
    if value in choices:
        return choices[value]
    return _unambiguous_codes().get(value, value)


def value_label(entity_type: str, name: str, value):
    """A recorded value as a reader knows it: a code becomes the label its own model gives it."""
    field = _field(audited_model(entity_type), name)
    if isinstance(value, str) and isinstance(field, (models.DateTimeField, models.DateField)):
        return _when(field, value)
    if isinstance(value, str):
        return _code(field, value)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        base = getattr(field, "base_field", field)  # a list of codes (areas of an organization)
        return ", ".join(str(_code(base, item)) for item in value)
    return value


def _when(field, value: str):
    """A recorded date or moment (ISO, as the audit stores it) in the reader's format, a moment in Paris time
    ("21/12/2026 09:30", not "2026-12-21T08:30:00+00:00"); a text that is neither stays as it was written."""
    try:
        if isinstance(field, models.DateTimeField):
            moment = parse_datetime(value)
            if moment is not None:
                moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
                return date_format(moment, "SHORT_DATETIME_FORMAT")
        else:
            day = parse_date(value)
            if day is not None:
                return date_format(day, "SHORT_DATE_FORMAT")
    except ValueError:   # well formed but not a date ("2026-02-30")
        pass
    return value


def change_rows(event) -> list[tuple[str, object, object, bool]]:
    """(field label, before, after, is_machine_name) for each change of an audit event, read from its own model;
    a name no field of it carries (an event about a month, a count) stays a machine name, shown as code."""
    rows = []
    for name, pair in (event.changes or {}).items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        rows.append((field_label(event.entity_type, name), value_label(event.entity_type, name, before),
                     value_label(event.entity_type, name, after),
                     _translated_name(event.entity_type, name) is None))
    return rows


# How an audit row stays a few lines tall on a phone (issue 15: a record's creation lists every field, 18 for an
# instrument, and an organization's description runs past 400 characters, so rows grew 500 px and more at 390 px).
AUDIT_INLINE_CHANGES = 3  # more changes than this fold under a <details> that names their count
AUDIT_VALUE_CHARS = 60  # a longer value is cut there, its whole text one tap away


def value_text(value) -> str:
    """A recorded value as one line of text: "∅" for nothing, a structure (a JSON object or list) as JSON."""
    import json

    if value is None or value == "":
        return "∅"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
