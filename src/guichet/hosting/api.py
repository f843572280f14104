"""Hosting contracts in the API (issue 13, item 8): a hosted company's members read their own contracts (the rule
of /hosting/ours/, `selectors.contracts_of_member`); the cluster team reads every contract, a building's managers
those of their buildings (cancelled ones included: they see what was entered by mistake)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from guichet.accounts.permissions import is_cluster_team, is_member
from guichet.core.api_auth import MEMBERS, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import Money
from guichet.directory.models import KEY_PATTERN

from . import permissions, selectors
from .models import Contract

router = Router(tags=["hosting"])
PAGE = 500


class ContractOut(Schema):
    id: int
    space: str = Field(..., description="the space's key (its bookable resource)")
    space_name: str
    kind: str = Field(..., description="office or bench")
    building: str = Field(..., description="the building's key")
    building_name: str
    company: str = Field(..., description="the hosted company's key (a directory organization)")
    company_name: str
    start: date
    end: date = Field(..., description="the last day let (included)")
    surface_m2: str = Field(..., description="the surface let, in square metres, as a string")
    monthly_price: Money
    status: str = Field(..., description="upcoming, current or ended as of today (Paris), or cancelled (entered "
                                         "by mistake: it never counted; shown to the team and managers only)")


class ContractFilter(Schema):
    building: str | None = Field(None, pattern=KEY_PATTERN, max_length=60,
                                 description="only this building's contracts (a building the caller sees)")


def status_of(contract: Contract, today: date) -> str:
    if contract.cancelled_at is not None:
        return "cancelled"
    if contract.start > today:
        return "upcoming"
    return "ended" if contract.end < today else "current"


def visible_contracts(user):
    """The contracts the caller reads: their organizations' (never the cancelled ones), and for the team every
    contract, for a building's managers those of their buildings."""
    if is_cluster_team(user):
        return Contract.objects.all()
    own = Q(pk__in=selectors.contracts_of_member(user).order_by().values("pk"))
    if permissions.can_view_hosting(user):
        own |= Q(space__building__platform__managers=user)
    return Contract.objects.filter(own)


@router.get("/contracts", response={200: list[ContractOut], **errors(401, 403, 404, 422)}, auth=MEMBERS,
            summary="Hosting contracts the caller may read",
            description="Members: the contracts let to their organizations; the cluster team: all; a building's "
                        "managers: also those of their buildings. Newest first, at most 500. 403: not a member "
                        "of the network. 404: `building` names no building the caller sees (`field`: `building`).")
def list_contracts(request, filters: Query[ContractFilter]):
    user = api_user(request)
    if not is_member(user):  # the rule of /hosting/ours/ (member_required)
        raise PermissionDenied(_("Log in as a member of the network to see your hosted spaces."))
    found = visible_contracts(user)
    if filters.building is not None:
        building = selectors.building_get(filters.building)
        found = found.filter(space__building=building) if building is not None else found.none()
        if building is None or not (permissions.can_manage_building(user, building) or found.exists()):
            return 404, {"detail": _("Not found."), "field": "building"}
    contracts = list(Contract.objects.filter(pk__in=found.values("pk"))
                     .select_related("space__resource", "space__building", "company").order_by("-start", "-id")[:PAGE])
    today = timezone.localdate()
    return 200, [{"id": c.pk, "space": c.space.resource.key, "space_name": c.space.resource.name,
                  "kind": c.space.kind, "building": c.space.building.key, "building_name": c.space.building.name,
                  "company": c.company.key, "company_name": c.company.name, "start": c.start, "end": c.end,
                  "surface_m2": str(c.surface_m2), "monthly_price": c.monthly_price,
                  "status": status_of(c, today)} for c in contracts]
