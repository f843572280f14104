"""Calls for projects: drafts, submission against the deadline, reviewers and their conflicts of interest, scores,
the committee's decision (an award becomes a partnership), and the clock (reminders before a deadline, closing a
call once it passed). One transaction each, audited, e-mailed through the outbox after commit in each recipient's
language. Refusals are CallError with a translated message naming the field.

The deadline: `proposal_submit` locks the draft's row, then asks the database whether the call's deadline is still
after NOW() — the database's clock, the same for every app process — so a submission one second late is refused,
whoever's clock says otherwise, and two submissions of the same draft count once (the second waits for the lock and
finds it submitted)."""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.permissions import is_member
from guichet.core import params, uploads
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.mail import notify
from guichet.directory.models import PRIVATE_KINDS, PUBLIC_KINDS, OrganizationKind

from . import permissions
from .models import Assignment, BudgetLine, Call, Criterion, Proposal, ProposalDocument

# Drafts still unsubmitted this long before the deadline get one reminder (the ANR and A*MIDEX remind two days before).
REMINDER_AHEAD = timedelta(hours=48)
MAX_BUDGET_LINES = 30
MAX_DOCUMENTS = 10
# An amount of a budget line or an award: below the 10 billion EUR the columns hold (12 digits, 2 decimals).
MAX_AMOUNT_EUR = Decimal("1e10")
TEXT_FIELDS = ("acronym", "title", "summary", "objectives", "impact", "milestones")


class CallError(Refused):
    pass


class NotAllowed(CallError):
    pass


class DeadlinePassed(CallError):
    pass


def _audit(record, action: str, actor, changes: dict | None = None, kind: str = "proposal") -> None:
    # A proposal is named by its number in the audit log: the log is the team's, titles stay in the proposal.
    audit_record(actor=actor, action=f"{kind}.{action}", entity_type=kind, entity_key=str(record.pk),
                 # a call by its French title: the log's labels are stored once, not in the actor's language
                 entity_label=f"{kind} {record.pk}" if kind != "call" else record.title_fr[:200],
                 changes=changes or {})


