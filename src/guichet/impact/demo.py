"""Several years of fictional history (2019 onwards) so that every chart of the dashboard means something.

Every organization, start-up, partnership and programme here is a fictional example, labelled as such:
nothing is invented about the real organizations of the directory.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import User
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.directory.services import directory_import
from guichet.partnerships.models import Partnership, PartnershipStageChange, PartnershipType, Stage
from guichet.programmes.models import (
    Format,
    Indication,
    Programme,
    ProgrammeStage,
    ProgrammeStageChange,
    Visibility,
)
from guichet.startups.models import FundingRound, Headcount, Milestone, Origin, Startup, StartupStage

F = " (exemple fictif)"
NAMES = ["Alpha", "Bêta", "Gamma", "Delta", "Epsilon", "Zêta", "Êta", "Thêta", "Iota", "Kappa", "Lambda", "Mu"]
AREAS = ["autoimmune", "chronic_inflammatory", "cancer", "infectious"]


def _validated(day: date) -> datetime:
    """The team validated a demo headcount a week after the day it describes (never after now)."""
    return min(datetime.combine(day + timedelta(days=7), time(10), PARIS), timezone.now())


def load_demo_impact(today: date | None = None) -> int:
    if Startup.objects.exists():
        return 0
    today = today or date.today()
    rng = random.Random(2030)
    orgs = [{"key": f"demo-startup-{i}", "name": f"Start-up {n}{F}", "kind": "startup", "city": "Marseille",
             "lang": "fr", "description": "Start-up fictive de démonstration en immunothérapie par anticorps.",
             "therapeutic_areas": [AREAS[i % 4]]} for i, n in enumerate(NAMES)]
    orgs += [{"key": "demo-pharma", "name": f"Groupe pharmaceutique{F}", "kind": "company", "lang": "fr",
              "description": "Industriel fictif de démonstration."},
             {"key": "demo-cro", "name": f"CRO anticorps{F}", "kind": "company", "lang": "fr",
              "description": "Prestataire fictif de démonstration."},
             {"key": "demo-fund", "name": f"Fonds d'amorçage{F}", "kind": "investor", "lang": "fr",
              "description": "Investisseur fictif de démonstration."}]
    directory_import(actor=None, payload={"format": "guichet-directory", "version": 1, "organizations": orgs})
    founder = User.objects.filter(email="founder@demo.guichet.example").first()
    staff = User.objects.filter(email="staff@demo.guichet.example").first()
    lab = Organization.objects.get(key="labo-exemple")
    fund, pharma, cro = (Organization.objects.get(key=k) for k in ("demo-fund", "demo-pharma", "demo-cro"))
    with transaction.atomic():
        startups = []
        for i, _name in enumerate(NAMES):
            org = Organization.objects.get(key=f"demo-startup-{i}")
            founded = date(2019 + i * 7 // len(NAMES), 1 + (i * 5) % 12, 1 + (i * 7) % 27)
            if founded > today:
                continue
            startup = Startup.objects.create(organization=org, founded_on=founded,
                                             origin=[Origin.SPINOFF, Origin.TTO, Origin.OTHER][i % 3],
                                             stage=[StartupStage.SEED, StartupStage.PRECLINICAL,
                                                    StartupStage.CLINICAL][i % 3])
            startup.support.add(fund)
            startups.append(startup)
            staff_count = 2
            day = founded
            while day <= today:
                Headcount.objects.create(organization=org, on=day, headcount=staff_count, validated_at=_validated(day))
                staff_count += rng.randint(0, 6)
                day += timedelta(days=365)
            for r, kind in enumerate(["Pre-seed", "Seed", "Series A"][: 1 + i % 3]):
                on = founded + timedelta(days=200 + 420 * r)
                if on <= today:
                    FundingRound.objects.create(startup=startup, on=on, kind=kind, investors=f"Fonds d'amorçage{F}",
                                                validated_at=_validated(on),
                                                amount_eur=Decimal(rng.choice([300, 800, 1500, 4000, 12000])) * 1000)
            Milestone.objects.create(startup=startup, on=founded, title="Création (exemple fictif)")
        # The founder's own start-up: the organization of their membership (loaddemo), with its history.
        own = Organization.objects.filter(key="startup-exemple").first()
        if own is not None and not Startup.objects.filter(organization=own).exists():
            founded = min(date(2021, 5, 17), today)
            startup = Startup.objects.create(organization=own, founded_on=founded, origin=Origin.SPINOFF,
                                             stage=StartupStage.PRECLINICAL)
            startup.support.add(fund)
            if founder:
                startup.founders.add(founder)
            startups.insert(0, startup)
            counts = [2, 4, 7, 9, 12, 15]
            for year, count in enumerate(counts):
                on = date(founded.year + year, founded.month, founded.day)
                if on <= today:
                    # The founder's latest figure waits for the team: the jobs KPI counts it once validated.
                    Headcount.objects.create(organization=own, on=on, headcount=count,
                                             validated_at=None if year == len(counts) - 1 else _validated(on))
            for r, (kind, amount) in enumerate([("Pre-seed", 400), ("Seed", 2500)]):
                on = founded + timedelta(days=180 + 400 * r)
                if on <= today:
                    FundingRound.objects.create(startup=startup, on=on, kind=kind, investors=f"Fonds d'amorçage{F}",
                                                validated_at=_validated(on),
                                                amount_eur=Decimal(amount) * 1000)
            Milestone.objects.create(startup=startup, on=founded, title="Création (exemple fictif)")
        for org in (lab, pharma, cro):
            for year in range(2019, today.year + 1):
                Headcount.objects.get_or_create(organization=org, on=date(year, 6, 30),
                                                defaults={"headcount": {"labo-exemple": 25, "demo-pharma": 120,
                                                                        "demo-cro": 40}[org.key] + 3 * (year - 2019)})
        stages = [Stage.LEAD, Stage.NDA, Stage.NEGOTIATION, Stage.SIGNED, Stage.ACTIVE, Stage.COMPLETED]
        for i in range(24):
            start = date(2019, 3, 1) + timedelta(days=rng.randint(0, (today - date(2019, 3, 1)).days))
            partner = rng.choice([pharma, cro, *[s.organization for s in startups]])
            parties = [lab, partner] if i % 4 else [pharma, rng.choice([s.organization for s in startups] or [cro])]
            # Created and confirmed when it started, not when the demo was loaded.
            opened = datetime.combine(start, time(10), PARIS)
            p = Partnership.objects.create(
                title=f"Partenariat {i + 1}{F}", type=rng.choice(PartnershipType.values), created_by=staff,
                created_at=opened, confirmed_at=opened + timedelta(hours=2), confirmed_by=staff,
                value_eur=Decimal(rng.choice([50, 120, 300, 800, 2000])) * 1000)
            p.parties.add(*parties)
            furthest = rng.choice([0, 1, 2, 3, 3, 4, 5]) if i % 7 else 6  # some are lost
            day = start
            for stage in (stages[: furthest + 1] if furthest < 6 else [Stage.LEAD, Stage.LOST]):
                if day > today:
                    break
                PartnershipStageChange.objects.create(partnership=p, stage=stage, on=day, actor=staff)
                day += timedelta(days=rng.randint(20, 120))
        order = [s.value for s in ProgrammeStage if s != ProgrammeStage.STOPPED]
        for i in range(10):
            owner = startups[i % len(startups)].organization if startups else lab
            prog = Programme.objects.create(
                code=f"DEMO-{i + 1:02d}", name=f"Anticorps {NAMES[i]}{F}", owner=owner, target=f"Cible-{i + 1}",
                format=rng.choice(Format.values), visibility=[Visibility.PUBLIC, Visibility.PUBLIC,
                                                              Visibility.MEMBERS, Visibility.PRIVATE][i % 4])
            Indication.objects.create(programme=prog, name=f"Indication {i + 1} (exemple fictif)",
                                      therapeutic_area=AREAS[i % 4])
            day = date(2019, 1, 15) + timedelta(days=90 * i)
            for stage in order[: 1 + (i * 3) % 6]:
                if day > today:
                    break
                ProgrammeStageChange.objects.create(programme=prog, stage=stage, on=day)
                day += timedelta(days=rng.randint(150, 500))
    return len(startups)


# --- annual report ---
def load_demo_annual_report() -> int:
    """The 2025 France 2030 report, in French, with its narrative written (staff generate it from its page)."""
    from datetime import date

    from guichet.accounts.models import User

    from .models import AnnualReport, ReportTemplate
    from .services import annual_report_create, annual_report_write

    if AnnualReport.objects.exists() or not ReportTemplate.objects.filter(key="france-2030").exists():
        return 0
    staff = User.objects.get(email="staff@demo.guichet.example")
    report = annual_report_create(actor=staff, template=ReportTemplate.objects.get(key="france-2030"), year=2025,
                                  language="fr", as_of=date(2026, 3, 31))
    annual_report_write(actor=staff, report=report, narratives={
        "summary": "En 2025, le biocluster a accompagné ses membres dans leurs projets de transfert (exemple fictif "
                   "pour la démonstration).\n\nLes chiffres déclarés par les organisations ont été validés par "
                   "l'équipe au vu de leurs justificatifs.",
        "outlook": "En 2026\u00a0: nouvelles formations sur les plateformes et premier Partnering Day (exemple fictif)."})
    return 1
