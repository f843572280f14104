"""Calls for projects in the API: the calls (public), and the proposals the caller may read (members: their own,
those they review after declaring no conflict; the cluster team: all)."""

from datetime import datetime
from decimal import Decimal

from ninja import Path, Router, Schema

from guichet.core.api_auth import MEMBERS, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import Money
from guichet.core.errors import visible_or_404

from . import selectors

router = Router(tags=["calls"])
KEY = r"^[a-z0-9][a-z0-9_-]{0,79}$"
MAX_ID = 2**63 - 1


class CallOut(Schema):
    key: str
    status: str
    title: str
    text: str
    opens_at: datetime
    deadline: datetime
    eligible_kinds: list[str]
    consortium_required: bool
    budget_ceiling_eur: Money


class ProposalOut(Schema):
    id: int
    call: str
    acronym: str
    title: str
    status: str
    lead: str
    partners: list[str]
    summary: str
    budget_eur: Money
    submitted_at: datetime | None
    awarded_eur: Money | None


def _call(c) -> dict:
    return {"key": c.key, "status": c.status, "title": c.title, "text": c.text, "opens_at": c.opens_at,
            "deadline": c.deadline, "eligible_kinds": list(c.eligible_kinds), "consortium_required": c.consortium_required,
            "budget_ceiling_eur": c.budget_ceiling_eur}


def _proposal(p) -> dict:
    return {"id": p.pk, "call": p.call.key, "acronym": p.acronym, "title": p.title, "status": p.status,
            "lead": p.lead.key, "partners": [o.key for o in p.partners.all()], "summary": p.summary,
            "budget_eur": p.budget_total or Decimal("0"), "submitted_at": p.submitted_at, "awarded_eur": p.awarded_eur}


@router.get("", url_name="calls_list", response={200: list[CallOut], **errors(401)}, summary="Calls for projects")
def calls(request):
    return 200, [_call(c) for c in selectors.calls_listed(api_user(request))[:200]]


@router.get("/proposals", url_name="calls_proposals", response={200: list[ProposalOut], **errors(401)}, auth=MEMBERS,
            summary="The proposals you may read",
            description="Your own; those you review, once you declared no conflict of interest; all, for the team.")
def proposals(request):
    return 200, [_proposal(p) for p in selectors.proposals_visible_to(api_user(request))[:500]]


@router.get("/{key}", url_name="calls_call", response={200: CallOut, **errors(401, 404, 422)}, summary="One call")
def call(request, key: str = Path(..., pattern=KEY)):
    found = visible_or_404(selectors.call_visible(user=api_user(request), key=key))
    return 200, _call(found)


@router.get("/proposals/{proposal_id}", url_name="calls_proposal", response={200: ProposalOut, **errors(401, 404, 422)},
            auth=MEMBERS, summary="One proposal you may read")
def proposal(request, proposal_id: int = Path(..., ge=1, le=MAX_ID)):
    found = visible_or_404(selectors.proposal_visible(user=api_user(request), pk=proposal_id))
    return 200, _proposal(found)
