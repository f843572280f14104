"""Load existing pipeline records (start-ups, rounds, headcounts, partnerships, programmes) from a workbook.

One sheet per record type (the first row names the columns); all or nothing: every error names the sheet,
the row and the field, and nothing is written unless the whole workbook is right. Organizations are named
by their directory key. Re-importing the same workbook adds nothing twice (rows are matched by their
natural keys).
"""

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.core import bounds, exports
from guichet.core.audit import audit_record
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization, TherapeuticArea
from guichet.partnerships.models import (
    TRANSITIONS,
    Partnership,
    PartnershipStageChange,
    PartnershipType,
    Stage,
)
from guichet.programmes.models import (
    Format,
    Indication,
    Programme,
    ProgrammeStage,
    ProgrammeStageChange,
    Visibility,
)
from guichet.startups.models import FundingRound, Headcount, Origin, Startup, StartupStage

SHEETS = {
    "startups": ["organization", "founded_on", "origin", "stage"],
    "funding_rounds": ["organization", "on", "amount_eur", "kind", "investors"],
    "headcounts": ["organization", "on", "headcount"],
    "partnerships": ["title", "type", "value_eur", "parties"],
    "partnership_stages": ["title", "stage", "on"],
    "programmes": ["code", "name", "owner", "target", "format", "visibility", "indication", "therapeutic_area"],
    "programme_stages": ["code", "stage", "on"],
}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    field: str
    message: str

    def __str__(self):
        return f"{self.sheet} row {self.row} · {self.field}: {self.message}"


