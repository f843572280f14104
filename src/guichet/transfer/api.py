from datetime import date

from django.http import Http404
from ninja import Path, Query, Router, Schema
from pydantic import Field

from guichet.core.api_auth import MEMBERS, api_user
from guichet.core.api_errors import errors
from guichet.desk.api import MAX_ID

from . import permissions, selectors, services
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


# --- the offices' profiles (issue 11) ---
class OfficeStaffOut(Schema):
    name: str
    email: str


class OfficeOut(Schema):
    id: int
    organization: str
    name: str
    summary: str
    services: list[str]
    territory: str
    contact_email: str = Field(description="A shared address of the office, public.")
    staff: list[OfficeStaffOut] | None = Field(None, description="Named people: to members of the network and the "
                                                                 "cluster team only, null to anyone else (as on the "
                                                                 "office's page).")


class OfficeOfferOut(Schema):
    id: int
    title: str
    published_on: date


class OfficeDetailOut(OfficeOut):
    offers: list[OfficeOfferOut] = Field(description="The office's published technology offers.")


def _office(o, staff: bool) -> dict:
    return {"id": o.pk, "organization": o.organization.key, "name": o.organization.name, "summary": o.summary,
            "services": o.service_list, "territory": o.territory, "contact_email": o.contact_email,
            "staff": [{"name": u.get_full_name() or u.email, "email": u.email} for u in services.office_staff(o)]
            if staff else None}


@router.get("/offices", response={200: list[OfficeOut], **errors(401)}, summary="The network's tech-transfer offices")
def transfer_offices(request):
    staff = permissions.can_see_office_staff(api_user(request))
    return [_office(o, staff) for o in selectors.offices()]


@router.get("/offices/{pk}", response={200: OfficeDetailOut, **errors(401, 404, 422)},
            summary="A tech-transfer office's profile (public; its staff to members)")
def transfer_office(request, pk: int = Path(..., ge=1, le=MAX_ID, description="the office's id")):
    o = selectors.office_profile(pk)
    if o is None:
        raise Http404
    offers = [{"id": f.pk, "title": f.title, "published_on": f.published_on}
              for f in selectors.offers_public().filter(office=o)]
    return _office(o, permissions.can_see_office_staff(api_user(request))) | {"offers": offers}
