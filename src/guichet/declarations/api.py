"""Declaration campaigns in the API, permission-checked exactly like the pages (`permissions`).

The cluster team reads the campaigns with their completion counts and every declaration of a campaign; a member
organization's accounts read the declarations their organizations are asked for, and submit one through the
same audited service as the page (`services.declaration_submit`; evidence files are uploaded on the page).
A declaration the caller may not see is not found (404), as on the page; so is its evidence, which the API lists
and downloads for whoever may see the declaration (`permissions.can_view_declaration`, as the page's link).
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from guichet.core.api_auth import MEMBERS, MEMBERS_WRITE, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import MAX_ID, Money

from . import permissions, selectors, services
from .models import (
    COUNT_FIGURES,
    FIGURES,
    SATISFACTION_MAX,
    SATISFACTION_MIN,
    Campaign,
    Declaration,
    Evidence,
)

router = Router(tags=["declarations"])
# An amount typed by the declarer: euros, at most two decimals (the service bounds it and names the field).
AMOUNT_IN = r"^[0-9]{1,14}(\.[0-9]{1,2})?$"


class CountsOut(Schema):
    total: int = Field(..., description="organizations asked")
    requested: int
    submitted: int = Field(..., description="submitted, waiting for the team's validation")
    returned: int
    validated: int


class CampaignOut(Schema):
    id: int
    title: str
    year: int
    status: str = Field(..., description="draft, open or closed")
    deadline: date
    opened_at: datetime | None
    closed_at: datetime | None
    ask_satisfaction: bool
    counts: CountsOut


class FiguresOut(Schema):
    headcount: int | None
    jobs_created: int | None
    jobs_maintained: int | None
    publications: int | None
    patents: int | None
    trials: int | None
    people_trained: int | None
    funds_public_eur: Money | None
    funds_private_eur: Money | None
    implanted: bool
    satisfaction: int | None


class DeclarationOut(Schema):
    id: int
    campaign: int
    campaign_title: str
    year: int
    organization: str = Field(..., description="the organization's key")
    organization_name: str
    status: str = Field(..., description="requested, submitted, returned or validated")
    figures: FiguresOut
    comment: str
    evidence: list[str] = Field(..., description="the names of the evidence files (listed with their download "
                                                 "addresses by /declarations/{id}/evidence)")
    submitted_by: str | None = Field(..., description="who declared it (their name)")
    submitted_at: datetime | None
    validated_by: str | None = Field(..., description="who of the team validated it (their name)")
    validated_at: datetime | None
    returned_reason: str
    can_answer: bool = Field(..., description="the caller may submit it now")


class EvidenceOut(Schema):
    id: int
    name: str
    size: int | None = Field(..., description="bytes; empty when the stored file is missing")
    uploaded_at: datetime
    download: str = Field(..., description="the API address that returns the file")


class DeclarationIn(Schema):
    headcount: int | None = Field(None, ge=0, le=COUNT_FIGURES["headcount"])
    jobs_created: int | None = Field(None, ge=0, le=COUNT_FIGURES["jobs_created"])
    jobs_maintained: int | None = Field(None, ge=0, le=COUNT_FIGURES["jobs_maintained"])
    publications: int | None = Field(None, ge=0, le=COUNT_FIGURES["publications"])
    patents: int | None = Field(None, ge=0, le=COUNT_FIGURES["patents"])
    trials: int | None = Field(None, ge=0, le=COUNT_FIGURES["trials"])
    people_trained: int | None = Field(None, ge=0, le=COUNT_FIGURES["people_trained"])
    funds_public_eur: str | None = Field(None, pattern=AMOUNT_IN, description="euros, e.g. \"150000.00\"")
    funds_private_eur: str | None = Field(None, pattern=AMOUNT_IN, description="euros, e.g. \"150000.00\"")
    implanted: bool = False
    satisfaction: int | None = Field(None, ge=SATISFACTION_MIN, le=SATISFACTION_MAX,
                                     description="when the campaign asks the survey")
    comment: str = Field("", max_length=4000, pattern=r"^[^\x00]*$", description="no NUL character")


def _name(user) -> str | None:
    return (user.get_full_name() or user.email) if user else None


def _counts(campaign) -> dict:
    values = {s: getattr(campaign, f"n_{s}") for s in Declaration.Status.values}
    return {"total": campaign.n_total, **values}


def _campaign(c) -> dict:
    return {"id": c.pk, "title": c.title, "year": c.year, "status": c.status, "deadline": c.deadline,
            "opened_at": c.opened_at, "closed_at": c.closed_at, "ask_satisfaction": c.ask_satisfaction,
            "counts": _counts(c)}


def _declaration(d, user) -> dict:
    return {"id": d.pk, "campaign": d.campaign_id, "campaign_title": d.campaign.title, "year": d.campaign.year,
            "organization": d.organization.key, "organization_name": d.organization.name, "status": d.status,
            "figures": {f: getattr(d, f) for f in FIGURES}, "comment": d.comment,
            "evidence": [e.name for e in d.evidence.all()],
            "submitted_by": _name(d.submitted_by), "submitted_at": d.submitted_at,
            "validated_by": _name(d.validated_by), "validated_at": d.validated_at,
            "returned_reason": d.returned_reason, "can_answer": permissions.can_answer_declaration(user, d)}


def _staff_only(user):
    if not permissions.can_manage_campaigns(user):
        raise PermissionDenied(_("Only the cluster team reads declaration campaigns."))


def _campaigns():
    return selectors.campaigns_with_progress().annotate(**{
        f"n_{s}": Count("declarations", filter=Q(declarations__status=s))
        for s in (Declaration.Status.REQUESTED, Declaration.Status.RETURNED)})


DECLARATIONS = Declaration.objects.select_related("campaign", "organization", "submitted_by",
                                                  "validated_by").prefetch_related("evidence")


def _visible_or_404(user, pk) -> Declaration:
    item = get_object_or_404(DECLARATIONS, pk=pk)
    if not permissions.can_view_declaration(user, item):
        raise Http404  # not found and not allowed look the same
    return item


@router.get("/campaigns", url_name="declarations_campaigns", response={200: list[CampaignOut], **errors(401, 403)},
            auth=MEMBERS, summary="Declaration campaigns, with their completion counts (the cluster team)")
def campaigns(request):
    _staff_only(api_user(request))
    return 200, [_campaign(c) for c in _campaigns()[:500]]


@router.get("/campaigns/{campaign_id}", url_name="declarations_campaign",
            response={200: CampaignOut, **errors(401, 403, 404, 422)}, auth=MEMBERS,
            summary="One campaign (the cluster team)")
def campaign(request, campaign_id: int = Path(..., ge=1, le=MAX_ID)):
    _staff_only(api_user(request))
    return 200, _campaign(get_object_or_404(_campaigns(), pk=campaign_id))


@router.get("/campaigns/{campaign_id}/declarations", url_name="declarations_campaign_declarations",
            response={200: list[DeclarationOut], **errors(401, 403, 404, 422)}, auth=MEMBERS,
            summary="Every declaration of a campaign: figures, status, who declared and validated (the team)")
def campaign_declarations(request, campaign_id: int = Path(..., ge=1, le=MAX_ID)):
    user = api_user(request)
    _staff_only(user)
    found = get_object_or_404(Campaign, pk=campaign_id)
    return 200, [_declaration(d, user) for d in DECLARATIONS.filter(campaign=found).order_by("organization__name")]


@router.get("/mine", url_name="declarations_mine", response={200: list[DeclarationOut], **errors(401)},
            auth=MEMBERS, summary="The declarations your organizations are asked for")
def mine(request):
    user = api_user(request)
    rows = selectors.declarations_for(user).select_related("submitted_by", "validated_by").prefetch_related("evidence")
    return 200, [_declaration(d, user) for d in rows[:500]]


@router.get("/{declaration_id}", url_name="declarations_declaration",
            response={200: DeclarationOut, **errors(401, 404, 422)}, auth=MEMBERS,
            summary="One declaration: your organization's, or any, for the cluster team")
def declaration(request, declaration_id: int = Path(..., ge=1, le=MAX_ID)):
    user = api_user(request)
    return 200, _declaration(_visible_or_404(user, declaration_id), user)


@router.post("/{declaration_id}/submit", url_name="declarations_submit",
             response={200: DeclarationOut, **errors(400, 401, 403, 404, 422)}, auth=MEMBERS_WRITE,
             summary="Submit your organization's figures (the team then validates them)",
             description="The same audited service as the page: while the campaign is open and the declaration is "
                         "to answer or returned. Evidence files are attached on the page.")
def submit(request, payload: DeclarationIn, declaration_id: int = Path(..., ge=1, le=MAX_ID)):
    user = api_user(request)
    item = _visible_or_404(user, declaration_id)
    data = payload.dict()
    services.declaration_submit(actor=user, declaration=item, figures={f: data.get(f) for f in FIGURES},
                                comment=data.get("comment") or "")
    return 200, _declaration(_visible_or_404(user, declaration_id), user)


# --- evidence files (issue 11): listed and downloaded by who may see the declaration ---

def _size(file) -> int | None:
    try:
        return file.size
    except (OSError, ValueError):
        return None


@router.get("/{declaration_id}/evidence", url_name="declarations_evidence",
            response={200: list[EvidenceOut], **errors(401, 404, 422)}, auth=MEMBERS,
            summary="A declaration's evidence files: your organization's, or any, for the cluster team")
def evidence_list(request, declaration_id: int = Path(..., ge=1, le=MAX_ID)):
    from django.urls import reverse

    item = _visible_or_404(api_user(request), declaration_id)
    return 200, [{"id": e.pk, "name": e.name, "size": _size(e.file), "uploaded_at": e.uploaded_at,
                  "download": reverse("api-1:declarations_evidence_file", args=[e.pk])} for e in item.evidence.all()]


@router.get("/evidence/{evidence_id}", url_name="declarations_evidence_file", response={**errors(401, 404, 422)},
            auth=MEMBERS, summary="One evidence file, downloaded (who may see its declaration)",
            openapi_extra={"responses": {"200": {"description": "The file, as uploaded.", "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}})
def evidence_file(request, evidence_id: int = Path(..., ge=1, le=MAX_ID)):
    found = get_object_or_404(Evidence.objects.select_related("declaration"), pk=evidence_id)
    if not permissions.can_view_declaration(api_user(request), found.declaration):
        raise Http404  # not found and not allowed look the same
    try:
        handle = found.file.open("rb")
    except (OSError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=found.name, content_type="application/octet-stream")
