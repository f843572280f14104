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
from guichet.core import exports
from guichet.directory.models import Organization

from . import permissions, selectors, services
from .forms import CATEGORIES, ProposalForm, StartForm
from .models import Assignment, Call, Proposal

BUDGET_ROWS_EXTRA = 3  # empty lines offered under the budget table


def _call(request, key) -> Call:
    call = selectors.call_visible(user=request.user, key=key)
    if call is None:
        raise Http404
    return call


def _proposal(request, pk) -> Proposal:
    proposal = selectors.proposal_visible(user=request.user, pk=pk)
    if proposal is None:
        raise Http404  # not found and not allowed look the same: nobody learns a proposal exists
    return proposal


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
        messages.error(request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
        return redirect("calls:detail", key)
    lead = next(o for o in organizations if o.pk == form.cleaned_data["lead"])
    try:
        proposal = services.proposal_create(actor=request.user, call=call, lead=lead,
                                            acronym=form.cleaned_data["acronym"], title=form.cleaned_data["title"])
    except services.CallError as exc:
        messages.error(request, str(exc))
        return redirect("calls:detail", key)
    return redirect("calls:proposal", proposal.pk)


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


def _proposal_page(request, proposal, *, form=None, budget=None, status=200):
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
    return render(request, "calls/proposal.html", {
        "proposal": proposal, "call": proposal.call, "editing": editing, "form": form,
        "budget_rows": _budget_rows(proposal, budget), "categories": CATEGORIES,
        "problems": services.eligibility_problems(proposal) if editing else [],
        "assignment": assignment, "criteria": criteria, "manager": manager,
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
    form = ProposalForm(request.POST, request.FILES, organizations=organizations)
    budget = _budget_from_post(request.POST)
    if not form.is_valid():
        return _proposal_page(request, proposal, form=form, budget=budget, status=400)
    data = form.cleaned_data
    partners = list(organizations.filter(pk__in=[int(p) for p in data["partners"]]))
    try:
        services.proposal_update(actor=request.user, proposal=proposal, texts={f: data[f] for f in services.TEXT_FIELDS},
                                 partners=partners, budget=budget, files=request.FILES.getlist("documents"))
    except services.NotAllowed:
        raise PermissionDenied from None
    except services.CallError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return _proposal_page(request, proposal, form=form, budget=budget, status=400)
    messages.success(request, _("Draft saved."))
    return redirect("calls:proposal", pk)


@require_POST
@login_required
def proposal_submit(request, pk):
    proposal = _proposal(request, pk)
    try:
        services.proposal_submit(actor=request.user, proposal=proposal)
        messages.success(request, _("Your proposal is submitted. You will be told of the committee's decision."))
    except services.NotAllowed:
        raise PermissionDenied from None
    except services.CallError as exc:
        messages.error(request, str(exc))
    return redirect("calls:proposal", pk)


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
    try:
        services.assignment_declare(actor=request.user, assignment=assignment, conflict=conflict == "yes",
                                    note=request.POST.get("note", ""))
    except services.CallError as exc:
        messages.error(request, str(exc))
        return redirect("calls:mine")
    if conflict == "yes":
        messages.success(request, _("Conflict of interest declared: this proposal is withdrawn from you."))
        return redirect("calls:mine")
    return redirect("calls:proposal", assignment.proposal_id)


@require_POST
@login_required
def review(request, pk):
    assignment = _assignment(request, pk)
    scores = {k.removeprefix("score-"): v for k, v in request.POST.items() if k.startswith("score-")}
    try:
        services.review_submit(actor=request.user, assignment=assignment, scores=scores,
                               comment=request.POST.get("comment", ""))
        messages.success(request, _("Your review is recorded."))
    except services.CallError as exc:
        messages.error(request, str(exc))
    if not permissions.can_view_proposal(request.user, assignment.proposal):
        return redirect("calls:mine")
    return redirect("calls:proposal", assignment.proposal_id)


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
    proposal = call.proposals.filter(pk=request.POST.get("proposal") if str(request.POST.get("proposal", "")).isdigit()
                                     else None).first()
    reviewer = User.objects.filter(email__iexact=request.POST.get("reviewer", "").strip()).first()
    if proposal is None:
        messages.error(request, _("Proposal: choose one of the proposals listed."))
    else:
        try:
            services.assignment_create(actor=request.user, proposal=proposal, reviewer=reviewer)
            messages.success(request, _("Reviewer assigned; they are asked to declare their conflicts of interest."))
        except services.CallError as exc:
            messages.error(request, str(exc))
    return redirect("calls:manage", key)


@require_POST
@login_required
def decide(request, pk):
    proposal = _proposal(request, pk)
    _staff(request)
    outcome = request.POST.get("outcome")
    if outcome not in ("award", "reject"):
        messages.error(request, _("Decision: award or not retained."))
        return redirect("calls:proposal", pk)
    try:
        services.proposal_decide(actor=request.user, proposal=proposal, award=outcome == "award",
                                 reason=request.POST.get("reason", ""), amount=request.POST.get("amount") or None)
        messages.success(request, _("The decision is recorded; the applicant is told."))
    except services.CallError as exc:
        messages.error(request, str(exc))
    return redirect("calls:proposal", pk)


@login_required
def mine(request):
    return render(request, "calls/mine.html", {
        "proposals": Proposal.objects.filter(applicant=request.user).select_related("call", "lead"),
        "assignments": selectors.assignments_of(request.user)})


EXPORT_COLUMNS = ("id", "acronym", "title", "lead", "partners", "status", "submitted_at", "budget_eur",
                  "mean_score", "reviews", "awarded_eur", "decision_reason")


@login_required
def export(request, key):
    call = _call(request, key)
    _staff(request)  # confidential: the team only
    labels = [_("Number"), _("Acronym"), _("Title"), _("Lead organization"), _("Partner organizations"), _("Status"),
              _("Submitted"), _("Budget asked (EUR)"), _("Mean score (/100)"), _("Reviews"), _("Amount awarded (EUR)"),
              _("Reasons of the decision")]
    rows = ([r["proposal"].pk, r["proposal"].acronym, r["proposal"].title, r["proposal"].lead.name,
             "; ".join(p.name for p in r["proposal"].partners.all()), r["proposal"].get_status_display(),
             r["proposal"].submitted_at, r["proposal"].budget_total, r["mean"], r["reviews"], r["proposal"].awarded_eur,
             r["proposal"].decision_reason] for r in selectors.ranking(call))
    return exports.csv_response(f"{call.key}-proposals.csv", list(zip(EXPORT_COLUMNS, labels, strict=True)), rows)
