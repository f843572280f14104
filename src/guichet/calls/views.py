"""Calls for projects: the public list and call page, the applicant's draft (texts, partners, budget table,
attachments) and its submission, the reviewer's declaration and scores, the team's page (reviewers, ranking,
decisions) and its CSV. A proposal anyone may not see is not found (404), whoever asks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.accounts.models import User
from guichet.accounts.permissions import member_required
from guichet.core import exports, params
from guichet.core.actions import attempt, attempt_form, form_errors_text
from guichet.core.errors import visible_or_404
from guichet.directory.models import Organization

from . import permissions, selectors, services
from .forms import CATEGORIES, ProgrammeFromAwardForm, ProposalForm, StartForm
from .models import Assignment, Call, Proposal

BUDGET_ROWS_EXTRA = 3  # empty lines offered under the budget table


def _call(request, key) -> Call:
    return visible_or_404(selectors.call_visible(user=request.user, key=key))


def _proposal(request, pk) -> Proposal:
    # Not found and not allowed look the same: nobody learns a proposal exists.
    return visible_or_404(selectors.proposal_visible(user=request.user, pk=pk))


def _staff(request):
    if not permissions.can_manage_calls(request.user):
        raise PermissionDenied


def calls(request):
    rows = list(selectors.calls_listed(request.user))
    return render(request, "calls/list.html", {
        "open": [c for c in rows if c.status == Call.Status.OPEN],
        "other": [c for c in rows if c.status != Call.Status.OPEN]})


def detail(request, key):
    call = _call(request, key)
    organizations = permissions.lead_organizations(request.user)
    return render(request, "calls/detail.html", {
        "call": call, "criteria": call.criteria.all(), "start_form": StartForm(organizations=organizations),
        "can_apply": bool(organizations) and call.status == Call.Status.OPEN,
        "manager": permissions.can_manage_calls(request.user),
        "mine": Proposal.objects.filter(call=call, applicant=request.user) if request.user.is_authenticated else []})


@require_POST
@member_required
def start(request, key):
    call = _call(request, key)
    organizations = permissions.lead_organizations(request.user)
    form = StartForm(request.POST, organizations=organizations)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("calls:detail", key)
    lead = next(o for o in organizations if o.pk == form.cleaned_data["lead"])
    return attempt(
        request, lambda: services.proposal_create(actor=request.user, call=call, lead=lead,
                                                  acronym=form.cleaned_data["acronym"], title=form.cleaned_data["title"]),
        "", redirect("calls:detail", key), refusals=(services.CallError,),
        then=lambda proposal: redirect("calls:proposal", proposal.pk))


def _budget_rows(proposal, data=None):
    if data is not None:
        return [{"category": c, "description": d, "amount": a} for c, d, a in data]
    rows = [{"category": line.category, "description": line.description, "amount": line.amount_eur}
            for line in proposal.budget_lines.all()]
    return rows + [{"category": "", "description": "", "amount": ""}] * BUDGET_ROWS_EXTRA


def _budget_from_post(post) -> list[tuple[str, str, str]]:
    lines = []
    for category, description, amount in zip(post.getlist("budget_category"), post.getlist("budget_description"),
                                              post.getlist("budget_amount"), strict=False):
        if category or description.strip() or amount.strip():
            lines.append((category, description, amount))
    return lines


def _proposal_page(request, proposal, *, form=None, budget=None, status=200, review_post=None, programme_form=None):
    user = request.user
    assignment = Assignment.objects.filter(proposal=proposal, reviewer=user).first() if user.is_authenticated else None
    organizations = Organization.objects.order_by("name")
    criteria = list(proposal.call.criteria.all())
    editing = permissions.can_edit_proposal(user, proposal)
    if editing and form is None:
        form = ProposalForm(initial={"acronym": proposal.acronym, "title": proposal.title, "summary": proposal.summary,
                                     "objectives": proposal.objectives, "impact": proposal.impact,
                                     "milestones": proposal.milestones,
                                     "partners": [str(p.pk) for p in proposal.partners.all()]},
                            organizations=organizations.exclude(pk=proposal.lead_id))
    manager = permissions.can_manage_calls(user)
    if manager and programme_form is None and proposal.status == Proposal.Status.AWARDED and not proposal.programme_id:
        from guichet.programmes.services import proposed_from_award

        programme_form = ProgrammeFromAwardForm(initial=proposed_from_award(proposal))
    return render(request, "calls/proposal.html", {
        "programme_form": programme_form if manager and not proposal.programme_id else None,
        "proposal": proposal, "call": proposal.call, "editing": editing, "form": form,
        "budget_rows": _budget_rows(proposal, budget), "categories": CATEGORIES,
        "problems": services.eligibility_problems(proposal) if editing else [],
        "assignment": assignment, "criteria": criteria, "manager": manager,
        # the reviewer's own scores, to amend them until the decision
        "my_scores": [(c, review_post.get(f"score-{c.pk}", "") if review_post is not None
                       else (assignment.scores or {}).get(str(c.pk), "")) for c in criteria] if assignment else [],
        "review_comment": review_post.get("comment", "") if review_post is not None
        else (assignment.comment if assignment else ""),
        "reviews": [(a, services.weighted_score(criteria, a.scores)) for a in proposal.assignments.all()
                    .select_related("reviewer")] if manager else [],
        "show_decision": proposal.status in (Proposal.Status.AWARDED, Proposal.Status.REJECTED)
        and (manager or proposal.applicant_id == user.pk)}, status=status)


@login_required
def proposal(request, pk):
    return _proposal_page(request, _proposal(request, pk))


@require_POST
@login_required
def proposal_save(request, pk):
    proposal = _proposal(request, pk)
    organizations = Organization.objects.exclude(pk=proposal.lead_id).order_by("name")
    budget = _budget_from_post(request.POST)
    return attempt_form(
        request, ProposalForm(request.POST, request.FILES, organizations=organizations),
        lambda data: services.proposal_update(
            actor=request.user, proposal=proposal, texts={f: data[f] for f in services.TEXT_FIELDS},
            partners=list(organizations.filter(pk__in=[int(p) for p in data["partners"]])), budget=budget,
            files=request.FILES.getlist("documents")),
        _("Draft saved."), redirect("calls:proposal", pk),
        lambda form: _proposal_page(request, proposal, form=form, budget=budget, status=400),
        refusals=(services.CallError,), forbidden=(services.NotAllowed,))


@require_POST
@login_required
def proposal_submit(request, pk):
    proposal = _proposal(request, pk)
    return attempt(request, lambda: services.proposal_submit(actor=request.user, proposal=proposal),
                   _("Your proposal is submitted. You will be told of the committee's decision."),
                   redirect("calls:proposal", pk), refusals=(services.CallError,), forbidden=(services.NotAllowed,))


@login_required
def document(request, pk, document_pk):
    proposal = _proposal(request, pk)
    item = get_object_or_404(proposal.documents, pk=document_pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


def _assignment(request, pk) -> Assignment:
    assignment = Assignment.objects.select_related("proposal__call").filter(pk=pk, reviewer=request.user).first()
    if assignment is None:
        raise Http404
    return assignment


@require_POST
@login_required
def declare(request, pk):
    assignment = _assignment(request, pk)
    conflict = request.POST.get("conflict")
    if conflict not in ("yes", "no"):
        messages.error(request, _("Conflict of interest: answer yes or no."))
        return redirect("calls:mine")
    declared = conflict == "yes"
    return attempt(
        request, lambda: services.assignment_declare(actor=request.user, assignment=assignment, conflict=declared,
                                                     note=request.POST.get("note", "")),
        _("Conflict of interest declared: this proposal is withdrawn from you.") if declared else "",
        redirect("calls:mine"), refusals=(services.CallError,),
        then=lambda _done: redirect("calls:mine") if declared else redirect("calls:proposal", assignment.proposal_id))


@require_POST
@login_required
def review(request, pk):
    assignment = _assignment(request, pk)
    scores = {k.removeprefix("score-"): v for k, v in request.POST.items() if k.startswith("score-")}

    def onwards(_done=None):
        if not permissions.can_view_proposal(request.user, assignment.proposal):
            return redirect("calls:mine")
        return redirect("calls:proposal", assignment.proposal_id)

    def again():
        proposal = selectors.proposal_visible(user=request.user, pk=assignment.proposal_id)
        if proposal is None:
            return onwards()
        # The page again with the scores and comment typed (the redirect emptied the grid, found in the trial).
        return _proposal_page(request, proposal, status=400, review_post=request.POST)

    return attempt(
        request, lambda: services.review_submit(actor=request.user, assignment=assignment, scores=scores,
                                                comment=request.POST.get("comment", "")),
        _("Your review is recorded."), again, refusals=(services.CallError,), then=onwards)


@login_required
def manage(request, key):
    call = _call(request, key)
    _staff(request)
    return render(request, "calls/manage.html", {"call": call, "rows": selectors.ranking(call),
                                                 "criteria": call.criteria.all()})


@require_POST
@login_required
def assign(request, key):
    call = _call(request, key)
    _staff(request)
    proposal = call.proposals.filter(pk=params.id_param(request.POST, "proposal")).first()
    reviewer = User.objects.filter(email__iexact=request.POST.get("reviewer", "").strip()).first()
    if proposal is None:
        messages.error(request, _("Proposal: choose one of the proposals listed."))
        return redirect("calls:manage", key)
    return attempt(request, lambda: services.assignment_create(actor=request.user, proposal=proposal, reviewer=reviewer),
                   _("Reviewer assigned; they are asked to declare their conflicts of interest."),
                   redirect("calls:manage", key), refusals=(services.CallError,))


@require_POST
@login_required
def decide(request, pk):
    proposal = _proposal(request, pk)
    _staff(request)
    outcome = request.POST.get("outcome")
    if outcome not in ("award", "reject"):
        messages.error(request, _("Decision: award or not retained."))
        return redirect("calls:proposal", pk)
    return attempt(
        request,
        lambda: services.proposal_decide(actor=request.user, proposal=proposal, award=outcome == "award",
                                         reason=request.POST.get("reason", ""),
                                         amount=request.POST.get("amount") or None),
        _("The decision is recorded; the applicant is told."),
        redirect("calls:proposal", pk))


@require_POST
@login_required
def make_programme(request, pk):
    """Staff turn an awarded proposal into a programme; a refusal shows the form again with the field's error."""
    from guichet.programmes.services import ProgrammeError, programme_from_award

    proposal = _proposal(request, pk)
    _staff(request)
    return attempt_form(
        request, ProgrammeFromAwardForm(request.POST),
        lambda data: programme_from_award(actor=request.user, proposal=proposal, **data),
        lambda programme: _("The award is now the programme %(code)s.") % {"code": programme.code},
        lambda programme: redirect("programmes:detail", programme.code),
        lambda form: _proposal_page(request, proposal, programme_form=form, status=400),
        refusals=(ProgrammeError,))


