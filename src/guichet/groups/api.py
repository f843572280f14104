"""GET /api/v1/groups/projects: the projects the caller may charge (their money to heads and staff only)."""

from datetime import date

from ninja import Router, Schema
from pydantic import Field

from guichet.core.api_auth import MEMBERS, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import Money
from guichet.platforms.models import Platform

from . import permissions, selectors
from .budget import project_usage
from .models import GroupMembership

router = Router(tags=["groups"])


class ProjectOut(Schema):
    id: int
    key: str
    name: str
    funder: str
    grant_number: str
    group: str = Field(..., description="the owner lab or team's key")
    starts_on: date
    ends_on: date
    platforms: list[str] = Field(..., description="the platforms it pays for; empty: every platform")
    charge_platforms: list[str] = Field(..., description="the platforms you may charge it on, when your group's "
                                        "heads limited you to some; empty: every platform it pays for")
    budget: Money | None = Field(None, description="to the group's heads only")
    consumed: Money | None = Field(None, description="billed so far; to the group's heads only")
    committed: Money | None = Field(None, description="held by live bookings and open orders; heads only")
    left: Money | None = Field(None, description="budget − consumed − committed; heads only")


def _charge_platforms(user, project) -> list[str]:
    """The caller's limit on this project (permissions.charge_platforms), within what the project pays for."""
    granted = permissions.charge_platforms(GroupMembership.objects.filter(
        user=user, group=project.group, status=GroupMembership.Status.ACTIVE).first())
    if not granted:
        return []
    paid = {p.pk for p in project.platforms.all()}
    return sorted(p.key for p in Platform.objects.filter(pk__in=granted if not paid else granted & paid))


@router.get("/projects", response={200: list[ProjectOut], **errors(401)}, auth=MEMBERS,
            summary="Projects you may charge for bookings and orders")
def group_projects(request):
    user = api_user(request)
    out = []
    for project in selectors.projects_chargeable(user).prefetch_related("platforms"):
        row = {"id": project.pk, "key": project.key, "name": project.name, "funder": project.funder,
               "grant_number": project.grant_number, "group": project.group.key, "starts_on": project.starts_on,
               "ends_on": project.ends_on, "platforms": sorted(p.key for p in project.platforms.all()),
               "charge_platforms": _charge_platforms(user, project)}
        if permissions.can_see_consumption(user, project):
            usage = project_usage(project)
            row.update(budget=usage.budget, consumed=usage.consumed, committed=usage.committed, left=usage.left)
        out.append(row)
    return 200, out
