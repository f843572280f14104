"""Reading an audit event as a person: each field by its verbose name, each code by its label, both taken from the
model the event is about (an antibody assessment's "running" is "Assessing", an import's "Importing")."""

import functools
import re
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

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
    """A changed field as its model names it ("statut"), else as FIELD_LABELS names it ("pour" for "for"), or its
    stored name when neither has it."""
    label = field_name(entity_type, name)
    return str(label) if label is not None else name


def field_name(entity_type: str, name: str):
    """The translatable name of a recorded field: its model's verbose name, else FIELD_LABELS', else None."""
    label = _translated_name(entity_type, name)
    if label is not None:
        return label
    # a foreign key recorded by its column ("trial_site_id") whose field kept Django's default name
    label = FIELD_LABELS.get(name) or FIELD_LABELS.get(name.removesuffix("_id"))
    if label is not None:
        return label
    prefix = next((p for p in FIELD_PREFIXES if name.startswith(p) and len(name) > len(p)), None)
    if prefix is not None:
        return format_lazy_part(FIELD_PREFIXES[prefix], name[len(prefix):])
    return None


def format_lazy_part(template, part: str):
    """`template` % {"part": part}, translated when read (a lazy label, as the others of FIELD_LABELS)."""
    from django.utils.functional import lazy

    return lazy(lambda: str(template) % {"part": part}, str)()


def _translated_name(entity_type: str, name: str):
    """The field's verbose name when the model gives it one to translate; None for Django's default (the field's
    name with spaces, never translated: "decided by") and for names no field carries."""
    label = getattr(_field(audited_model(entity_type), name), "verbose_name", None)
    return label if isinstance(label, Promise) else None


