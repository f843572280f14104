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


class StartupOut(Schema):
    organization: str
    name: str
    founded_on: date
    origin: str
    stage: str
    rounds: list[RoundOut]


def _status(funding_round) -> str:
    if funding_round.validated_at:
        return "validated"
    return "returned" if funding_round.returned_at else "to_validate"


@router.get("", response={200: list[StartupOut], **errors(401)}, auth=MEMBERS,
            summary="Start-ups: all for staff, their own for founders")
def startups(request):
    user = api_user(request)
    qs = startups_visible_to(user).select_related("organization").prefetch_related("rounds")
    return [{"organization": s.organization.key, "name": s.organization.name, "founded_on": s.founded_on,
             "origin": s.origin, "stage": s.stage,
             "rounds": [{"on": r.on, "amount_eur": r.amount_eur, "kind": r.kind, "status": _status(r),
                         "returned_reason": r.returned_reason} for r in s.rounds.all()]}
            for s in qs]
