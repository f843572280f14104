from datetime import date

from django.db.models import Q
from ninja import Router, Schema

from guichet.core.api_auth import MEMBERS, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import Money

from .models import Partnership

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
    qs = Partnership.objects.prefetch_related("parties", "stage_changes")
    if not user.is_staff:
        qs = qs.filter(Q(parties__memberships__user=user)).distinct()
    return [{"id": p.pk, "title": p.title, "type": p.type, "value_eur": p.value_eur,
             "parties": [o.key for o in p.parties.all()], "public_private": p.is_public_private,
             "confirmed": p.is_confirmed, "stage": p.stage,
             "history": [{"stage": c.stage, "on": c.on} for c in p.stage_changes.all()]} for p in qs]