# --- Field names an audit event records that no model field names (issue 15): "for", "on", a count, a list. ---
# A name the audited model gives a translated verbose name is read from the model (field_label); any other name
# any audited service records is read here. tests/test_audit_field_labels.py collects every name the services
# record (from the source, tests/audit_fields.py, and by running the demo's services) and fails on one shown raw.
FIELD_LABELS = {
    "affiliation": pgettext_lazy("audit field", "affiliation"),
    "alert": pgettext_lazy("audit field", "alert threshold"),
    "antibodies": pgettext_lazy("audit field", "antibodies"),
    "area": pgettext_lazy("audit field", "area"),
    "as_of": pgettext_lazy("audit field", "as of"),
    "ask_satisfaction": pgettext_lazy("audit field", "satisfaction asked"),
    "attachments": pgettext_lazy("audit field", "attachments"),
    "attempts": pgettext_lazy("audit field", "attempts"),
    "attended": pgettext_lazy("audit field", "attended"),
    "authenticator": pgettext_lazy("audit field", "second factor"),
    "awarded_eur": pgettext_lazy("audit field", "amount awarded (EUR)"),
    "batches": pgettext_lazy("audit field", "batches"),
    "booked": pgettext_lazy("audit field", "booked"),
    "booking": pgettext_lazy("audit field", "booking"),
    "by": pgettext_lazy("audit field", "by"),
    "bytes": pgettext_lazy("audit field", "size (bytes)"),
    "cancelled": pgettext_lazy("audit field", "cancelled"),
    "cancelled_at": pgettext_lazy("audit field", "cancelled at"),
    "cancelled_bookings": pgettext_lazy("audit field", "cancelled bookings"),
    "checked_in_at": pgettext_lazy("audit field", "checked in at"),
    "checked_out_at": pgettext_lazy("audit field", "checked out at"),
    "chosen": pgettext_lazy("audit field", "chosen"),
    "company": pgettext_lazy("audit field", "company"),
    "confidential": pgettext_lazy("audit field", "confidential"),
    "confirmed": pgettext_lazy("audit field", "confirmed"),
    "contract": pgettext_lazy("audit field", "contract"),
    "course": pgettext_lazy("audit field", "course"),
    "created": pgettext_lazy("audit field", "created"),
    "cv": pgettext_lazy("audit field", "CV"),
    "deadline": pgettext_lazy("audit field", "deadline"),
    "deleted": pgettext_lazy("audit field", "deleted"),
    "description": pgettext_lazy("audit field", "description"),
    "desk_request": pgettext_lazy("audit field", "request"),
    "document": pgettext_lazy("audit field", "document"),
    "docx_bytes": pgettext_lazy("audit field", "DOCX size (bytes)"),
    "duration_minutes": pgettext_lazy("audit field", "duration (minutes)"),
    "end": pgettext_lazy("audit field", "end"),
    "ended_at": pgettext_lazy("audit field", "ended at"),
    "entity_id": pgettext_lazy("audit field", "entity ID"),
    "erased": pgettext_lazy("audit field", "erased"),
    "errors": pgettext_lazy("audit field", "errors"),
    "estimate": pgettext_lazy("audit field", "estimate"),
    "evidence": pgettext_lazy("audit field", "evidence"),
    "expected_back_at": pgettext_lazy("audit field", "expected back at"),
    "expires_at": pgettext_lazy("audit field", "expires at"),
    "expires_on": pgettext_lazy("audit field", "expires on"),
    "first_start": pgettext_lazy("audit field", "first start"),
    "for": pgettext_lazy("audit field", "for"),
    "format": pgettext_lazy("audit field", "format"),
    "funding_round": pgettext_lazy("audit field", "funding round"),
    "funding_round_validated": pgettext_lazy("audit field", "funding round validated"),
    "gross": pgettext_lazy("audit field", "gross amount"),
    "headcount": pgettext_lazy("audit field", "headcount"),
    "hidden": pgettext_lazy("audit field", "hidden"),
    "hired": pgettext_lazy("audit field", "hired"),
    "implanted": pgettext_lazy("audit field", "implanted"),
    "inclusion_criteria": pgettext_lazy("audit field", "inclusion criteria"),
    "indication": pgettext_lazy("audit field", "indication"),
    "interest": pgettext_lazy("audit field", "interest"),
    "inventors": pgettext_lazy("audit field", "inventors"),
    "invoices": pgettext_lazy("audit field", "invoices"),
    "is_contact": pgettext_lazy("audit field", "contact person"),
    "key": pgettext_lazy("audit field", "key"),
    "kind": pgettext_lazy("audit field", "kind"),
    "label": pgettext_lazy("audit field", "label"),
    "label_en": pgettext_lazy("audit field", "label (English)"),
    "language": pgettext_lazy("audit field", "language"),
    "late_cancel_fee_percent": pgettext_lazy("audit field", "late cancellation fee (%)"),
    "late_cancel_hours": pgettext_lazy("audit field", "late cancellation notice (hours)"),
    "location": pgettext_lazy("audit field", "location"),
    "may_charge": pgettext_lazy("audit field", "may charge"),
    "message": pgettext_lazy("audit field", "message"),
    "milestone": pgettext_lazy("audit field", "milestone"),
    "milestones": pgettext_lazy("audit field", "milestones"),
    "minimum_minutes": pgettext_lazy("audit field", "minimum (minutes)"),
    "mode": pgettext_lazy("audit field", "mode"),
    "monthly_price": pgettext_lazy("audit field", "monthly price"),
    "name": pgettext_lazy("audit field", "name"),
    "no_show_fee_percent": pgettext_lazy("audit field", "no-show fee (%)"),
    "note": pgettext_lazy("audit field", "note"),
    "number": pgettext_lazy("audit field", "number"),
    "offer_expires_at": pgettext_lazy("audit field", "offer expires at"),
    "offers": pgettext_lazy("audit field", "offers"),
    "office": pgettext_lazy("audit field", "office"),
    "on": pgettext_lazy("audit field", "on"),
    "organization": pgettext_lazy("audit field", "organization"),
    "organizations": pgettext_lazy("audit field", "organizations"),
    "outcome": pgettext_lazy("audit field", "outcome"),
    "owner": pgettext_lazy("audit field", "owner"),
    "parties": pgettext_lazy("audit field", "parties"),
    "partners": pgettext_lazy("audit field", "partners"),
    "partnership": pgettext_lazy("audit field", "partnership"),
    "parts": pgettext_lazy("audit field", "parts"),
    "password": pgettext_lazy("audit field", "password"),
    "patents": pgettext_lazy("audit field", "patents"),
    "patients_needed": pgettext_lazy("audit field", "patients needed"),
    "pdf_bytes": pgettext_lazy("audit field", "PDF size (bytes)"),
    "people_trained": pgettext_lazy("audit field", "people trained"),
    "period": pgettext_lazy("audit field", "period"),
    "phase": pgettext_lazy("audit field", "phase"),
    "population": pgettext_lazy("audit field", "population"),
    "prefix": pgettext_lazy("audit field", "prefix"),
    "programme": pgettext_lazy("audit field", "programme"),
    "proposal": pgettext_lazy("audit field", "proposal"),
    "provider": pgettext_lazy("audit field", "identity provider"),
    "publications": pgettext_lazy("audit field", "publications"),
    "quantity": pgettext_lazy("audit field", "quantity"),
    "reason": pgettext_lazy("audit field", "reason"),
    "recruitment_months": pgettext_lazy("audit field", "recruitment (months)"),
    "recruitment_start": pgettext_lazy("audit field", "recruitment start"),
    "reference": pgettext_lazy("audit field", "reference"),
    "release_after_minutes": pgettext_lazy("audit field", "released after (minutes)"),
    "reminder_sent_at": pgettext_lazy("audit field", "reminder sent at"),
    "reminders_sent": pgettext_lazy("audit field", "reminders sent"),
    "replaces": pgettext_lazy("audit field", "replaces"),
    "reports": pgettext_lazy("audit field", "reports"),
    "resource": pgettext_lazy("audit field", "resource"),
    "retention_days": pgettext_lazy("audit field", "retention (days)"),
    "returned": pgettext_lazy("audit field", "returned"),
    "returned_reason": pgettext_lazy("audit field", "reason for returning"),
    "reviewer": pgettext_lazy("audit field", "reviewer"),
    "revoked": pgettext_lazy("audit field", "revoked"),
    "revoked_previous": pgettext_lazy("audit field", "previous one revoked"),
    "role": pgettext_lazy("audit field", "role"),
    "routed_to": pgettext_lazy("audit field", "routed to"),
    "routing": pgettext_lazy("audit field", "routing"),
    "rule": pgettext_lazy("audit field", "rule"),
    "samples_received_at": pgettext_lazy("audit field", "samples received at"),
    "satisfaction": pgettext_lazy("audit field", "satisfaction"),
    "seeks": pgettext_lazy("audit field", "seeks"),
    "server_url": pgettext_lazy("audit field", "server URL"),
    "shared_with_organization": pgettext_lazy("audit field", "shared with the organization"),
    "site": pgettext_lazy("audit field", "site"),
    "skipped": pgettext_lazy("audit field", "skipped"),
    "slot": pgettext_lazy("audit field", "slot"),
    "source": pgettext_lazy("audit field", "source"),
    "source_en": pgettext_lazy("audit field", "source (English)"),
    "stage": pgettext_lazy("audit field", "stage"),
    "start": pgettext_lazy("audit field", "start"),
    "starts_on": pgettext_lazy("audit field", "starts on"),
    "status": pgettext_lazy("audit field", "status"),
    "stock": pgettext_lazy("audit field", "stock"),
    "summary": pgettext_lazy("audit field", "summary"),
    "surface_m2": pgettext_lazy("audit field", "surface (m²)"),
    "table": pgettext_lazy("audit field", "table"),
    "target": pgettext_lazy("audit field", "target"),
    "template": pgettext_lazy("audit field", "template"),
    "title": pgettext_lazy("audit field", "title"),
    "told": pgettext_lazy("audit field", "told"),
    "total": pgettext_lazy("audit field", "total"),
    "trials": pgettext_lazy("audit field", "trials"),
    "unanswered": pgettext_lazy("audit field", "unanswered"),
    "unavailable": pgettext_lazy("audit field", "unavailable"),
    "used": pgettext_lazy("audit field", "used"),
    "validated": pgettext_lazy("audit field", "validated"),
    "value": pgettext_lazy("audit field", "value"),
    "value_eur": pgettext_lazy("audit field", "value (EUR)"),
    "verified": pgettext_lazy("audit field", "verified"),
    "visibility": pgettext_lazy("audit field", "visibility"),
    "visitor_submission": pgettext_lazy("audit field", "visitor's request"),
    "year": pgettext_lazy("audit field", "year"),
    "budget": pgettext_lazy("audit field", "budget"),
    "choices": pgettext_lazy("audit field", "choices"),
    "choices_en": pgettext_lazy("audit field", "choices (English)"),
    "confirmed_for": pgettext_lazy("audit field", "confirmed for"),
    "created_at": pgettext_lazy("audit field", "created at"),
    "decided_by": pgettext_lazy("audit field", "decided by"),
    "family": pgettext_lazy("audit field", "patent family"),
    "help_text": pgettext_lazy("audit field", "help text"),
    "help_text_en": pgettext_lazy("audit field", "help text (English)"),
    "closed": pgettext_lazy("audit field", "closed"),
    "licence": pgettext_lazy("audit field", "licence"),
    "max_value": pgettext_lazy("audit field", "maximum value"),
    "min_value": pgettext_lazy("audit field", "minimum value"),
    "outlook": pgettext_lazy("audit field", "outlook"),
    "prices": pgettext_lazy("audit field", "prices"),
    "required": pgettext_lazy("audit field", "required"),
    "trial": pgettext_lazy("audit field", "trial"),
    "trial_site": pgettext_lazy("audit field", "trial site"),
}
# Names made of a prefix and data: an accounting code per platform and customer category ("code.cyto.academic"),
# a VAT rate per category ("vat.industry"), a sample form's answer by its question ("sample.Espèce").
FIELD_PREFIXES = {
    "code.": pgettext_lazy("audit field", "accounting code (%(part)s)"),
    "vat.": pgettext_lazy("audit field", "VAT rate (%(part)s)"),
    "sample.": pgettext_lazy("audit field", "sample form: %(part)s"),
}


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


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")


