"""Clinical reads, already scoped to what the user may see."""

from django.db.models import Prefetch, Q

from guichet.desk.models import Routing

from . import permissions
from .models import CONTRACT_TARGET_DAYS, ContractStep, Feasibility, InclusionCount, Site, Trial, TrialSite


def sites(*, kind: str = "", area: str = ""):
    qs = Site.objects.select_related("organization")
    if kind:
        qs = qs.filter(kind=kind)
    sites = list(qs)
    return [s for s in sites if not area or area in s.areas]


def relevant_sites(feasibility: Feasibility) -> list[Site]:
    """Sites that run the phase (or did not say) and work on the area or name the indication, best first."""
    words = {w for w in feasibility.indication.lower().split() if len(w) > 3}
    ranked = []
    for site in Site.objects.select_related("organization"):
        runs_phase = not site.phases or feasibility.phase in site.phases
        names_it = any(w in site.indications.lower() for w in words)
        in_area = feasibility.area in site.areas
        if runs_phase and (names_it or in_area):
            ranked.append((-(2 * names_it + in_area), site.organization.name, site))
    return [site for *_k, site in sorted(ranked, key=lambda t: t[:2])]


def feasibility_of(request_pk: int) -> Feasibility | None:
    return (Feasibility.objects.select_related("request__requester", "request__organization")
            .prefetch_related(Prefetch("request__routings", queryset=Routing.objects.select_related(
                "provider_organization")), "answers__site__organization", "answers__routing")
            .filter(request_id=request_pk).first())


def answers_visible_to(user, feasibility: Feasibility) -> list:
    answers = list(feasibility.answers.all())
    if permissions.can_see_all_answers(user, feasibility):
        return answers
    mine = {r.pk for r in permissions.answerable_routings(user, feasibility)}
    return [a for a in answers if a.routing_id in mine]


def routed_sites(feasibility: Feasibility) -> list[tuple]:
    """(routing, site or None, answer or None) for each routing of the request."""
    by_org = {s.organization_id: s for s in Site.objects.filter(
        organization_id__in=[r.provider_organization_id for r in feasibility.request.routings.all()])}
    answers = {a.routing_id: a for a in feasibility.answers.all()}
    return [(r, by_org.get(r.provider_organization_id), answers.get(r.pk)) for r in feasibility.request.routings.all()]


def trials_visible_to(user):
    if not permissions.can_view_trials(user):
        return Trial.objects.none()
    return (Trial.objects.select_related("sponsor", "programme")
            .prefetch_related("status_changes", "trial_sites__site__organization"))


def status_on(trial: Trial, day=None) -> str | None:
    changes = [c for c in trial.status_changes.all() if day is None or c.on <= day]
    return changes[-1].status if changes else None


def days_to_signature(trial_site: TrialSite) -> int | None:
    steps = {m.step: m.on for m in trial_site.contract_milestones.all()}
    if ContractStep.DOSSIER in steps and ContractStep.SIGNED in steps:
        return (steps[ContractStep.SIGNED] - steps[ContractStep.DOSSIER]).days
    return None


def trial_detail(trial: Trial) -> list[dict]:
    """Per site: target, latest inclusions, the counts over time, the contract's steps and days to signature."""
    rows = []
    for ts in (TrialSite.objects.filter(trial=trial).select_related("site__organization")
               .prefetch_related("contract_milestones", Prefetch("inclusions", InclusionCount.objects.order_by("on")))):
        counts = list(ts.inclusions.all())
        days = days_to_signature(ts)
        rows.append({"trial_site": ts, "counts": counts, "included": counts[-1].total if counts else 0,
                     "milestones": list(ts.contract_milestones.all()), "days": days,
                     "late": days is not None and days > CONTRACT_TARGET_DAYS})
    return rows


def trial_search(qs, text: str):
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(Q(title__icontains=text) | Q(acronym__icontains=text) | Q(nct_id__iexact=text)
                     | Q(eu_ct_number__iexact=text))


# --- site profiles (issue 11) ---
def site_profile(pk: int) -> Site | None:
    return Site.objects.select_related("organization").filter(pk=pk).first()


def site_trials(user, site: Site) -> list:
    """The trials the site takes part in, with its own target and latest count: for who may see trials."""
    if not permissions.can_view_trials(user):
        return []
    return list(TrialSite.objects.filter(site=site).select_related("trial")
                .prefetch_related(Prefetch("inclusions", InclusionCount.objects.order_by("-on")))
                .order_by("trial__title"))
