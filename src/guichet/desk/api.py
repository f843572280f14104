from datetime import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from guichet.core import api_types
from guichet.core.api_auth import MEMBERS_WRITE, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import MAX_ID

from . import permissions, selectors, services

router = Router(tags=["desk"])


class RoutingOut(Schema):
    kind: str
    key: str
    name: str
    state: str


class MessageOut(Schema):
    author: str
    body: str
    created_at: datetime


class RequestOut(Schema):
    id: int
    reference: str
    title: str
    text: str
    language: str
    status: str
    confidential: bool
    created_at: datetime
    first_response_due: datetime | None
    first_response_at: datetime | None
    outcome: str
    routings: list[RoutingOut]
    messages: list[MessageOut]


# Something else than blanks (Python's strip() also drops NUL and the \x1c-\x1f separators): what the
# services refuse as empty is refused by the schema too.
NOT_BLANK = api_types.TEXT


class RequestIn(Schema):
    text: Annotated[str, api_types.NoNul] = Field(..., max_length=5000, pattern=NOT_BLANK, description="The need, in French or English.")
    title: Annotated[str, api_types.NoNul] = Field("", max_length=200, pattern=api_types.NO_NUL)
    confidential: bool = Field(False, strict=True)  # JSON true/false only, not 0 or "yes"


class MessageIn(Schema):
    body: Annotated[str, api_types.NoNul] = Field(..., max_length=10000, pattern=NOT_BLANK)


def _out(r) -> dict:
    return {"id": r.pk, "reference": r.reference, "title": r.title, "text": r.text, "language": r.language,
            "status": r.status, "confidential": r.confidential, "created_at": r.created_at,
            "first_response_due": r.first_response_due, "first_response_at": r.first_response_at,
            "outcome": r.outcome,
            "routings": [{"kind": x.record_kind, "key": x.record_key, "name": x.record_name, "state": x.state}
                         for x in r.routings.all()],
            "messages": [{"author": m.author_display, "body": m.body, "created_at": m.created_at}
                         for m in r.messages.all()]}


@router.get("/requests", response={200: list[RequestOut], **errors(401, 422)},
            summary="Requests you may see (none for anonymous callers)")
def list_requests(request, limit: int = Query(50, ge=1, le=200)):
    user = api_user(request)
    qs = selectors.requests_visible_to(user).prefetch_related("routings", "messages__author")
    return [_out(r) for r in qs[:limit]]


@router.post("/requests", response={201: RequestOut, **errors(400, 401, 403, 422)}, auth=MEMBERS_WRITE,
             summary="Submit a need")
def create_request(request, payload: RequestIn):
    user = api_user(request)
    if not permissions.can_submit_request(user):
        return 403, {"detail": _("Log in or confirm your e-mail address to submit a request.")}
    # NotAllowed answers 403, another DeskError or a QueryRefused 400 (config/api.py DOMAIN_ERRORS).
    created = services.request_submit(actor=user, text=payload.text, title=payload.title,
                                      confidential=payload.confidential)
    return 201, _out(selectors.request_get(user, created.pk))


@router.get("/requests/{request_id}", response={200: RequestOut, **errors(401, 404, 422)}, summary="One request")
def get_request(request, request_id: int = Path(..., ge=1, le=MAX_ID)):
    return 200, _out(selectors.request_get(api_user(request), request_id))  # Http404: the API's 404


@router.post("/requests/{request_id}/messages", response={201: MessageOut, **errors(400, 401, 403, 404, 422)},
             auth=MEMBERS_WRITE, summary="Write in a request's conversation")
def post_message(request, payload: MessageIn, request_id: int = Path(..., ge=1, le=MAX_ID)):
    user = api_user(request)
    desk_request = selectors.request_get(user, request_id)
    message = services.message_post(actor=user, request=desk_request, body=payload.body)
    return 201, {"author": user.get_full_name(), "body": message.body, "created_at": message.created_at}
