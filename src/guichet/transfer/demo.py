"""Demo technology transfer: SATT Sud-Est as an office (a public fact; nothing invented about it), and a
fictional office with a fictional disclosure, IP family, maturation project, offer and licence."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from guichet.accounts.models import Role, User
from guichet.accounts.services import membership_add
from guichet.core.services import record_save
from guichet.directory.models import Organization
from guichet.directory.services import directory_import

from . import services
from .models import (
    IPFamily,
    Licence,
    LicenceMilestone,
    MaturationProject,
    Office,
    PatentApplication,
    RoyaltyLine,
    TechnologyOffer,
)

# SATT Sud-Est's profile, from the ecosystem facts (sattse.com, La Tribune 2020, Monaco-Matin 2022).
SATT_PROFILE = {
    "summary": "Société d'accélération du transfert de technologies créée en 2012, installée au Silo à Marseille. "
               "Elle détecte et évalue les inventions des laboratoires, finance leur maturation jusqu'au prototype "
               "et les licencie aux entreprises ; ses « diagnostics » rapprochent les travaux "
               "académiques des besoins des entreprises.",
    "services": "Détection et évaluation des inventions\nProtection de la propriété intellectuelle\n"
                "Financement de la maturation jusqu'au prototype\nLicences aux entreprises\n"
                "Diagnostics des besoins des entreprises",
    "territory": "Provence-Alpes-Côte d'Azur et Corse",
}
FICTIONAL_PROFILE = {
    "summary": "Bureau de transfert fictif, pour la démonstration : il reçoit les déclarations d'invention, "
               "protège, mûrit et licencie (exemple fictif).",
    "services": "Déclarations d'invention\nBrevets\nMaturation\nLicences (exemple fictif)",
    "territory": "Marseille (exemple fictif)",
    "contact_email": "transfert@demo.guichet.example",
}
OFFICER_NAME = "Nadia Ferrand"
OFFICER = "transfer@demo.guichet.example"


def load_demo_transfer(password: str) -> int:
    if Office.objects.exists():
        return 0
    directory_import(actor=None, payload={"format": "guichet-directory", "version": 1, "organizations": [
        {"key": "exemple-valorisation", "name": "Bureau de transfert de technologies (exemple fictif)",
         "kind": "support", "lang": "fr", "city": "Marseille",
         "description": "Office de transfert fictif, pour la démonstration (exemple fictif)."}]})
    with transaction.atomic():
        if satt := Organization.objects.filter(key="satt-sud-est").first():
            # Its profile says only what the ecosystem facts say (no contact address is invented).
            record_save(actor=None, record=Office(organization=satt, **SATT_PROFILE), is_new=True)
        office = Office(organization=Organization.objects.get(key="exemple-valorisation"), **FICTIONAL_PROFILE)
        record_save(actor=None, record=office, is_new=True)
        # A person's name, the same in every language (the role is said by the pages: a French-only title read
        # as the name on English pages).
        officer = User.objects.filter(email=OFFICER).first() or User.objects.create_user(
            OFFICER, password, full_name=OFFICER_NAME, role=Role.MEMBER)
        if officer.full_name != OFFICER_NAME:
            User.objects.filter(pk=officer.pk).update(full_name=OFFICER_NAME)
        membership_add(actor=None, user=officer, organization=office.organization)
    services.disclosure_submit(
        actor=User.objects.get(email="member@demo.guichet.example"), office=office,
        title="Anticorps bispécifique anti-IFNAR × BDCA2 (exemple fictif)",
        summary="Description confidentielle d'une invention fictive, pour la démonstration (exemple fictif).",
        disclosed_on=date(2025, 1, 20))
    with transaction.atomic():
        family = IPFamily(office=office, reference="EXEMPLE-2025-01", title="Anticorps anti-IFNAR (exemple fictif)")
        record_save(actor=None, record=family, is_new=True)
        for patent_office, number, filed in (("FR", "EXEMPLE-FR-0001", date(2025, 3, 10)),
                                             ("WO", "EXEMPLE-WO-0001", date(2026, 3, 9))):
            record_save(actor=None, record=PatentApplication(family=family, patent_office=patent_office,
                                                             number=number, filed_on=filed), is_new=True)
        record_save(actor=None, record=MaturationProject(office=office, title="Preuve de concept in vivo (exemple fictif)",
                                                         family=family, budget_eur=Decimal("150000.00"),
                                                         started_on=date(2025, 6, 1)), is_new=True)
        offer = TechnologyOffer(office=office, family=family, fictional=True, published_on=date(2025, 9, 1),
                                title="Anticorps anti-IFNAR pour le lupus, à licencier (exemple fictif)",
                                summary="Anticorps monoclonal bloquant le récepteur de l'interféron de type I, "
                                        "pour le lupus érythémateux systémique\u00a0: données précliniques, brevet "
                                        "déposé, licence proposée (exemple fictif).",
                                keywords="anticorps, lupus, interféron, IFNAR")
        record_save(actor=None, record=offer, is_new=True)
        licence = Licence(office=office, family=family, offer=offer, signed_on=date(2026, 2, 1),
                          licensee=Organization.objects.get(key="startup-exemple"), exclusive=True)
        record_save(actor=None, record=licence, is_new=True)
        record_save(actor=None, record=LicenceMilestone(licence=licence, label="Signature (exemple fictif)",
                                                        amount_eur=Decimal("50000.00"), due_on=date(2026, 3, 1),
                                                        paid_on=date(2026, 3, 1)), is_new=True)
        record_save(actor=None, record=RoyaltyLine(licence=licence, period_end=date(2026, 9, 30),
                                                   amount_eur=Decimal("3200.00"), received_on=date(2026, 10, 15)),
                    is_new=True)
    return 2
