from datetime import date, datetime

from django.http import Http404
from ninja import Path, Router, Schema

from guichet.core.api_auth import MEMBERS, api_user
from guichet.core.api_errors import errors
from guichet.desk.api import MAX_ID

from . import permissions, selectors

router = Router(tags=["clinical"])


class SiteOut(Schema):
    id: int
    organization: str
    name: str
    kind: str
    indications: list[str]
    areas: list[str]
    phases: list[str]
    beds: int
    phase_i_beds: int
    certifications: str


@router.get("/sites", response={200: list[SiteOut], **errors(401)}, summary="Clinical investigation sites")
def clinical_sites(request):
    return [{"id": s.pk, "organization": s.organization.key, "name": s.organization.name, "kind": s.kind,
             "indications": s.indication_list, "areas": s.areas, "phases": s.phases, "beds": s.beds,
             "phase_i_beds": s.phase_i_beds, "certifications": s.certifications} for s in selectors.sites()]


class AnswerOut(Schema):
    site: str
    estimate: int
    interest: str
    answered_at: datetime
    chosen: bool


class FeasibilityOut(Schema):
    request: int
    indication: str
    area: str
    phase: str
    patients_needed: int
    deadline: date
    status: str
    answers: list[AnswerOut]


@router.get("/feasibility/{pk}", response={200: FeasibilityOut, **errors(401, 404, 422)}, auth=MEMBERS,
            summary="A feasibility request and the answers the caller may see")
def clinical_feasibility(request, pk: int = Path(..., ge=1, le=MAX_ID, description="the desk request's id")):
    user = api_user(request)
    f = selectors.feasibility_of(pk)
    if f is None or not permissions.can_view_feasibility(user, f):
        raise Http404
    return {"request": f.request_id, "indication": f.indication, "area": f.area, "phase": f.phase,
            "patients_needed": f.patients_needed, "deadline": f.deadline, "status": f.request.status,
            "answers": [{"site": a.site.organization.key, "estimate": a.estimate, "interest": a.interest,
                         "answered_at": a.answered_at, "chosen": a.chosen}
                        for a in selectors.answers_visible_to(user, f)]}


class TrialSiteOut(Schema):
    site: str
    target_inclusions: int
    included: int
    days_to_signature: int | None


class TrialOut(Schema):
    id: int
    title: str
    acronym: str
    nct_id: str
    eu_ct_number: str
    sponsor: str
    phase: str
    status: str | None
    sites: list[TrialSiteOut]


@router.get("/trials", response={200: list[TrialOut], **errors(401)}, auth=MEMBERS,
            summary="Clinical trials with their sites (members)")
def clinical_trials(request):
    user = api_user(request)
    out = []
    for t in selectors.trials_visible_to(user):
        out.append({"id": t.pk, "title": t.title, "acronym": t.acronym, "nct_id": t.nct_id,
                    "eu_ct_number": t.eu_ct_number, "sponsor": t.sponsor.key, "phase": t.phase,
                    "status": selectors.status_on(t),
                    "sites": [{"site": row["trial_site"].site.organization.key,
                               "target_inclusions": row["trial_site"].target_inclusions,
                               "included": row["included"], "days_to_signature": row["days"]}
                              for row in selectors.trial_detail(t)]})
    return out