def _money(value, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise CallError(_("%(label)s: give an amount in euros.") % {"label": label}, field) from None
    # Checked to the cent before it is stored: 0.001 once rounded to 0.00 broke the CHECK (a 500 on the budget table).
    if not amount.is_finite() or amount >= MAX_AMOUNT_EUR or amount != amount.quantize(Decimal("0.01")) or amount <= 0:
        raise CallError(_("%(label)s: give an amount in euros above zero and below %(max)s, to the cent.")
                        % {"label": label, "max": f"{MAX_AMOUNT_EUR:,.0f}".replace(",", "\u00a0")}, field)
    return amount.quantize(Decimal("0.01"))


# --- calls (the admin's door) ----------------------------------------------------------------------------

def call_check(record: Call) -> None:
    if record.opens_at is None or record.deadline is None or record.deadline <= record.opens_at:
        raise CallError(_("Deadline: it comes after the opening."), "deadline")
    if record.budget_ceiling_eur is None or record.budget_ceiling_eur <= 0:
        raise CallError(_("Budget ceiling: give an amount in euros above zero."), "budget_ceiling_eur")
    unknown = [k for k in record.eligible_kinds or [] if k not in OrganizationKind.values]
    if not isinstance(record.eligible_kinds, list) or unknown:
        raise CallError(_("Kinds eligible: a list of kinds of organization (%(kinds)s).")
                        % {"kinds": ", ".join(OrganizationKind.values)}, "eligible_kinds")


def call_save(*, actor, record: Call, is_new: bool) -> None:
    from guichet.core.services import record_save

    if not permissions.can_manage_calls(actor):
        raise NotAllowed(_("Only the cluster team edits calls for projects."))
    call_check(record)
    with transaction.atomic():
        record_save(actor=actor, record=record, is_new=is_new)


def criterion_save(*, actor, record: Criterion, is_new: bool) -> None:
    from guichet.core.services import record_save

    if not permissions.can_manage_calls(actor):
        raise NotAllowed(_("Only the cluster team edits calls for projects."))
    if record.call_id and Assignment.objects.filter(proposal__call_id=record.call_id, status="reviewed").exists():
        raise CallError(_("Scoring grid: reviews were already scored against it."), "criteria")
    with transaction.atomic():
        record_save(actor=actor, record=record, is_new=is_new)


# --- proposals -------------------------------------------------------------------------------------------

def _check_open(call: Call, now) -> None:
    if call.status != Call.Status.OPEN or now < call.opens_at:
        raise CallError(_("This call does not take proposals now."), "call")
    if now >= call.deadline:
        raise DeadlinePassed(_("The deadline has passed: proposals can no longer be changed or submitted."),
                             "deadline")


def proposal_create(*, actor, call: Call, lead, acronym: str, title: str, now: datetime | None = None) -> Proposal:
    """A member opens a draft for one of their organizations (saved as they go; nobody else sees it)."""
    now = now or timezone.now()
    if not permissions.can_apply(actor):
        raise NotAllowed(_("Members of an organization of the network answer calls for projects."))
    if lead is None or lead.pk not in {o.pk for o in permissions.lead_organizations(actor)}:
        raise NotAllowed(_("Lead organization: one you belong to."), "lead")
    _check_open(call, now)
    acronym, title = (acronym or "").strip(), (title or "").strip()
    if not acronym:
        raise CallError(_("Acronym: this field is required."), "acronym")
    if not title:
        raise CallError(_("Title: this field is required."), "title")
    for value, field, label in ((acronym, "acronym", _("Acronym")), (title, "title", _("Title"))):
        if message := params.text_error(value, max_length=Proposal._meta.get_field(field).max_length, label=label):
            raise CallError(message, field)
    try:
        with transaction.atomic(durable=True):
            proposal = Proposal.objects.create(call=call, applicant=actor, lead=lead, acronym=acronym, title=title,
                                               summary="", created_at=now)
            _audit(proposal, "create", actor, {"status": [None, "draft"]})
    except IntegrityError:
        raise CallError(_("Acronym: you already have a proposal of that name for this call."), "acronym") from None
    return proposal


def proposal_update(*, actor, proposal: Proposal, texts: dict, partners=None, budget=None, files=(),
                    now: datetime | None = None) -> Proposal:
    """Save the draft: its texts, partner organizations, budget table (replaced whole) and attachments added."""
    now = now or timezone.now()
    if not permissions.can_edit_proposal(actor, proposal):
        raise NotAllowed(_("Only its applicant edits a draft proposal."))
    _check_open(proposal.call, now)
    clean = {}
    for field in TEXT_FIELDS:
        if field not in texts:
            continue
        value = (texts[field] or "").strip()
        label = Proposal._meta.get_field(field).verbose_name
        if field in ("acronym", "title") and not value:
            raise CallError(_("%(label)s: this field is required.") % {"label": str(label).capitalize()}, field)
        if message := params.text_error(value, max_length=Proposal._meta.get_field(field).max_length,
                                        label=str(label).capitalize()):
            raise CallError(message, field)
        clean[field] = value
    lines = None
    if budget is not None:
        lines = []
        for n, (category, description, amount) in enumerate(budget, start=1):
            if category not in BudgetLine.Category.values:
                raise CallError(_("Budget, line %(n)d: choose a category.") % {"n": n}, "budget")
            lines.append(BudgetLine(category=category, description=(description or "").strip()[:200],
                                    amount_eur=_money(amount, "budget", _("Budget, line %(n)d") % {"n": n})))
        if len(lines) > MAX_BUDGET_LINES:
            raise CallError(_("Budget: at most %(n)d lines.") % {"n": MAX_BUDGET_LINES}, "budget")
    files = list(files or ())
    if proposal.documents.count() + len(files) > MAX_DOCUMENTS:
        raise CallError(_("Attachments: at most %(n)d files.") % {"n": MAX_DOCUMENTS}, "documents")
    for upload in files:
        try:
            uploads.check_upload(upload, max_mb=settings.GUICHET_PARTNERSHIP_DOCUMENT_MAX_MB)
        except uploads.UploadRefused as exc:
            raise CallError(_("Attachments: %(reason)s") % {"reason": exc}, "documents") from None
    with transaction.atomic(durable=True):
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status != Proposal.Status.DRAFT:
            raise CallError(_("This proposal is submitted: it can no longer be changed."), "status")
        changes = {f: [getattr(current, f), v] for f, v in clean.items() if getattr(current, f) != v}
        for field, value in clean.items():
            setattr(current, field, value)
        try:
            current.save(update_fields=list(clean) or None)
        except IntegrityError:
            raise CallError(_("Acronym: you already have a proposal of that name for this call."), "acronym") from None
        if partners is not None:
            before = sorted(current.partners.values_list("pk", flat=True))
            current.partners.set([p for p in partners if p.pk != current.lead_id])
            after = sorted(current.partners.values_list("pk", flat=True))
            if before != after:
                changes["partners"] = [before, after]
        if lines is not None:
            before = [str(line.amount_eur) for line in current.budget_lines.all()]
            current.budget_lines.all().delete()
            for line in lines:
                line.proposal = current
            BudgetLine.objects.bulk_create(lines)
            changes["budget"] = [before, [str(line.amount_eur) for line in lines]]
        for upload in files:
            ProposalDocument.objects.create(proposal=current, file=upload, name=upload.name[:255], uploaded_at=now)
            changes.setdefault("documents", [None, []])[1].append(upload.name[:255])
        _audit(current, "update", actor, {k: v for k, v in changes.items() if k not in ("summary", "objectives",
                                                                                       "impact", "milestones")}
               | {k: ["…", "…"] for k in changes if k in ("summary", "objectives", "impact", "milestones")})
    return current


def eligibility_problems(proposal: Proposal) -> list[tuple[str, str]]:
    """What keeps a draft from being submitted, each as (field, translated message): the call's rules."""
    call, problems = proposal.call, []
    if not proposal.summary.strip():
        problems.append(("summary", _("Summary: this field is required.")))
    kinds = {o.kind for o in proposal.organizations()}
    if call.eligible_kinds and proposal.lead.kind not in call.eligible_kinds:
        problems.append(("lead", _("Lead organization: this call is open to %(kinds)s.")
                         % {"kinds": ", ".join(call.eligible_kind_labels())}))
    if call.consortium_required and not (kinds & set(PUBLIC_KINDS) and kinds & set(PRIVATE_KINDS)):
        problems.append(("partners", _("Partners: this call requires a public-private consortium (at least one "
                                       "public body and one company).")))
    total = proposal.budget_total
    if total <= 0:
        problems.append(("budget", _("Budget: give at least one line.")))
    elif total > call.budget_ceiling_eur:
        problems.append(("budget", _("Budget: %(total)s EUR requested, above the ceiling of %(ceiling)s EUR.")
                         % {"total": total, "ceiling": call.budget_ceiling_eur}))
    return problems


def proposal_submit(*, actor, proposal: Proposal, now: datetime | None = None) -> Proposal:
    """Submit a draft, before the deadline to the second (the database's clock unless `now` is given)."""
    if not (is_member(actor) and proposal.applicant_id == actor.pk):
        raise NotAllowed(_("Only its applicant submits a draft proposal."))
    # Judged on what is saved, not on the caller's copy (another tab may have saved or submitted since).
    saved = Proposal.objects.select_related("call", "lead").get(pk=proposal.pk)
    if saved.status != Proposal.Status.DRAFT:
        raise CallError(_("This proposal is already submitted."), "status")
    problems = eligibility_problems(saved)
    if problems:
        field, message = problems[0]
        raise CallError(" ".join(m for _f, m in problems), field)
    at = now if now is not None else Now()
    with transaction.atomic(durable=True):
        # The row lock serialises concurrent submissions of one draft (an UPDATE whose condition is on a joined
        # table would not do: PostgreSQL re-checks only the updated row's own columns after waiting for a lock).
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status != Proposal.Status.DRAFT:
            raise CallError(_("This proposal is already submitted."), "status")
        if not Call.objects.filter(pk=current.call_id, status=Call.Status.OPEN, deadline__gt=at).exists():
            raise DeadlinePassed(_("The deadline has passed: proposals can no longer be changed or submitted."),
                                 "deadline")
        Proposal.objects.filter(pk=current.pk, status=Proposal.Status.DRAFT).update(
            status=Proposal.Status.SUBMITTED, submitted_at=at)
        proposal.refresh_from_db()
        _audit(proposal, "submit", actor, {"status": ["draft", "submitted"]})
        notify([actor], "call_submitted", {"proposal": proposal, "call": proposal.call})
    return proposal


# --- reviewers ---------------------------------------------------------------------------------------------

def assignment_create(*, actor, proposal: Proposal, reviewer, now: datetime | None = None) -> Assignment:
    """Staff ask a member of the network to review a submitted proposal. Refused for the applicant and for anyone
    belonging to an organization of the consortium (they would review their own organization)."""
    now = now or timezone.now()
    if not permissions.can_manage_calls(actor):
        raise NotAllowed(_("Only the cluster team assigns reviewers."))
    if proposal.status != Proposal.Status.SUBMITTED:
        raise CallError(_("Only submitted proposals, not yet decided, are reviewed."), "proposal")
    if reviewer is None or not is_member(reviewer):
        raise CallError(_("Reviewer: a member of the network, with an account."), "reviewer")
    if reviewer.pk == proposal.applicant_id or permissions.conflict_of_organization(reviewer, proposal):
        raise CallError(_("Reviewer: they belong to an organization of this proposal's consortium (a conflict of "
                          "interest)."), "reviewer")
    try:
        with transaction.atomic(durable=True):
            assignment = Assignment.objects.create(proposal=proposal, reviewer=reviewer, assigned_at=now)
            _audit(assignment, "create", actor, {"reviewer": [None, reviewer.email]}, kind="assignment")
            notify([reviewer], "call_review_asked", {"call": proposal.call})
    except IntegrityError:
        raise CallError(_("Reviewer: already assigned to this proposal."), "reviewer") from None
    return assignment


def assignment_declare(*, actor, assignment: Assignment, conflict: bool, note: str = "",
                       now: datetime | None = None) -> Assignment:
    """The reviewer declares a conflict of interest (they then see nothing of the proposal) or none."""
    now = now or timezone.now()
    if assignment.reviewer_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the reviewer declares their conflicts of interest."))
    note = (note or "").strip()
    if message := params.text_error(note, max_length=500, label=_("Conflict of interest")):
        raise CallError(message, "conflict_note")
    status = Assignment.Status.CONFLICT if conflict else Assignment.Status.ACCEPTED
    with transaction.atomic(durable=True):
        if not Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.PENDING).update(
                status=status, declared_at=now, conflict_note=note[:500]):
            raise CallError(_("You already declared for this proposal."), "status")
        assignment.status, assignment.declared_at = status, now
        _audit(assignment, "declare", actor, {"status": ["pending", status]}, kind="assignment")
    return assignment


