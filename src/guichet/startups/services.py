from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.core import bounds
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
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
            validates = _validates(actor)  # a founder's round waits for the team, as a headcount does
            FundingRound.objects.create(startup=startup, on=round_on, amount_eur=round_amount, kind=round_kind,
                                        investors=investors, validated_at=timezone.now() if validates else None,
                                        validated_by=actor if validates else None)
            changes["funding_round"] = [None, f"{round_on}: {round_amount}"]
            changes["funding_round_validated"] = [None, validates]
        if milestone_on and milestone:
            Milestone.objects.create(startup=startup, on=milestone_on, title=milestone)
            changes["milestone"] = [None, f"{milestone_on}: {milestone}"]
        audit_record(actor=actor, action="startup.declare", entity_type="startup",
                     entity_key=startup.organization.key, entity_label=str(startup), changes=changes)


def startup_admin_save(*, actor, record, is_new: bool) -> None:
    """A start-up, funding round, milestone or headcount saved from the admin: validated against the same
    bounds as every other door (full_clean runs the field validators), and audited. A round the team adds
    there stands validated, as on the page."""
    with transaction.atomic():
        model = type(record)
        if is_new and model is FundingRound and record.validated_at is None and _validates(actor):
            record.validated_at, record.validated_by = timezone.now(), actor
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


def _validates(actor) -> bool:
    """The cluster team's figures stand validated as written; a founder's wait for the team (issue 11)."""
    return bool(actor is not None and actor.is_active and actor.is_staff)


def headcount_declare(*, actor, organization, on, headcount: int) -> Headcount:
    """The headcount of an organization on a day (one per day: a second declaration replaces the first). A
    founder's figure counts in the jobs KPI once the team validated it; a changed figure waits again, and so
    does the same figure declared again after the team returned it."""
    check_figures(headcount_on=on, headcount=headcount)
    validates = _validates(actor)
    with transaction.atomic():
        before = Headcount.objects.filter(organization=organization, on=on).first()
        if (before is not None and before.headcount == headcount and before.returned_at is None
                and (before.validated_at or not validates)):
            return before  # the same figure again: nothing changes, a validation stays
        record, _created = Headcount.objects.update_or_create(organization=organization, on=on, defaults={
            "headcount": headcount, "validated_at": timezone.now() if validates else None,
            "validated_by": actor if validates else None, "returned_at": None, "returned_reason": ""})
        audit_record(actor=actor, action="headcount.declare", entity_type="headcount",
                     entity_key=f"{organization.key}@{on.isoformat()}", entity_label=str(organization),
                     changes={"headcount": [before and before.headcount, headcount],
                              "validated": [bool(before and before.validated_at), validates]})
    return record


def headcount_validate(*, actor, headcounts) -> int:
    """The team validates founders' headcounts: from then on they count in the jobs KPI. Returns how many (one
    validated or returned meanwhile by someone else is left as it is: compare-and-set)."""
    return _validate_waiting(actor=actor, records=headcounts, action="headcount.validate", entity=_headcount_entity)


def _headcount_entity(record: Headcount) -> dict:
    return {"entity_type": "headcount", "entity_key": f"{record.organization.key}@{record.on.isoformat()}",
            "entity_label": str(record.organization)}


class HeadcountRefused(Refused):
    """A headcount's return refused, with a translated message naming the field when there is one."""


def headcount_return(*, actor, headcount: Headcount, reason: str) -> Headcount:
    """The team sends a founder's headcount back, saying why: it counts nowhere (the organization's previous
    validated figure still does), and the founder reads the reason on the start-up's page."""
    return _return_waiting(actor=actor, record=headcount, reason=reason, refusal=HeadcountRefused,
                           refused=_("Only a headcount waiting for validation can be returned."),
                           action="headcount.return", entity=_headcount_entity)


def headcount_admin_save(*, actor, record: Headcount, is_new: bool) -> None:
    """A headcount added in the admin is a declaration; a correction of one is audited field by field."""
    if is_new:
        record.full_clean()
        saved = headcount_declare(actor=actor, organization=record.organization, on=record.on,
                                  headcount=record.headcount)
        record.pk = saved.pk
    else:
        startup_admin_save(actor=actor, record=record, is_new=False)


# --- funding rounds: the team validates or returns a founder's round (issue 11) ---

class RoundRefused(Refused):
    """A validation or a return refused, with a translated message naming the field when there is one."""


def funding_round_validate(*, actor, rounds) -> int:
    """The team validates founders' rounds: from then on they count in the funds-raised KPIs. Returns how many
    (a round validated or returned meanwhile by someone else is left as it is: compare-and-set)."""
    return _validate_waiting(actor=actor, records=rounds, action="fundinground.validate", entity=_round_entity)


def _round_entity(record: FundingRound) -> dict:
    return {"entity_type": "fundinground", "entity_key": str(record.pk), "entity_label": str(record)}


RETURN_REASON_MAX = 2000  # the model field's max_length


def funding_round_return(*, actor, funding_round: FundingRound, reason: str) -> FundingRound:
    """The team sends a founder's round back, saying why: it counts nowhere, and the founder sees the reason on
    the start-up's page (they declare the corrected round)."""
    return _return_waiting(actor=actor, record=funding_round, reason=reason, refusal=RoundRefused,
                           refused=_("Only a round waiting for validation can be returned."),
                           action="fundinground.return", entity=_round_entity)


def _validate_waiting(*, actor, records, action: str, entity) -> int:
    """Founders' figures (rounds, headcounts) the team validates, each by compare-and-set on its still waiting
    (neither validated nor returned) and audited; how many were."""
    if not _validates(actor):
        raise NotAllowed
    now, done = timezone.now(), 0
    with transaction.atomic():
        for record in records:
            if type(record).objects.filter(pk=record.pk, validated_at__isnull=True,
                                           returned_at__isnull=True).update(validated_at=now, validated_by=actor):
                done += 1
                audit_record(actor=actor, action=action, changes={"validated": [False, True]}, **entity(record))
    return done


def _return_waiting(*, actor, record, reason: str, refusal, refused: str, action: str, entity):
    """A founder's figure still waiting sent back with the reason they read (compare-and-set), audited; `refused`
    when it was validated or returned meanwhile."""
    if not _validates(actor):
        raise NotAllowed
    model = type(record)
    reason = _return_reason(reason, model, refusal)
    with transaction.atomic():
        if not model.objects.filter(pk=record.pk, validated_at__isnull=True,
                                    returned_at__isnull=True).update(returned_at=timezone.now(),
                                                                     returned_reason=reason):
            raise refusal(refused)
        record.refresh_from_db()
        audit_record(actor=actor, action=action, changes={"returned": [False, True], "returned_reason": [None, reason]},
                     **entity(record))
    return record


def _return_reason(reason: str, model, refusal) -> str:
    """The reason a returned figure carries, stripped: required and bounded, or refused naming the field."""
    reason = (reason or "").strip()
    label = str(model._meta.get_field("returned_reason").verbose_name)
    if not reason:
        raise refusal(_("%(field)s: %(error)s") % {"field": label[:1].upper() + label[1:],
                                                   "error": _("say what to correct.")}, "reason")
    if len(reason) > RETURN_REASON_MAX:
        raise refusal(_("%(field)s: %(error)s") % {
            "field": label[:1].upper() + label[1:],
            "error": _("at most %(max)d characters.") % {"max": RETURN_REASON_MAX}}, "reason")
    return reason