def value_label(entity_type: str, name: str, value):
    """A recorded value as a reader knows it: a code becomes the label its own model gives it."""
    field = _field(audited_model(entity_type), name)
    if isinstance(value, str) and isinstance(field, (models.DateTimeField, models.DateField)):
        return _when(field, value)
    if isinstance(value, str) and field is None and _ISO_MOMENT.fullmatch(value):
        # a moment a service records under a name no field carries ("expected_back_at", "samples_received_at")
        return _when(models.DateTimeField(), value)
    if isinstance(field, (models.DecimalField, models.FloatField)) and isinstance(value, (str, int, float)) \
            and not isinstance(value, bool):
        return _number(field, value)
    if isinstance(value, str):
        return _code(field, value)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        base = getattr(field, "base_field", field)  # a list of codes (areas of an organization)
        return ", ".join(str(_code(base, item)) for item in value)
    return value


def _number(field, value):
    """A recorded amount in the reader's format ("1 234,50" in French, "1,234.50"), to the field's decimal places;
    the audit stores a Decimal as its text ("1234.50"). A text that is no number stays as it was written."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    places = getattr(field, "decimal_places", None)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


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
                     field_name(event.entity_type, name) is None))
    return rows


# How an audit row stays a few lines tall on a phone (issue 15: a record's creation lists every field, 18 for an
# instrument, and an organization's description runs past 400 characters, so rows grew 500 px and more at 390 px).
AUDIT_INLINE_CHANGES = 3  # more changes than this fold under a <details> that names their count
AUDIT_VALUE_CHARS = 60  # a longer value is cut there, its whole text one tap away


def value_text(value) -> str:
    """A recorded value as one line of text: "∅" for nothing (an empty list or object too, not "[]"), a structure
    (a JSON object or list) as JSON."""
    import json

    if value is None or value == "" or (isinstance(value, (dict, list)) and not value):
        return "∅"
    if isinstance(value, bool):  # JSON's true/false, read "Oui"/"Non" (not Python's "True")
        return str(pgettext("audit value", "Yes") if value else pgettext("audit value", "No"))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


# --- Action codes ("booking.create") read as a person reads them (issue 15) ---
# An action code is "<record>.<step>". The record is named by its model's verbose name (ACTION_MODELS where the
# code's prefix is not the model's name) or, for actions about no record, by ACTION_NOUNS; the step by STEP_LABELS,
# else by the label of the model's status it moved to ("booking.cancelled"), else by the verbose name of the
# relation it replaced ("platform.managers"). tests/test_audit_action_labels.py reads every code the source can
# write and fails on one that would be shown raw.

ACTION_MODELS = {
    "desk_routing": "desk.Routing",
    "desk_visitor": "desk.VisitorSubmission",
    "disclosure": "transfer.InventionDisclosure",
    "feed": "bookings.FeedToken",
    "order": "bookings.ServiceOrder",
    "outbox": "core.OutboxMessage",
    "series": "facility.BookingSeries",
    "waitlist": "facility.WaitlistEntry",
    "offer": "transfer.TechnologyOffer",
}

ACTION_NOUNS = {
    # about no record, or a record whose model leaves its name to Django's default (never translated)
    "accounting": _("Accounting settings"),
    "attachment": _("Attachment"),
    "blackout": _("Instrument closure"),
    "desk_routing": _("Routing of a request"),
    "feasibilityanswer": _("Feasibility answer"),
    "feed": _("Calendar feed"),
    "feedtoken": _("Calendar feed"),
    "fundinground": _("Funding round"),
    "headcount": _("Headcount"),
    "incidentoffer": _("Replacement slot offer"),
    "indication": _("Indication"),
    "invoicecounter": _("Invoice numbering"),
    "invoiceline": _("Invoice line"),
    "meeting": _("Partnering meeting"),
    "meeting_request": _("Meeting request"),
    "meetingrequest": _("Meeting request"),
    "message": _("Message"),
    "milestone": _("Milestone"),
    "orderstatuschange": _("Order step"),
    "partnershipconfirmation": _("Partnership confirmation"),
    "partnershipdocument": _("Partnership document"),
    "partnershipstagechange": _("Partnership stage change"),
    "programmestagechange": _("Programme stage change"),
    "proposaldocument": _("Proposal document"),
    "quoteline": _("Quote line"),
    "ratecount": _("Rate-limit counter"),
    "routing": _("Routing of a request"),
    "schedule": _("Scheduled task"),
    "searchentry": _("Search entry"),
    "seriesoccurrence": _("Occurrence of a series"),
    "slot": _("Meeting slot"),
    "slotuse": _("Use of a meeting slot"),
    "statuschange": _("Request step"),
    "table": _("Meeting table"),
    "feasibility": _("Feasibility study"),
    "mfa": _("Second factor"),
    "month": _("Month"),
    "partnering": _("Partnering meetings"),
    "pipelines": _("Pipelines"),
    "privacy": _("Personal data"),
    "signon": _("Sign-on"),
    "usage": _("Instrument use"),
    "vocabulary": _("Vocabulary"),
}

STEP_LABELS = {
    "accept": pgettext_lazy("audit step", "accepted"),
    "add": pgettext_lazy("audit step", "added"),
    "alert": pgettext_lazy("audit step", "alert"),
    "answer": pgettext_lazy("audit step", "answered"),
    "apply": pgettext_lazy("audit step", "applied"),
    "approve": pgettext_lazy("audit step", "approved"),
    "attendance": pgettext_lazy("audit step", "attendance recorded"),
    "cancel": pgettext_lazy("audit step", "cancelled"),
    "cancel_rest": pgettext_lazy("audit step", "remaining occurrences cancelled"),
    "check": pgettext_lazy("audit step", "checked"),
    "check_in": pgettext_lazy("audit step", "check-in"),
    "check_out": pgettext_lazy("audit step", "check-out"),
    "claim": pgettext_lazy("audit step", "claimed"),
    "close": pgettext_lazy("audit step", "closed"),
    "confirm": pgettext_lazy("audit step", "confirmed"),
    "correct": pgettext_lazy("audit step", "corrected"),
    "create": pgettext_lazy("audit step", "created"),
    "create_by_sso": pgettext_lazy("audit step", "created at single sign-on"),
    "create_guest": pgettext_lazy("audit step", "guest account created"),
    "credit": pgettext_lazy("audit step", "credit note issued"),
    "cv_purge": pgettext_lazy("audit step", "CV deleted"),
    "decide": pgettext_lazy("audit step", "decided"),
    "decided": pgettext_lazy("audit step", "decided"),
    "declare": pgettext_lazy("audit step", "declared"),
    "decline": pgettext_lazy("audit step", "declined"),
    "delete": pgettext_lazy("audit step", "deleted"),
    "deliver": pgettext_lazy("audit step", "delivered"),
    "desk_request": pgettext_lazy("audit step", "request opened"),
    "document": pgettext_lazy("audit step", "document added"),
    "done": pgettext_lazy("audit step", "done"),
    "end": pgettext_lazy("audit step", "ended"),
    "erase": pgettext_lazy("audit step", "erased"),
    "expire": pgettext_lazy("audit step", "expired"),
    "export": pgettext_lazy("audit step", "exported"),
    "founders": pgettext_lazy("audit step", "founders changed"),
    "generate": pgettext_lazy("audit step", "generation requested"),
    "generated": pgettext_lazy("audit step", "generated"),
    "grant": pgettext_lazy("audit step", "granted"),
    "hire": pgettext_lazy("audit step", "hired"),
    "import": pgettext_lazy("audit step", "imported"),
    "inclusions": pgettext_lazy("audit step", "inclusions declared"),
    "issue": pgettext_lazy("audit step", "issued"),
    "join": pgettext_lazy("audit step", "joined"),
    "leave": pgettext_lazy("audit step", "left"),
    "link": pgettext_lazy("audit step", "linked"),
    "load": pgettext_lazy("audit step", "loaded"),
    "message": pgettext_lazy("audit step", "message"),
    "no_show": pgettext_lazy("audit step", "no-show"),
    "offer": pgettext_lazy("audit step", "offered"),
    "offer_take": pgettext_lazy("audit step", "offer taken"),
    "oidc_save": pgettext_lazy("audit step", "OpenID Connect provider saved"),
    "open": pgettext_lazy("audit step", "opened"),
    "outcome": pgettext_lazy("audit step", "outcome recorded"),
    "partnership": pgettext_lazy("audit step", "partnership opened"),
    "password_change": pgettext_lazy("audit step", "password changed"),
    "password_reset": pgettext_lazy("audit step", "password reset"),
    "password_set_by_admin": pgettext_lazy("audit step", "password set by staff"),
    "place": pgettext_lazy("audit step", "placed"),
    "programme": pgettext_lazy("audit step", "programme opened"),
    "promote": pgettext_lazy("audit step", "promoted from the waiting list"),
    "purge": pgettext_lazy("audit step", "purged"),
    "purge_imports": pgettext_lazy("audit step", "imported files purged"),
    "quote": pgettext_lazy("audit step", "quoted"),
    "refuse": pgettext_lazy("audit step", "refused"),
    "refused": pgettext_lazy("audit step", "refused"),
    "remind": pgettext_lazy("audit step", "reminder sent"),
    "reminder": pgettext_lazy("audit step", "reminder sent"),
    "remove": pgettext_lazy("audit step", "removed"),
    "request": pgettext_lazy("audit step", "requested"),
    "requeue": pgettext_lazy("audit step", "back on the waiting list"),
    "resend": pgettext_lazy("audit step", "sent again"),
    "reset": pgettext_lazy("audit step", "reset"),
    "restock": pgettext_lazy("audit step", "restocked"),
    "return": pgettext_lazy("audit step", "returned for correction"),
    "review": pgettext_lazy("audit step", "reviewed"),
    "review_amend": pgettext_lazy("audit step", "review amended"),
    "revoke": pgettext_lazy("audit step", "revoked"),
    "role_change": pgettext_lazy("audit step", "role changed"),
    "rotate": pgettext_lazy("audit step", "renewed"),
    "route": pgettext_lazy("audit step", "routed"),
    "saml_import": pgettext_lazy("audit step", "SAML metadata imported"),
    "samples_received": pgettext_lazy("audit step", "samples received"),
    "save": pgettext_lazy("audit step", "saved"),
    "schedule": pgettext_lazy("audit step", "scheduled"),
    "set_contact": pgettext_lazy("audit step", "contact changed"),
    "settings": pgettext_lazy("audit step", "settings changed"),
    "sso_link": pgettext_lazy("audit step", "linked to single sign-on"),
    "stage": pgettext_lazy("audit step", "stage changed"),
    "start": pgettext_lazy("audit step", "started"),
    "status": pgettext_lazy("audit step", "status changed"),
    "submit": pgettext_lazy("audit step", "submitted"),
    "take": pgettext_lazy("audit step", "taken"),
    "unavailable": pgettext_lazy("audit step", "unavailability set"),
    "update": pgettext_lazy("audit step", "updated"),
    "upload": pgettext_lazy("audit step", "uploaded"),
    "validate": pgettext_lazy("audit step", "validated"),
    "withdraw": pgettext_lazy("audit step", "withdrawn"),
    "write": pgettext_lazy("audit step", "written"),
}


@functools.cache
def _action_model(prefix: str):
    label = ACTION_MODELS.get(prefix)
    return apps.get_model(label) if label else audited_model(prefix)


def _translated(value):
    return value if isinstance(value, Promise) else None


def action_parts(code: str) -> tuple[object, object] | None:
    """(what the action is about, its step) as translatable labels, or None when either has none."""
    prefix, _dot, step = (code or "").partition(".")
    model = _action_model(prefix)
    noun = _record_noun(prefix)
    label = STEP_LABELS.get(step)
    if label is None and model is not None:
        status = _field(model, "status")
        label = _translated(dict(getattr(status, "choices", None) or ()).get(step))
        relation = _field(model, step)
        if label is None and relation is not None and relation.many_to_many:
            label = _translated_name(prefix, step) or _translated(relation.verbose_name)
    if noun is None or label is None:
        return None
    return noun, label


def _lower_first(text: str) -> str:
    """A step as it reads after the dash: lower-case first letter ("Annulée" → "annulée", a status label), an
    initialism or a brand kept as written ("CV deleted", "OpenID Connect provider saved", "SAML ...")."""
    first = text.split(" ", 1)[0]
    if not text or any(letter.isupper() for letter in first[1:]):
        return text
    return text[0].lower() + text[1:]


def action_label(code: str) -> str:
    """An audit event's action as a person reads it ("Réservation — annulée"), its code when it has no label: the
    record capitalised, the step lower-case after the dash in every language (one rule, here, for every label)."""
    parts = action_parts(code)
    if parts is None:
        return code
    return pgettext("audit action: record — step", "%(record)s — %(step)s") % {
        "record": capfirst(str(parts[0])), "step": _lower_first(str(parts[1]))}


def _record_noun(prefix: str):
    model = _action_model(prefix)
    return ACTION_NOUNS.get(prefix) or _translated(getattr(getattr(model, "_meta", None), "verbose_name", None))


def record_type_label(entity_type: str) -> str:
    """An audit event's record type by its name ("Réservation" for "booking"), its code when it has none."""
    noun = ACTION_NOUNS.get(entity_type) or _translated(
        getattr(getattr(audited_model(entity_type), "_meta", None), "verbose_name", None))
    return capfirst(str(noun)) if noun is not None else entity_type


