"""Demo clinical data: AP-HM and IPC profiles from public facts only (docs: /work/shared/ecosystem-facts.md),
three fictional sites with fictional accounts, a fictional feasibility request, ImCheck's public trial number
and a fictional trial with its inclusions and single contracts."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import Role, User
from guichet.accounts.services import membership_add
from guichet.core.services import record_save
from guichet.directory.models import Organization
from guichet.directory.services import directory_import

from . import services
from .models import ContractMilestone, InclusionCount, Site, Trial, TrialSite, TrialStatusChange

FICTIONAL_SITES = [
    # key, name, kind, areas, phases, indications, account
    ("exemple-cic", "Centre d'investigation clinique (exemple fictif)", "cic", ["autoimmune", "chronic_inflammatory"],
     ["1", "1_2", "2"], "Lupus érythémateux systémique\nPolyarthrite rhumatoïde", "cic@demo.guichet.example"),
    ("exemple-rhumato", "Service de rhumatologie (exemple fictif)", "department", ["autoimmune"], ["2", "3"],
     "Lupus érythémateux systémique\nSclérodermie", "rhumato@demo.guichet.example"),
    ("exemple-phase1", "Unité de phase I (exemple fictif)", "phase_i", ["autoimmune", "cancer"], ["1", "1_2"], "",
     "phase1@demo.guichet.example"),
]


def _site(organization, **fields) -> Site:
    site = Site(organization=organization, **fields)
    record_save(actor=None, record=site, is_new=True)
    return site


def load_demo_clinical(password: str) -> int:
    if Site.objects.exists():
        return 0
    directory_import(actor=None, payload={"format": "guichet-directory", "version": 1, "organizations": [
        {"key": key, "name": name, "kind": "hospital", "lang": "fr", "city": "Marseille", "therapeutic_areas": areas,
         "description": "Site d'investigation clinique fictif, pour la démonstration (exemple fictif)."}
        for key, name, _kind, areas, *_rest in FICTIONAL_SITES]})
    sites = {}
    with transaction.atomic():
        for key, _name, kind, areas, phases, indications, email in FICTIONAL_SITES:
            org = Organization.objects.get(key=key)
            sites[key] = _site(org, kind=kind, areas=areas, phases=phases, indications=indications,
                               investigators="Investigateur principal (exemple fictif)",
                               beds=12 if kind == "phase_i" else 0, phase_i_beds=12 if kind == "phase_i" else 0)
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, password, full_name=f"Site {org.name}", role=Role.MEMBER)
            membership_add(actor=None, user=user, organization=org, is_contact=True)
        # Public facts only (ecosystem facts): nothing invented about the real hospitals.
        if aphm := Organization.objects.filter(key="ap-hm").first():
            _site(aphm, kind="hospital", areas=["infectious", "autoimmune"], beds=3200,
                  certifications="Laboratoire de thérapie cellulaire autorisé par l'ANSM (Hôpital de la Conception)",
                  biobank_collections="Projet de biobanque")
        if ipc := Organization.objects.filter(key="ipc").first():
            _site(ipc, kind="hospital", areas=["cancer"],
                  indications="Hémopathies malignes\nCancer du sein\nCancers digestifs et du pancréas\n"
                              "Cancers urologiques",
                  biobank_collections="Tumorothèque d'environ 80 000 échantillons")
    founder = User.objects.get(email="founder@demo.guichet.example")
    staff = User.objects.get(email="staff@demo.guichet.example")
    today = timezone.localdate()
    feasibility = services.feasibility_submit(
        actor=founder, title="Faisabilité\u00a0: anticorps anti-IFNAR dans le lupus (exemple fictif)",
        indication="Lupus érythémateux systémique", area="autoimmune", phase="2",
        population="Adultes avec un lupus actif malgré le traitement standard (exemple fictif)",
        inclusion_criteria="SLEDAI-2K ≥ 6\u00a0; anticorps antinucléaires positifs (exemple fictif)",
        patients_needed=60, recruitment_start=today + timedelta(days=90), recruitment_months=18,
        deadline=today + timedelta(days=14), now=timezone.now() - timedelta(days=5))
    routings = services.feasibility_route(actor=staff, feasibility=feasibility, sites=list(sites.values()),
                                          now=timezone.now() - timedelta(days=4))
    by_org = {r.provider_organization.key: r for r in routings}
    for key, estimate, interest, days in (("exemple-cic", 20, "high", 2), ("exemple-rhumato", 12, "medium", 1)):
        user = User.objects.get(email=next(s[6] for s in FICTIONAL_SITES if s[0] == key))
        services.feasibility_answer(actor=user, feasibility=feasibility, routing=by_org[key], estimate=estimate,
                                    interest=interest, comment="Exemple fictif.",
                                    now=timezone.now() - timedelta(days=days))
    with transaction.atomic():
        imcheck = Organization.objects.filter(key="imcheck").first()
        if imcheck:  # a public identifier (ecosystem facts); no site, status or figure is invented for it
            record_save(actor=None, record=Trial(title="ICT01 (anti-BTN3A), phase 1/2a", acronym="ICT01",
                                                 nct_id="NCT04243499", sponsor=imcheck, phase="1_2"), is_new=True)
        sponsor = Organization.objects.get(key="startup-exemple")
        trial = Trial(title="Essai de phase II d'un nanobody dans le lupus (exemple fictif)", acronym="EXEMPLE-LUP",
                      sponsor=sponsor, phase="2", fictional=True)
        record_save(actor=None, record=trial, is_new=True)
        start = date(today.year - 1, 1, 15)
        for status, on in (("planned", start - timedelta(days=120)), ("open", start)):
            record_save(actor=None, record=TrialStatusChange(trial=trial, status=status, on=on), is_new=True)
        for key, target, counts, days in (("exemple-cic", 30, [4, 11, 19], 45), ("exemple-rhumato", 20, [2, 6, 9], 72)):
            ts = TrialSite(trial=trial, site=sites[key], target_inclusions=target)
            record_save(actor=None, record=ts, is_new=True)
            dossier = start - timedelta(days=days + 20)
            for step, on in (("dossier", dossier), ("signed", dossier + timedelta(days=days))):
                record_save(actor=None, record=ContractMilestone(trial_site=ts, step=step, on=on), is_new=True)
            for i, total in enumerate(counts):
                on = min(start + timedelta(days=90 * (i + 1)), today)
                record_save(actor=None, record=InclusionCount(trial_site=ts, on=on, total=total), is_new=True)
    return len(FICTIONAL_SITES) + 2
