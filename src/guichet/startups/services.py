from django.db import transaction

from guichet.core import bounds
from guichet.core.audit import audit_record
from guichet.core.services import record_relation_set

from .models import FundingRound, Headcount, Milestone
from .permissions import can_edit_startup


class NotAllowed(Exception):
    pass


class FigureRefused(Exception):
    """A figure outside its bounds (core.bounds), with the field it belongs to."""

    def __init__(self, message, field=""):
        super().__init__(message)
        self.field = field


def check_figures(*, headcount_on=None, headcount=None, round_on=None, round_amount=None, milestone_on=None,
                  **_ignored) -> None:
    """Every door (page, admin, workbook) refuses the same figures, naming the field."""
    checks = [("headcount_on", bounds.date_error(headcount_on)),
              ("headcount", bounds.count_error(headcount, bounds.MAX_HEADCOUNT)),
              ("round_on", bounds.date_error(round_on)),
              ("round_amount", bounds.amount_error(round_amount, bounds.MAX_FUNDING_ROUND_EUR)),
              ("milestone_on", bounds.date_error(milestone_on, planned=True))]
    for field, message in checks:
        if message:
            raise FigureRefused(message, field)


def startup_declare(*, actor, startup, headcount_on=None, headcount=None, round_on=None, round_amount=None,
                    round_kind="", investors="", milestone_on=None, milestone=""):
    """A founder (or staff) adds dated figures; history is kept, nothing is overwritten."""
    if not can_edit_startup(actor, startup):
        raise NotAllowed
    check_figures(headcount_on=headcount_on, headcount=headcount, round_on=round_on, round_amount=round_amount,
                  milestone_on=milestone_on)
    with transaction.atomic(durable=True):
        changes = {}
        if headcount_on and headcount is not None:
            headcount_declare(actor=actor, organization=startup.organization, on=headcount_on, headcount=headcount)
            changes["headcount"] = [None, f"{headcount_on}: {headcount}"]
        if round_on and round_amount:
            FundingRound.objects.create(startup=startup, on=round_on, amount_eur=round_amount, kind=round_kind,
                                        investors=investors)
            changes["funding_round"] = [None, f"{round_on}: {round_amount}"]
        if milestone_on and milestone:
            Milestone.objects.create(startup=startup, on=milestone_on, title=milestone)
            changes["milestone"] = [None, f"{milestone_on}: {milestone}"]
        audit_record(actor=actor, action="startup.declare", entity_type="startup",
                     entity_key=startup.organization.key, entity_label=str(startup), changes=changes)


def startup_admin_save(*, actor, record, is_new: bool) -> None:
    """A start-up, funding round, milestone or headcount saved from the admin: validated against the same
    bounds as every other door (full_clean runs the field validators), and audited."""
    with transaction.atomic():
        model = type(record)
        before = None if is_new else model.objects.filter(pk=record.pk).values().first()
        record.full_clean()
        record.save()
        after = model.objects.filter(pk=record.pk).values().first()
        changes = {k: [before.get(k) if before else None, v] for k, v in after.items()
                   if not before or before.get(k) != v}
        audit_record(actor=actor, action=f"{model.__name__.lower()}.{'create' if is_new else 'update'}",
                     entity_type=model.__name__.lower(), entity_key=str(record.pk), entity_label=str(record),
                     changes={k: [str(a) if a is not None else None, str(b) if b is not None else None]
                              for k, (a, b) in changes.items()})


def startup_admin_delete(*, actor, record) -> None:
    with transaction.atomic():
        label, pk, model = str(record), record.pk, type(record).__name__.lower()
        record.delete()
        audit_record(actor=actor, action=f"{model}.delete", entity_type=model, entity_key=str(pk),
                     entity_label=label)


def startup_founders_set(*, actor, startup, founders) -> None:
    """Replace a start-up's founders (they may edit its figures), audited by e-mail address."""
    record_relation_set(actor=actor, record=startup, field="founders", values=founders, by="email",
                        action="startup.founders", key=startup.organization.key)


def headcount_declare(*, actor, organization, on, headcount: int) -> Headcount:
    """The headcount of an organization on a day (one per day: a second declaration replaces the first)."""
    check_figures(headcount_on=on, headcount=headcount)
    with transaction.atomic():
        before = Headcount.objects.filter(organization=organization, on=on).values_list("headcount", flat=True).first()
        record, _created = Headcount.objects.update_or_create(organization=organization, on=on,
                                                              defaults={"headcount": headcount})
        if before != headcount:
            audit_record(actor=actor, action="headcount.declare", entity_type="headcount",
                         entity_key=f"{organization.key}@{on.isoformat()}", entity_label=str(organization),
                         changes={"headcount": [before, headcount]})
    return record


def headcount_admin_save(*, actor, record: Headcount, is_new: bool) -> None:
    """A headcount added in the admin is a declaration; a correction of one is audited field by field."""
    if is_new:
        record.full_clean()
        saved = headcount_declare(actor=actor, organization=record.organization, on=record.on,
                                  headcount=record.headcount)
        record.pk = saved.pk
    else:
        startup_admin_save(actor=actor, record=record, is_new=False)
