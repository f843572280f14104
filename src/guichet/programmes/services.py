"""Programme writes. `programme_from_award`: an awarded proposal of a call for projects becomes an antibody
programme (issue 16) — its owner the lead organization, its partners the consortium, its budget and dated
milestones — in one transaction with its audit entries, linked back to the proposal (once: the proposal's row is
locked and its link set by compare-and-set). Refusals are ProgrammeError naming the field."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from guichet.core import bounds, params
from guichet.core.audit import audit_record
from guichet.core.errors import Refused

from .models import Format, Programme, ProgrammeMilestone, ProgrammeStage, ProgrammeStageChange, Visibility

MAX_MILESTONES = 30
# "M6 — panel", "month 12: trial", "6 - report": a proposal's milestones are counted in months from the start.
_MONTH_LINE = re.compile(r"^\s*(?:m|mois|month)?\s*(\d{1,3})\s*[—–:\-]\s*(.+)$", re.IGNORECASE)
_DATED_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*[—–:\-]?\s*(.*)$")
# Words of a proposal that name the programme's format (the first found is proposed; staff change it at will).
_FORMAT_WORDS = [(Format.NANOBODY, ("nanobod", "vhh")), (Format.BISPECIFIC, ("bispecific", "bispécifique")),
                 (Format.ADC, ("drug conjugate", "adc", "conjugué")), (Format.FC_FUSION, ("fc-fusion", "fc fusion")),
                 (Format.MAB, ("monoclonal", "monoclonaux", "monoclonal antibod"))]


class ProgrammeError(Refused):
    pass


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(months)


def proposed_from_award(proposal) -> dict:
    """The programme an awarded proposal suggests: what can be read from it (the target is left to staff)."""
    start = timezone.localtime(proposal.decided_at).date() if proposal.decided_at else timezone.localdate()
    lines = []
    for line in (proposal.milestones or "").splitlines():
        if not line.strip():
            continue
        match = _MONTH_LINE.match(line)
        if match and int(match.group(1)) <= bounds.PLANNED_YEARS * 12:
            lines.append(f"{_add_months(start, int(match.group(1))).isoformat()} — {match.group(2).strip()}")
        else:
            lines.append(line.strip())  # no month found: staff date it
    text = " ".join((proposal.title, proposal.summary, proposal.objectives)).lower()
    fmt = next((f for f, words in _FORMAT_WORDS if any(w in text for w in words)), "")
    return {"code": slugify(proposal.acronym).upper()[:40], "name": proposal.title, "target": "", "format": fmt,
            "visibility": Visibility.PRIVATE, "stage": ProgrammeStage.DISCOVERY, "budget": proposal.awarded_eur,
            "milestones": "\n".join(lines)}


def parse_milestones(text: str) -> list[tuple[date, str]]:
    """One milestone a line, "2027-06-30 — first results"; a refusal names the line."""
    rows = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _DATED_LINE.match(line)
        day = None
        if match:
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                day = None
        if day is None or not match.group(2).strip():
            raise ProgrammeError(_("Milestones, line %(n)d: a date then the milestone, as “2027-06-30 — first "
                                   "results”.") % {"n": n}, "milestones")
        if message := bounds.date_error(day, planned=True):
            raise ProgrammeError(_("Milestones, line %(n)d: %(reason)s") % {"n": n, "reason": message}, "milestones")
        title = match.group(2).strip()
        if message := params.text_error(title, max_length=200, label=_("Milestones, line %(n)d") % {"n": n}):
            raise ProgrammeError(message, "milestones")
        rows.append((day, title))
    if len(rows) > MAX_MILESTONES:
        raise ProgrammeError(_("Milestones: at most %(n)d.") % {"n": MAX_MILESTONES}, "milestones")
    return rows


def _budget(value) -> Decimal:
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ProgrammeError(_("Budget: give an amount in euros."), "budget") from None
    if amount <= 0 or amount > bounds.MAX_PARTNERSHIP_VALUE_EUR or amount != amount.quantize(Decimal("0.01")):
        raise ProgrammeError(_("Budget: give an amount in euros above zero and up to %(max)s, to the cent.")
                             % {"max": f"{bounds.MAX_PARTNERSHIP_VALUE_EUR:,.0f}".replace(",", "\u00a0")}, "budget")
    return amount.quantize(Decimal("0.01"))


def programme_from_award(*, actor, proposal, code: str, name: str, target: str, format: str, visibility: str,
                         stage: str, budget, milestones: str, now: datetime | None = None) -> Programme:
    """Staff turn an awarded proposal into a programme: checked field by field, then written whole or not at all."""
    from guichet.calls import permissions as call_permissions
    from guichet.calls.models import Proposal

    now = now or timezone.now()
    if not call_permissions.can_manage_calls(actor):
        raise ProgrammeError(_("Only the cluster team turns an award into a programme."))
    code, name, target = (code or "").strip(), (name or "").strip(), (target or "").strip()
    for value, field, label, max_length in ((code, "code", _("Code"), 40), (name, "name", _("Name"), 200),
                                            (target, "target", _("Target antigen"), 120)):
        if not value:
            raise ProgrammeError(_("%(label)s: this field is required.") % {"label": label}, field)
        if message := params.text_error(value, max_length=max_length, label=label):
            raise ProgrammeError(message, field)
    if slugify(code) != code.lower() or not re.fullmatch(r"[A-Za-z0-9_-]+", code):
        raise ProgrammeError(_("Code: letters, digits, hyphens and underscores only."), "code")
    if format not in Format.values:
        raise ProgrammeError(_("Format: choose one."), "format")
    if visibility not in Visibility.values:
        raise ProgrammeError(_("Visibility: choose one."), "visibility")
    if stage not in ProgrammeStage.values or stage == ProgrammeStage.STOPPED:
        raise ProgrammeError(_("Stage: choose where the programme starts."), "stage")
    amount = _budget(budget)
    rows = parse_milestones(milestones)
    if not rows:
        raise ProgrammeError(_("Milestones: give at least one, a date then the milestone."), "milestones")
    started = timezone.localtime(now).date()
    try:
        with transaction.atomic(durable=True):
            current = Proposal.objects.select_for_update().select_related("lead").get(pk=proposal.pk)
            if current.status != Proposal.Status.AWARDED:
                raise ProgrammeError(_("Only an awarded proposal becomes a programme."), "status")
            if current.programme_id:
                raise ProgrammeError(_("This proposal is already a programme."), "programme")
            programme = Programme.objects.create(code=code, name=name, owner=current.lead, target=target,
                                                 format=format, visibility=visibility, budget_eur=amount)
            partners = list(current.partners.all())
            programme.partners.set(partners)
            ProgrammeStageChange.objects.create(programme=programme, stage=stage, on=started)
            ProgrammeMilestone.objects.bulk_create(
                [ProgrammeMilestone(programme=programme, due_on=day, title=title) for day, title in rows])
            Proposal.objects.filter(pk=current.pk, programme__isnull=True).update(programme=programme)
            audit_record(actor=actor, action="programme.create", entity_type="programme", entity_key=programme.code,
                         entity_label=f"{programme.code} {programme.name}"[:300],
                         changes={"owner": [None, current.lead.key], "partners": [None, [p.key for p in partners]],
                                  "target": [None, target], "format": [None, format], "visibility": [None, visibility],
                                  "stage": [None, stage], "budget_eur": [None, str(amount)],
                                  "milestones": [None, [f"{d.isoformat()} {t}" for d, t in rows]],
                                  "proposal": [None, current.pk]})
            audit_record(actor=actor, action="proposal.programme", entity_type="proposal", entity_key=str(current.pk),
                         entity_label=f"proposal {current.pk}", changes={"programme": [None, programme.code]})
    except IntegrityError:
        raise ProgrammeError(_("Code: another programme has this code."), "code") from None
    proposal.programme = programme
    return programme
