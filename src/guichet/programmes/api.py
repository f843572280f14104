from ninja import Router, Schema

from guichet.core.api_auth import api_user
from guichet.core.api_errors import errors

from .permissions import programmes_visible_to

router = Router(tags=["programmes"])


class ProgrammeOut(Schema):
    code: str
    name: str
    owner: str
    target: str
    format: str
    stage: str | None
    visibility: str
    indications: list[str]


@router.get("", response={200: list[ProgrammeOut], **errors(401)}, summary="Antibody programmes the caller may see")
def programmes(request):
    qs = programmes_visible_to(api_user(request)).select_related("owner").prefetch_related("indications",
                                                                                          "stage_changes")
    return [{"code": p.code, "name": p.name, "owner": p.owner.key, "target": p.target, "format": p.format,
             "stage": p.stage, "visibility": p.visibility, "indications": [i.name for i in p.indications.all()]}
            for p in qs]
