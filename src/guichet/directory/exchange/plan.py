"""Planning an import: what a checked payload would create, update or leave unchanged, with field diffs.

The web preview shows the plan, the `ImportBatch` keeps it from the upload, and the import writes what it says.
"""

from dataclasses import dataclass, field

from guichet.core.bulk import key_set
from guichet.platforms.models import Instrument, Platform, Service

from ..diff import record_diff
from ..models import Organization, Person
from . import records
from .read import iter_records


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
    keys = {r["key"] for _t, r, _p in iter_records(payload)}
    out: dict[str, dict] = {}
    stored = key_set(keys)
    for o in Organization.objects.filter(key__in=stored):
        out[o.key] = records.organization_record(o)
    for p in Person.objects.filter(key__in=stored).select_related("organization"):
        out[p.key] = records.person_record(p)
    for p in Platform.objects.filter(key__in=stored).select_related("organization"):
        out[p.key] = records.platform_record(p, with_children=False)
    for s in Service.objects.filter(key__in=stored).select_related("platform"):
        out[s.key] = {**records.service_record(s), "_platform": s.platform.key}
    for i in Instrument.objects.filter(key__in=stored).select_related("platform"):
        out[i.key] = {**records.instrument_record(i), "_platform": i.platform.key}
    return out


def plan_import(payload: dict) -> ImportPlan:
    """What importing this (already checked) payload would do, record by record."""
    stored = stored_records(payload)
    changes = []
    for record_type, record, parent in iter_records(payload):
        new = records.normalize_record(record_type, record)
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
