from ninja import Field, Query, Router, Schema

from guichet.core.api_errors import errors

from . import engine

router = Router(tags=["matching"])


class MatchParams(Schema):
    # matching-v1 answers an empty, blank or over-long query with 400 (not pydantic's 422): the bounds are stated
    # in the schema but checked by the engine.
    q: str = Field(..., description="The need, in French or English (1 to 5,000 characters, not blank).",
                   json_schema_extra={"minLength": 1, "maxLength": engine.MAX_QUERY_LENGTH,
                                      "pattern": r"[^\s\u0000\u001c-\u001f\u0085]"})
    limit: int = Field(10, ge=1, le=50)


class MatchItem(Schema):
    kind: str = Field(..., description="service, instrument, platform, organization or person")
    key: str
    name: str
    score: float = Field(..., ge=0, le=1)
    reasons: list[str]


@router.get("", response={200: list[MatchItem], **errors(400, 401, 422)}, url_name="match",
            summary="Who can answer this need? (matching-v1)")
def match(request, params: Query[MatchParams]):
    results = engine.match(params.q, limit=params.limit)  # QueryRefused: 400 (config/api.py DOMAIN_ERRORS)
    return 200, [r.as_dict() for r in results]
