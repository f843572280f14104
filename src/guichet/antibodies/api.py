from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from guichet.core.api_auth import api_user

from . import engine

router = Router(tags=["antibodies"])


class AssessIn(Schema):
    text: str = Field(..., max_length=200_000, description="FASTA, or CSV with the columns name,heavy,light")
    cdr_scheme: str = Field("imgt", pattern="^(imgt|kabat|chothia)$")


class Problem(Schema):
    detail: str


@router.post("/assess", response={200: list[dict], 400: Problem, 401: Problem},
             summary="Assess antibody variable domains (numbering, CDRs, germlines, humanness, liabilities)")
def assess(request, payload: AssessIn):
    user = api_user(request)
    if not user.is_authenticated:
        return 401, {"detail": "Authentication required."}
    try:
        reports = engine.assess_batch(payload.text, cdr_scheme=payload.cdr_scheme)
    except engine.InputError:
        return 400, {"detail": _("Give FASTA, or a CSV with the columns name,heavy,light.")}
    return 200, [r.as_dict() for r in reports[:100]]
