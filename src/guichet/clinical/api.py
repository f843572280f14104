from datetime import date, datetime

from django.http import Http404
from ninja import Path, Router, Schema
from pydantic import Field

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
    biobank_collections: str
    certifications: str
    investigators: str | None = Field(None, description="Named people: to members of the network and the cluster "
                                                        "team only, null to anyone else (as on the site's page).")


class SiteTrialOut(Schema):
    trial: int
    title: str
    acronym: str
    target_inclusions: int
    included: int


class SiteDetailOut(SiteOut):
    trials: list[SiteTrialOut] | None = Field(None, description="The trials the site takes part in, with its own "
                                                                "target and latest count: to who may see trials "
                                                                "(members), null to anyone else.")


def _site(s, contacts: bool) -> dict:
    return {"id": s.pk, "organization": s.organization.key, "name": s.organization.name, "kind": s.kind,
            "indications": s.indication_list, "areas": s.areas, "phases": s.phases, "beds": s.beds,
            "phase_i_beds": s.phase_i_beds, "biobank_collections": s.biobank_collections,
            "certifications": s.certifications, "investigators": s.investigators if contacts else None}


@router.get("/sites", response={200: list[SiteOut], **errors(401)}, summary="Clinical investigation sites")
def clinical_sites(request):
    contacts = permissions.can_see_site_contacts(api_user(request))
    return [_site(s, contacts) for s in selectors.sites()]


@router.get("/sites/{pk}", response={200: SiteDetailOut, **errors(401, 404, 422)},
            summary="A clinical site's profile (public; its investigators and trials to members)")
def clinical_site(request, pk: int = Path(..., ge=1, le=MAX_ID, description="the site's id")):
    user = api_user(request)
    s = selectors.site_profile(pk)
    if s is None:
        raise Http404
    trials = None
    if permissions.can_view_trials(user):
        trials = []
        for ts in selectors.site_trials(user, s):
            last = next(iter(ts.inclusions.all()), None)  # prefetched newest first
            trials.append({"trial": ts.trial_id, "title": ts.trial.title, "acronym": ts.trial.acronym,
                           "target_inclusions": ts.target_inclusions, "included": last.total if last else 0})
    return _site(s, permissions.can_see_site_contacts(user)) | {"trials": trials}


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
