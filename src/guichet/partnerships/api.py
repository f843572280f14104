from datetime import date

from ninja import Router, Schema

from guichet.core.api_auth import MEMBERS, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import Money

from .selectors import partnerships_visible_to

router = Router(tags=["partnerships"])


class StageOut(Schema):
    stage: str
    on: date


class PartnershipOut(Schema):
    id: int
    title: str
    type: str
    value_eur: Money
    parties: list[str]
    public_private: bool
    confirmed: bool
    stage: str | None
    history: list[StageOut]


@router.get("", response={200: list[PartnershipOut], **errors(401)}, auth=MEMBERS,
            summary="Partnerships the caller may see")
def partnerships(request):
    user = api_user(request)
    qs = partnerships_visible_to(user).prefetch_related("parties", "stage_changes")
    return [{"id": p.pk, "title": p.title, "type": p.type, "value_eur": p.value_eur,
             "parties": [o.key for o in p.parties.all()], "public_private": p.is_public_private,
             "confirmed": p.is_confirmed, "stage": p.stage,
             "history": [{"stage": c.stage, "on": c.on} for c in p.stage_changes.all()]} for p in qs]
