"""Demo hosting spaces on the cluster's real site, the Luminy science park in Marseille (CIML, CIPHE,
MI-mAbs and Innate Pharma are there: /work/shared/ecosystem-facts.md). The building, its spaces and the
contracts are fictional, and let only to the demo's fictional start-up and lab."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from guichet.accounts.models import User
from guichet.core.services import record_save
from guichet.directory.models import Organization
from guichet.directory.services import directory_record_save
from guichet.platforms.models import Platform

from . import services
from .models import Building

SITE = "Parc scientifique et technologique de Luminy, 13009 Marseille"
SPACES = [  # key, name, kind, m², seats, hourly rates (academic, start-up, industry)
    ("b101", "Bureau B101", "office", "18.50", 3, 0),
    ("b102", "Bureau B102", "office", "24.00", 4, 0),
    ("l201", "Paillasse L201 (L2)", "bench", "12.00", None, 0),
    ("l202", "Paillasse L202 (L2)", "bench", "12.00", None, 0),
    ("r001", "Salle de réunion Calanques", "meeting_room", "35.00", 12, ("15.00", "20.00", "30.00")),
    ("e003", "Salle équipements partagés (PSM2)", "equipment_room", "28.00", None, ("10.00", "15.00", "25.00")),
]


def load_demo_hosting() -> int:
    """The number of demo contracts (0 when the demo was loaded before)."""
    if Building.objects.filter(key="exemple-luminy-hotel").exists():
        return 0
    staff = User.objects.get(email="staff@demo.guichet.example")
    owner = Organization.objects.get(key="mib")
    platform = Platform(key="exemple.hebergement", name="Hébergement d'entreprises (exemple)", organization=owner,
                        description="Bureaux, paillasses et salles du bâtiment d'exemple de Luminy.")
    directory_record_save(actor=staff, record=platform, is_new=True)
    building = Building(key="exemple-luminy-hotel", name="Bâtiment d'hébergement Luminy (exemple)", site=SITE,
                        address="Luminy, 13009 Marseille", platform=platform)
    record_save(actor=staff, record=building, is_new=True)
    spaces = {}
    for key, name, kind, m2, seats, rates in SPACES:
        academic, startup, industry = rates or (0, 0, 0)
        spaces[key] = services.space_create(actor=staff, building=building, key=key, name=name, kind=kind,
                                            surface_m2=Decimal(m2), seats=seats, hourly_academic=Decimal(academic),
                                            hourly_startup=Decimal(startup), hourly_industry=Decimal(industry))
    today = timezone.localdate()
    startup = Organization.objects.get(key="startup-exemple")
    lab = Organization.objects.get(key="labo-exemple")
    contracts = [
        (spaces["b101"], startup, date(today.year - 1, 1, 1), date(today.year + 1, 12, 31), "18.50", "555.00"),
        (spaces["l201"], startup, date(today.year - 1, 6, 1), date(today.year + 1, 5, 31), "12.00", "420.00"),
        # A lab's bench over: occupancy and companies hosted as of last year differ from today's.
        (spaces["l202"], lab, date(today.year - 2, 1, 1), today - timedelta(days=120), "12.00", "380.00"),
    ]
    for space, company, start, end, m2, price in contracts:
        services.contract_create(actor=staff, space=space, company=company, start=start, end=end,
                                 surface_m2=Decimal(m2), monthly_price=Decimal(price))
    return len(contracts)