def weighted_score(call_criteria, scores: dict) -> Decimal | None:
    """A review's score out of 100: the weighted sum over the grid, divided by the highest weighted sum."""
    top = sum((c.weight * c.max_score for c in call_criteria), Decimal("0"))
    if not top or any(str(c.pk) not in scores for c in call_criteria):
        return None
    got = sum((c.weight * Decimal(scores[str(c.pk)]) for c in call_criteria), Decimal("0"))
    return (Decimal(100) * got / top).quantize(Decimal("0.1"))


def review_submit(*, actor, assignment: Assignment, scores: dict, comment: str = "",
                  now: datetime | None = None) -> Assignment:
    """The reviewer scores every criterion of the grid (0 to its highest score) and comments; they may amend their
    review until the committee decides on the proposal (each amendment counted, dated and audited with its before
    and after); after the decision, refused."""
    now = now or timezone.now()
    if assignment.reviewer_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the reviewer scores their review."))
    proposal = assignment.proposal
    if proposal.status != Proposal.Status.SUBMITTED:
        raise CallError(_("This proposal is decided: reviews are closed."), "status")
    criteria = list(proposal.call.criteria.all())
    if not criteria:
        raise CallError(_("This call has no scoring grid yet."), "scores")
    clean = {}
    for criterion in criteria:
        raw = scores.get(str(criterion.pk), "")
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise CallError(_("%(criterion)s: give a score from 0 to %(max)d.")
                            % {"criterion": criterion.label, "max": criterion.max_score}, f"score-{criterion.pk}") from None
        if not 0 <= value <= criterion.max_score:
            raise CallError(_("%(criterion)s: give a score from 0 to %(max)d.")
                            % {"criterion": criterion.label, "max": criterion.max_score}, f"score-{criterion.pk}")
        clean[str(criterion.pk)] = value
    comment = (comment or "").strip()
    if message := params.text_error(comment, max_length=5000, label=_("Comment")):
        raise CallError(message, "comment")
    with transaction.atomic(durable=True):
        # The proposal's row locked: a decision recorded meanwhile closes the reviews (amending one included).
        if not Proposal.objects.select_for_update().filter(pk=proposal.pk, status=Proposal.Status.SUBMITTED).exists():
            raise CallError(_("This proposal is decided: reviews are closed."), "status")
        before = Assignment.objects.filter(pk=assignment.pk).values("status", "scores", "comment", "amendments").first()
        if before is None or before["status"] not in (Assignment.Status.ACCEPTED, Assignment.Status.REVIEWED):
            raise CallError(_("Declare first that you have no conflict of interest."), "status")
        if before["status"] == Assignment.Status.ACCEPTED:
            Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.ACCEPTED).update(
                status=Assignment.Status.REVIEWED, scores=clean, comment=comment, reviewed_at=now)
            assignment.status, assignment.scores, assignment.comment = Assignment.Status.REVIEWED, clean, comment
            assignment.reviewed_at = now
            _audit(assignment, "review", actor, {"status": ["accepted", "reviewed"]}, kind="assignment")
            return assignment
        # Amended until the committee decides (issue 16): scores and comment replaced, before and after audited; the
        # first sending's date kept, the amendment's beside it. The same review sent again is no amendment.
        changes = {field: [before[field], value] for field, value in (("scores", clean), ("comment", comment))
                   if before[field] != value}
        if not changes:
            return assignment
        Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.REVIEWED).update(
            scores=clean, comment=comment, amended_at=now, amendments=F("amendments") + 1)
        assignment.scores, assignment.comment, assignment.amended_at = clean, comment, now
        assignment.amendments = before["amendments"] + 1
        _audit(assignment, "review_amend", actor,
               changes | {"amendments": [before["amendments"], assignment.amendments]}, kind="assignment")
    return assignment


