"""Jobs and talent in the API: the open postings (public, searchable) and one posting. Applications carry a CV
and are made on the pages only."""

from datetime import date, datetime

from ninja import Path, Query, Router, Schema
from pydantic import Field

from guichet.core.api_auth import api_user
from guichet.core.api_errors import errors
from guichet.core.errors import visible_or_404

from . import selectors
from .models import Posting

router = Router(tags=["talent"])
MAX_ID = 2**63 - 1


class PostingOut(Schema):
    id: int
    kind: str
    contract: str
    language: str
    title: str
    description: str
    organization: str
    location: str
    starts_on: date | None
    expires_on: date
    status: str
    published_at: datetime


class PostingQuery(Schema):
    q: str = Field("", max_length=200)
    kind: str = Field("", pattern=r"^(|job|internship|phd|postdoc)$")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100000)


def _posting(p: Posting) -> dict:
    return {"id": p.pk, "kind": p.kind, "contract": p.contract, "language": p.language, "title": p.title,
            "description": p.description, "organization": p.organization.key, "location": p.location,
            "starts_on": p.starts_on, "expires_on": p.expires_on, "status": p.status, "published_at": p.published_at}


@router.get("/postings", url_name="talent_postings", response={200: list[PostingOut], **errors(401, 422)},
            summary="Open job postings",
            description="Jobs, internships, PhD and post-doctoral positions still open; every word of `q` is found "
                        "(accents and case ignored) in the title, description, organization or location.")
def postings(request, filters: Query[PostingQuery]):
    rows = selectors.postings_open(q=filters.q, kind=filters.kind)
    return 200, [_posting(p) for p in rows[filters.offset:filters.offset + filters.limit]]


@router.get("/postings/{posting_id}", url_name="talent_posting", response={200: PostingOut, **errors(401, 404, 422)},
            summary="One job posting")
def posting(request, posting_id: int = Path(..., ge=1, le=MAX_ID)):
    found = visible_or_404(selectors.posting_visible(user=api_user(request), pk=posting_id))
    return 200, _posting(found)
