from datetime import date

from django.http import Http404
from ninja import Path, Query, Router, Schema
from pydantic import Field

from guichet.core.api_auth import MEMBERS, api_user
from guichet.core.api_errors import errors
from guichet.desk.api import MAX_ID

from . import permissions, selectors
from .models import InventionDisclosure

router = Router(tags=["transfer"])


class OfferOut(Schema):
    id: int
    title: str
    summary: str
    office: str
    published_on: date
    reasons: list[str] = []


class OfferQuery(Schema):
    q: str = Field("", max_length=5000, description="a need: offers that may answer it, best first")


@router.get("/offers", response={200: list[OfferOut], **errors(401, 422)}, summary="Public technology offers")
def transfer_offers(request, params: Query[OfferQuery]):
    if params.q.strip():
        found = selectors.offers_for_need(params.q, limit=10)
    else:
        found = [(o, []) for o in selectors.offers_public()]
    return [{"id": o.pk, "title": o.title, "summary": o.summary, "office": o.office.organization.key,
             "published_on": o.published_on, "reasons": reasons} for o, reasons in found]


class DisclosureOut(Schema):
    id: int
    number: str
    office: str
    title: str
    summary: str
    disclosed_on: date
    status: str
    inventors: list[str]


def _out(d):
    return {"id": d.pk, "number": str(d), "office": d.office.organization.key, "title": d.title,
            "summary": d.summary, "disclosed_on": d.disclosed_on, "status": d.status,
            "inventors": sorted(u.email for u in d.inventors.all())}


@router.get("/disclosures", response={200: list[DisclosureOut], **errors(401)}, auth=MEMBERS,
            summary="The invention disclosures the caller may see (inventors, office staff)")
def transfer_disclosures(request):
    return [_out(d) for d in selectors.disclosures_visible_to(api_user(request))]


@router.get("/disclosures/{pk}", response={200: DisclosureOut, **errors(401, 404, 422)}, auth=MEMBERS,
            summary="One invention disclosure (404 unless an inventor or the office's staff)")
def transfer_disclosure(request, pk: int = Path(..., ge=1, le=MAX_ID)):
    user = api_user(request)
    d = InventionDisclosure.objects.select_related("office__organization").filter(pk=pk).first()
    if d is None or not permissions.can_view_disclosure(user, d):
        raise Http404
    return _out(d)