# --- the committee's decision --------------------------------------------------------------------------------

def proposal_decide(*, actor, proposal: Proposal, award: bool, reason: str, amount=None,
                    now: datetime | None = None) -> Proposal:
    """The committee's decision, recorded by staff with its reasons (told to the applicant in their language).
    An award, within the call's ceiling and the budget asked, becomes a signed partnership between the
    consortium's organizations with the amount as its value (partnerships.services, its own transaction)."""
    now = now or timezone.now()
    if not permissions.can_manage_calls(actor):
        raise NotAllowed(_("Only the cluster team records the committee's decisions."))
    reason = (reason or "").strip()
    if not reason:
        raise CallError(_("Reasons: the decision states its reasons."), "reason")
    if message := params.text_error(reason, max_length=3000, label=_("Reasons")):
        raise CallError(message, "reason")
    awarded = None
    if award:
        awarded = _money(amount, "amount", _("Amount awarded"))
        ceiling = min(proposal.call.budget_ceiling_eur, proposal.budget_total)
        if awarded > ceiling:
            raise CallError(_("Amount awarded: at most %(ceiling)s EUR (the budget asked, within the call's ceiling).")
                            % {"ceiling": ceiling}, "amount")
    status = Proposal.Status.AWARDED if award else Proposal.Status.REJECTED
    with transaction.atomic(durable=True):
        if not Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.SUBMITTED).update(
                status=status, decided_at=now, decided_by=actor, decision_reason=reason, awarded_eur=awarded):
            raise CallError(_("Only a submitted proposal, not yet decided, is decided."), "status")
        proposal.refresh_from_db()
        _audit(proposal, "decide", actor, {"status": ["submitted", status],
                                           "awarded_eur": [None, str(awarded) if awarded else None]})
        notify([proposal.applicant], "call_decided", {"proposal": proposal, "call": proposal.call})
        call = proposal.call
        if not call.proposals.filter(status=Proposal.Status.SUBMITTED).exists() and call.status == Call.Status.REVIEW:
            Call.objects.filter(pk=call.pk, status=Call.Status.REVIEW).update(status=Call.Status.DECIDED, decided_at=now)
            _audit(call, "decided", actor, {"status": ["review", "decided"]}, kind="call")
    if award:
        _partnership_from_award(actor=actor, proposal=proposal, now=now)
    return proposal


