from datetime import date

from ninja import Field, Router, Schema

from guichet.core.api_auth import MEMBERS, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import Money

from .selectors import startups_visible_to

router = Router(tags=["start-ups"])


class RoundOut(Schema):
    on: date
    amount_eur: Money
    kind: str
    status: str = Field(..., description="validated (counts in the funds raised), to_validate (waits for the "
                                         "cluster team) or returned (counts nowhere; see returned_reason)")
    returned_reason: str


class HeadcountOut(Schema):
    on: date
    headcount: int
    status: str = Field(..., description="validated (counts in the jobs indicator), to_validate (waits for the "
                                         "cluster team) or returned (counts nowhere; see returned_reason)")
    returned_reason: str


class StartupOut(Schema):
    organization: str
    name: str
    founded_on: date
    origin: str
    stage: str
    rounds: list[RoundOut]
    headcounts: list[HeadcountOut] = Field(..., description="The organization's declared headcounts, oldest first, "
                                                            "each with its validation state")
    validated_headcount: int | None = Field(..., description="The latest validated headcount: the figure the jobs "
                                                             "indicator counts (null when none is validated yet)")


def _status(figure) -> str:
    """A funding round's or a headcount's validation state (both carry validated_at and returned_at)."""
    if figure.validated_at:
        return "validated"
    return "returned" if figure.returned_at else "to_validate"


def _figures(item) -> dict:
    return {"on": item.on, "status": _status(item), "returned_reason": item.returned_reason}


@router.get("", response={200: list[StartupOut], **errors(401)}, auth=MEMBERS,
            summary="Start-ups: all for staff, their own for founders")
def startups(request):
    user = api_user(request)
    qs = startups_visible_to(user).select_related("organization").prefetch_related("rounds",
                                                                                  "organization__headcounts")
    answer = []
    for s in qs:
        headcounts = list(s.organization.headcounts.all())  # ordered by date (Headcount.Meta)
        validated = [h.headcount for h in headcounts if h.validated_at]
        answer.append({
            "organization": s.organization.key, "name": s.organization.name, "founded_on": s.founded_on,
            "origin": s.origin, "stage": s.stage,
            "rounds": [_figures(r) | {"amount_eur": r.amount_eur, "kind": r.kind} for r in s.rounds.all()],
            "headcounts": [_figures(h) | {"headcount": h.headcount} for h in headcounts],
            "validated_headcount": validated[-1] if validated else None})
    return answer