def action_value_known(value: str) -> bool:
    """Whether the audit page's action filter can read `value`: a record kind ("booking.", every action about a
    booking) or one labelled action ("booking.cancel"); anything else names no action a reader was shown."""
    prefix, dot, step = value.partition(".")
    if not dot:
        return False
    return _record_noun(prefix) is not None if not step else action_parts(value) is not None


def action_choices(codes, selected: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """The audit page's action filter, from the action codes the log holds (and the `selected` value, so a link
    to an action the log no longer holds still shows what it filters): one group per kind of record, its name
    first ("Réservation — toutes les actions", value "booking."), then each labelled action; groups and actions
    sorted as the reader reads them (folded, so "É" sorts with "E")."""
    from .text import fold

    groups: dict[str, list[tuple[str, str]]] = {}
    for code in set(codes) | ({selected} if selected else set()):
        prefix, _dot, step = code.partition(".")
        if not step and _record_noun(prefix) is not None:
            groups.setdefault(prefix, [])
        elif action_parts(code) is not None:
            groups.setdefault(prefix, []).append((code, action_label(code)))
    choices = []
    for prefix, actions in groups.items():
        name = capfirst(str(_record_noun(prefix)))
        every = pgettext("audit filter: every action about a record", "%(record)s — all actions") % {"record": name}
        choices.append((name, [(f"{prefix}.", every)] + sorted(actions, key=lambda item: fold(item[1]))))
    return sorted(choices, key=lambda group: fold(group[0]))