@login_required
def mine(request):
    return render(request, "calls/mine.html", {
        "proposals": Proposal.objects.filter(applicant=request.user).select_related("call", "lead"),
        "assignments": selectors.assignments_of(request.user)})


EXPORT_COLUMNS = ("id", "acronym", "title", "lead", "partners", "status", "submitted_at", "budget_eur",
                  "mean_score", "reviews", "awarded_eur", "decision_reason", "decided_at")


def _export_labels():
    return [_("Number"), _("Acronym"), _("Title"), _("Lead organization"), _("Partner organizations"), _("Status"),
            _("Submitted"), _("Budget asked (EUR)"), _("Mean score (/100)"), _("Reviews"), _("Amount awarded (EUR)"),
            _("Reasons of the decision"), _("Decided on")]


def _export_row(r):
    p = r["proposal"]
    return [p.pk, p.acronym, p.title, p.lead.name, "; ".join(o.name for o in p.partners.all()), p.get_status_display(),
            p.submitted_at, p.budget_total, r["mean"], r["reviews"], p.awarded_eur, p.decision_reason,
            p.decided_at]


@login_required
def export(request, key):
    call = _call(request, key)
    _staff(request)  # confidential: the team only
    rows = (_export_row(r) for r in selectors.ranking(call))
    return exports.csv_response(f"{call.key}-proposals.csv", list(zip(EXPORT_COLUMNS, _export_labels(), strict=True)),
                                rows)