class PipelinesRefused(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


def template() -> bytes:
    """The empty workbook to fill in: the machine column names are the import's header row."""
    return exports.xlsx_bytes([exports.Sheet(name, columns) for name, columns in SHEETS.items()])


def _read(data: bytes) -> dict[str, list[tuple[int, dict]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # not a workbook at all
        raise PipelinesRefused([RowError("-", 0, "-", _("The file is not a readable XLSX workbook."))]) from exc
    sheets, errors = {}, []
    for name in workbook.sheetnames:
        if name not in SHEETS:
            errors.append(RowError(name, 1, "-", _("Unknown sheet.")))
            continue
        rows = workbook[name].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        for column in header:
            if column and column not in SHEETS[name]:
                errors.append(RowError(name, 1, column, _("Unknown column.")))
        sheets[name] = [(n, {h: v for h, v in zip(header, row, strict=False) if h})
                        for n, row in enumerate(rows, start=2) if any(v not in (None, "") for v in row)]
    if errors:
        raise PipelinesRefused(errors)
    return sheets


def import_pipelines(*, actor, data: bytes) -> dict[str, int]:
    sheets = _read(data)
    errors: list[RowError] = []
    orgs = {o.key: o for o in Organization.objects.all().only("id", "key", "kind", "name")}

    def get(sheet, n, row, field, kind="text", choices=None, required=True, maximum=None):
        value = row.get(field)
        if value in (None, ""):
            if required:
                errors.append(RowError(sheet, n, field, _("This field is required.")))
            return None
        def within(read, message):
            """The value read if it is within its bounds (core.bounds); the row error otherwise."""
            if message:
                errors.append(RowError(sheet, n, field, message))
                return None
            return read

        try:
            if kind == "date":
                day = value.date() if isinstance(value, datetime) else (
                    value if isinstance(value, date) else date.fromisoformat(str(value).strip()))
                return within(day, bounds.date_error(day))
            if kind == "decimal":
                amount = Decimal(str(value))
                if not amount.is_finite():
                    raise InvalidOperation
                return within(amount, bounds.amount_error(amount, maximum))
            if kind == "int":
                if isinstance(value, float) and not value.is_integer():
                    raise ValueError
                number = int(value)
                return within(number, bounds.count_error(number, maximum))
            if kind == "org":
                key = str(value).strip()
                if key not in orgs:
                    raise KeyError(key)
                return orgs[key]
        except (ValueError, InvalidOperation, OverflowError):
            errors.append(RowError(sheet, n, field, _("“%(value)s” is not valid here.") % {"value": value}))
            return None
        except KeyError:
            errors.append(RowError(sheet, n, field, _("“%(value)s” names no organization of the directory.")
                                   % {"value": value}))
            return None
        value = str(value).strip()
        if choices is not None and value not in choices:
            errors.append(RowError(sheet, n, field, _("“%(value)s” is not allowed; use one of: %(choices)s.")
                                   % {"value": value, "choices": ", ".join(choices)}))
            return None
        return value

    def stage_row(sheet, n, row, field, named, stored, stages, unknown):
        """(record, stage, date) of a stage row; its record named in the workbook or already stored."""
        key = get(sheet, n, row, field)
        if key and key not in named and not stored(key):
            errors.append(RowError(sheet, n, field, unknown))
        return key, get(sheet, n, row, "stage", choices=stages), get(sheet, n, row, "on", "date")

    plan = {name: [] for name in SHEETS}
    for n, row in sheets.get("startups", []):
        plan["startups"].append((get("startups", n, row, "organization", "org"),
                                 get("startups", n, row, "founded_on", "date"),
                                 get("startups", n, row, "origin", choices=Origin.values),
                                 get("startups", n, row, "stage", choices=StartupStage.values, required=False)))
    startup_orgs = {p[0].key for p in plan["startups"] if p[0]}
    for n, row in sheets.get("funding_rounds", []):
        org = get("funding_rounds", n, row, "organization", "org")
        if org and org.key not in startup_orgs and not Startup.objects.filter(organization=org).exists():
            errors.append(RowError("funding_rounds", n, "organization", _("Not a start-up of the programme.")))
        plan["funding_rounds"].append((org, get("funding_rounds", n, row, "on", "date"),
                                       get("funding_rounds", n, row, "amount_eur", "decimal",
                                           maximum=bounds.MAX_FUNDING_ROUND_EUR),
                                       get("funding_rounds", n, row, "kind", required=False) or "",
                                       get("funding_rounds", n, row, "investors", required=False) or ""))
    for n, row in sheets.get("headcounts", []):
        plan["headcounts"].append((get("headcounts", n, row, "organization", "org"),
                                   get("headcounts", n, row, "on", "date"), get("headcounts", n, row, "headcount", "int",
                                                                          maximum=bounds.MAX_HEADCOUNT)))
    titles = set()
    for n, row in sheets.get("partnerships", []):
        parties = [p.strip() for p in str(row.get("parties") or "").split(";") if p.strip()]
        missing = [p for p in parties if p not in orgs]
        if len(set(parties)) != len(parties):
            errors.append(RowError("partnerships", n, "parties", _("Name each party once.")))
        elif len(parties) < 2:
            errors.append(RowError("partnerships", n, "parties", _("Name at least two organizations, separated by ;.")))
        elif missing:
            errors.append(RowError("partnerships", n, "parties", _("“%(value)s” names no organization of the "
                                                                    "directory.") % {"value": ", ".join(missing)}))
        title = get("partnerships", n, row, "title")
        titles.add(title)
        plan["partnerships"].append((title, get("partnerships", n, row, "type", choices=PartnershipType.values),
                                     get("partnerships", n, row, "value_eur", "decimal", required=False,
                                         maximum=bounds.MAX_PARTNERSHIP_VALUE_EUR) or Decimal(0),
                                     [orgs[p] for p in parties if p in orgs]))
    stage_rows = []
    for n, row in sheets.get("partnership_stages", []):
        plan["partnership_stages"].append(stage_row(
            "partnership_stages", n, row, "title", titles, lambda t: Partnership.objects.filter(title=t).exists(),
            Stage.values, _("No partnership has this title.")))
        stage_rows.append(n)
    # Each partnership's history, what is stored and what the sheet adds, read in date order, must follow the
    # stage order (partnerships.models.TRANSITIONS), as moves on the page do.
    histories, labels = {}, {k: str(v) for k, v in Stage.choices}
    for (title, stage, on), n in zip(plan["partnership_stages"], stage_rows, strict=True):
        if title and stage and on:
            histories.setdefault(title, []).append((on, n, stage))
    for title, rows in histories.items():
        stored = [(c.on, 0, c.stage) for c in PartnershipStageChange.objects.filter(partnership__title=title)]
        known = {(on, stage) for on, _n, stage in stored}
        previous = None
        for _on, n, stage in sorted(stored + [r for r in rows if (r[0], r[2]) not in known]):
            if previous is not None and stage not in TRANSITIONS.get(previous, ()):
                errors.append(RowError("partnership_stages", n or rows[0][1], "stage",
                                       _("After “%(before)s” a partnership cannot move to “%(after)s”.")
                                       % {"before": labels.get(previous, previous),
                                          "after": labels.get(stage, stage)}))
                break
            previous = stage
    codes = set()
    for n, row in sheets.get("programmes", []):
        code = get("programmes", n, row, "code")
        codes.add(code)
        plan["programmes"].append((code, get("programmes", n, row, "name"), get("programmes", n, row, "owner", "org"),
                                   get("programmes", n, row, "target"),
                                   get("programmes", n, row, "format", choices=Format.values),
                                   get("programmes", n, row, "visibility", choices=Visibility.values),
                                   get("programmes", n, row, "indication", required=False),
                                   get("programmes", n, row, "therapeutic_area", choices=TherapeuticArea.values,
                                       required=False)))
    for n, row in sheets.get("programme_stages", []):
        plan["programme_stages"].append(stage_row(
            "programme_stages", n, row, "code", codes, lambda c: Programme.objects.filter(code=c).exists(),
            ProgrammeStage.values, _("No programme has this code.")))
    if errors:
        raise PipelinesRefused(errors)

    counts = dict.fromkeys(SHEETS, 0)
    with transaction.atomic(durable=True):
        for org, founded, origin, stage in plan["startups"]:
            _obj, created = Startup.objects.get_or_create(organization=org, defaults={
                "founded_on": founded, "origin": origin, "stage": stage or StartupStage.CREATION})
            counts["startups"] += created
        for org, on, amount, kind, investors in plan["funding_rounds"]:
            # The team's import: the rounds stand validated from their own date, as the headcounts below.
            _obj, created = FundingRound.objects.get_or_create(startup=org.startup, on=on, amount_eur=amount, defaults={
                "kind": kind, "investors": investors, "validated_by": actor,
                "validated_at": min(datetime.combine(on, time.min, PARIS), timezone.now())})
            counts["funding_rounds"] += created
        for org, on, headcount in plan["headcounts"]:
            # The team's import: the figures stand validated (the jobs KPI counts validated headcounts only), from
            # their own date, as the rows kept before validation existed (startups migration 0003): a history
            # loaded today still reads the same as of its past dates.
            own_date = datetime.combine(on, time.min, PARIS)
            _obj, created = Headcount.objects.update_or_create(organization=org, on=on, defaults={
                "headcount": headcount, "validated_at": min(own_date, timezone.now()), "validated_by": actor})
            counts["headcounts"] += created
        for title, type_, value, parties in plan["partnerships"]:
            partnership, created = Partnership.objects.get_or_create(
                title=title, defaults={"type": type_, "value_eur": value, "created_by": actor,
                                       # staff's import: the records stand confirmed
                                       "confirmed_at": timezone.now(),
                                       "confirmed_by": actor if getattr(actor, "is_authenticated", False) else None})
            partnership.parties.add(*parties)
            counts["partnerships"] += created
        for title, stage, on in plan["partnership_stages"]:
            partnership = Partnership.objects.get(title=title)
            _obj, created = PartnershipStageChange.objects.get_or_create(partnership=partnership, stage=stage, on=on)
            counts["partnership_stages"] += created
        for code, name, owner, target, format_, visibility, indication, area in plan["programmes"]:
            programme, created = Programme.objects.get_or_create(code=code, defaults={
                "name": name, "owner": owner, "target": target, "format": format_, "visibility": visibility})
            if created and indication:
                Indication.objects.create(programme=programme, name=indication, therapeutic_area=area or "other")
            counts["programmes"] += created
        for code, stage, on in plan["programme_stages"]:
            _obj, created = ProgrammeStageChange.objects.get_or_create(programme=Programme.objects.get(code=code),
                                                                       stage=stage, on=on)
            counts["programme_stages"] += created
        audit_record(actor=actor, action="pipelines.import", entity_type="pipelines", entity_key="xlsx",
                     changes={k: [0, v] for k, v in counts.items() if v})
    return counts
