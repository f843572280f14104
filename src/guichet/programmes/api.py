from datetime import date

from ninja import Field, Router, Schema

from guichet.core.api_auth import api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import Money

from .permissions import programmes_visible_to

router = Router(tags=["programmes"])


class MilestoneOut(Schema):
    due_on: date
    title: str


class ProgrammeOut(Schema):
    code: str
    name: str
    owner: str
    target: str
    format: str
    stage: str | None
    visibility: str
    indications: list[str]
    budget_eur: Money | None = Field(..., description="the funds the programme runs on (an award of a call for "
                                                      "projects); null for a programme declared by its owner")
    milestones: list[MilestoneOut] = Field(..., description="the dated steps it commits to, earliest first")


@router.get("", response={200: list[ProgrammeOut], **errors(401)}, summary="Antibody programmes the caller may see")
def programmes(request):
    qs = programmes_visible_to(api_user(request)).select_related("owner").prefetch_related(
        "indications", "stage_changes", "milestones")
    return [{"code": p.code, "name": p.name, "owner": p.owner.key, "target": p.target, "format": p.format,
             "stage": p.stage, "visibility": p.visibility, "indications": [i.name for i in p.indications.all()],
             "budget_eur": p.budget_eur,
             "milestones": [{"due_on": m.due_on, "title": m.title} for m in p.milestones.all()]}
            for p in qs]