@login_required
def export_xlsx(request, key):
    """The team's workbook of a call: the ranking (submissions with their mean score and the decision), every
    review's scores per criterion (with its amendments), and the budget lines. Confidential like the CSV; member text goes through the export helper, which
    neutralises formula injection (a title "=HYPERLINK(...)" stays text)."""
    call = _call(request, key)
    _staff(request)
    rows = selectors.ranking(call)
    criteria = list(call.criteria.all())
    ranking = exports.Sheet(
        title=_("Ranking"), columns=[("rank", _("Rank")), *zip(EXPORT_COLUMNS, _export_labels(), strict=True)],
        rows=[[n, *_export_row(r)] for n, r in enumerate(rows, start=1)],
        widths={"title": 50, "lead": 35, "partners": 45, "decision_reason": 50},
        number_formats={"budget_eur": "#,##0.00", "awarded_eur": "#,##0.00", "mean_score": "0.0"})
    scores = exports.Sheet(
        title=_("Scores"),
        columns=[("proposal", _("Number")), ("acronym", _("Acronym")), ("reviewer", _("Reviewer")),
                 ("status", _("Status")), *[(f"criterion_{c.pk}", c.label) for c in criteria],
                 ("score", _("Score (/100)")), ("comment", _("Comment")), ("reviewed_at", _("Reviewed")),
                 ("amended_at", _("Last amended")), ("amendments", _("Amendments"))],
        rows=[[r["proposal"].pk, r["proposal"].acronym, a.reviewer.get_full_name() or a.reviewer.email,
               a.get_status_display(), *[(a.scores or {}).get(str(c.pk)) for c in criteria],
               services.weighted_score(criteria, a.scores or {}) if a.status == Assignment.Status.REVIEWED else None,
               a.comment, a.reviewed_at, a.amended_at, a.amendments]
              for r in rows for a in r["assignments"]],
        widths={"reviewer": 30, "comment": 60})
    budget = exports.Sheet(
        title=_("Budget"),
        columns=[("proposal", _("Number")), ("acronym", _("Acronym")), ("category", _("Category")),
                 ("description", _("Description")), ("amount_eur", _("Amount (EUR)"))],
        rows=[[r["proposal"].pk, r["proposal"].acronym, line.get_category_display(), line.description,
               line.amount_eur] for r in rows for line in r["proposal"].budget_lines.all()],
        widths={"description": 50}, number_formats={"amount_eur": "#,##0.00"})
    return exports.xlsx_response(f"{call.key}-proposals.xlsx", [ranking, scores, budget])