def _partnership_from_award(*, actor, proposal: Proposal, now) -> None:
    from guichet.partnerships.services import PartnershipError, partnership_create

    parties = proposal.organizations()
    if len(parties) < 2:
        return  # a single organization: a grant, not a partnership
    try:
        partnership = partnership_create(
            # The partnership's one title is stored in the cluster's language, whatever the deciding actor reads.
            actor=actor, title=f"{proposal.acronym} — {proposal.call.title_fr}"[:200], type="rd_collaboration",
            parties=parties, value_eur=proposal.awarded_eur, stage="signed",
            # signed on the decision's day in Paris: at 23:30 UTC on 31 December it is already the new year there
            on=timezone.localdate(now),
            description=proposal.milestones)
    except PartnershipError as exc:
        raise CallError(_("The award is recorded, but its partnership was not: %(reason)s") % {"reason": exc},
                        "partnership") from None
    with transaction.atomic(durable=True):
        Proposal.objects.filter(pk=proposal.pk).update(partnership=partnership)
        proposal.partnership = partnership
        _audit(proposal, "partnership", actor, {"partnership": [None, partnership.pk]})


# --- the clock -----------------------------------------------------------------------------------------------

def calls_tick(*, now: datetime | None = None) -> dict:
    """Run by the worker's clock: remind each applicant of an unsubmitted draft once, REMINDER_AHEAD before the
    deadline; move a call whose deadline passed to review. Each claimed by compare-and-set: once, from any worker."""
    now = now or timezone.now()
    reminded = closed = 0
    due = list(Proposal.objects.filter(status=Proposal.Status.DRAFT, reminder_sent_at__isnull=True,
                                       call__status=Call.Status.OPEN, call__deadline__gt=now,
                                       call__deadline__lte=now + REMINDER_AHEAD).values_list("pk", flat=True)[:1000])
    for pk in due:
        with transaction.atomic():
            if not Proposal.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                continue
            proposal = Proposal.objects.select_related("call", "applicant").get(pk=pk)
            _audit(proposal, "reminder", None, {"reminder_sent_at": [None, now.isoformat()]})
            notify([proposal.applicant], "call_deadline_reminder", {"proposal": proposal, "call": proposal.call})
            reminded += 1
    for pk in Call.objects.filter(status=Call.Status.OPEN, deadline__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            if Call.objects.filter(pk=pk, status=Call.Status.OPEN).update(status=Call.Status.REVIEW, closed_at=now):
                call = Call.objects.get(pk=pk)
                _audit(call, "close", None, {"status": ["open", "review"]}, kind="call")
                closed += 1
    return {"reminded": reminded, "closed": closed}
