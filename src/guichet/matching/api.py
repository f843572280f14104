from ninja import Field, Query, Router, Schema

from . import engine

router = Router(tags=["matching"])


class MatchParams(Schema):
    q: str = Field("", description="The need, in French or English (1 to 5,000 characters).")
    limit: int = Field(10, ge=1, le=50)


class MatchItem(Schema):
    kind: str = Field(..., description="service, instrument, platform, organization or person")
    key: str
    name: str
    score: float = Field(..., ge=0, le=1)
    reasons: list[str]


class Problem(Schema):
    detail: str


@router.get("", response={200: list[MatchItem], 400: Problem}, url_name="match",
            summary="Who can answer this need? (matching-v1)")
def match(request, params: Query[MatchParams]):
    try:
        results = engine.match(params.q, limit=params.limit)
    except engine.QueryRefused as refused:
        return 400, {"detail": str(refused)}
    return 200, [r.as_dict() for r in results]
