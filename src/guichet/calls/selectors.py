"""Reads of calls for projects, already scoped to what the reader may see."""

from decimal import Decimal

from django.db.models import Prefetch

from . import permissions
from .models import Assignment, Call, Proposal
from .services import weighted_score


def calls_listed(user):
    rows = Call.objects.select_related("funder").prefetch_related("criteria")
    return rows if permissions.can_manage_calls(user) else rows.exclude(status=Call.Status.DRAFT)


def call_visible(*, user, key: str) -> Call | None:
    call = Call.objects.select_related("funder").filter(key=key).first()
    if call is None or not permissions.can_see_call(user, call):
        return None
    return call


def proposals_visible_to(user):
    """Every proposal the user may read (the rule of permissions.can_view_proposal, as a query)."""
    return (Proposal.objects.filter(permissions.visible_proposals_q(user)).distinct()
            .select_related("call", "lead", "applicant").prefetch_related("partners", "budget_lines"))


def proposal_visible(*, user, pk: int) -> Proposal | None:
    proposal = (Proposal.objects.select_related("call", "lead", "applicant")
                .prefetch_related("partners", "budget_lines", "documents").filter(pk=pk).first())
    if proposal is None or not permissions.can_view_proposal(user, proposal):
        return None
    return proposal


def assignments_of(user):
    """A reviewer's assignments. Before they declare: the consortium's organizations only; after a conflict:
    nothing of the proposal (the page shows the call alone)."""
    return (Assignment.objects.filter(reviewer=user).select_related("proposal__call", "proposal__lead")
            .prefetch_related("proposal__partners").order_by("-assigned_at"))


def ranking(call: Call) -> list[dict]:
    """The team's table of a call: each submitted or decided proposal with its reviews' mean score (out of 100)."""
    criteria = list(call.criteria.all())
    rows = []
    proposals = (call.proposals.exclude(status=Proposal.Status.DRAFT).select_related("lead", "applicant")
                 .prefetch_related("partners", "budget_lines",
                                   Prefetch("assignments", queryset=Assignment.objects.select_related("reviewer"))))
    for proposal in proposals:
        scores = [weighted_score(criteria, a.scores) for a in proposal.assignments.all()
                  if a.status == Assignment.Status.REVIEWED]
        scores = [s for s in scores if s is not None]
        mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.1")) if scores else None
        rows.append({"proposal": proposal, "mean": mean, "reviews": len(scores),
                     "assignments": list(proposal.assignments.all())})
    rows.sort(key=lambda r: (r["mean"] is None, -(r["mean"] or 0), r["proposal"].pk))
    return rows
