"""Demo declaration campaigns: the 2025 campaign (closed: two organizations validated with their evidence, one
returned then corrected and validated), and the 2026 one as a draft for staff to open. Fictional figures of
the fictional organizations only."""

from datetime import date, datetime, time
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.accounts.models import User
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization

from . import services
from .models import Campaign, Declaration


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), PARIS)


def _evidence_pdf(title: str) -> SimpleUploadedFile:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, title)
    page.drawString(72, 740, "Justificatif fictif, pour la démonstration.")
    page.save()
    return SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.pdf", buffer.getvalue(), "application/pdf")


def load_demo_declarations() -> int:
    if Campaign.objects.exists():
        return 0
    staff = User.objects.get(email="staff@demo.guichet.example")
    member = User.objects.get(email="member@demo.guichet.example")
    founder = User.objects.get(email="founder@demo.guichet.example")
    campaign = services.campaign_create(
        actor=staff, title="Déclarations annuelles 2025", year=2025, deadline=date(2026, 2, 27),
        cluster_funding_eur=Decimal("1200000.00"),
        message="Merci de déclarer les chiffres de votre organisation pour 2025, avec vos justificatifs.")
    services.campaign_open(actor=staff, campaign=campaign, now=_at(date(2026, 1, 12)))
    lab = Declaration.objects.get(campaign=campaign, organization=Organization.objects.get(key="labo-exemple"))
    services.declaration_submit(
        actor=member, declaration=lab, now=_at(date(2026, 2, 3)),
        figures={"headcount": 42, "jobs_created": 3, "jobs_maintained": 39, "funds_public_eur": "850000",
                 "funds_private_eur": "120000", "publications": 11, "patents": 1, "trials": 0,
                 "people_trained": 25, "satisfaction": 4},
        comment="Publications\u00a0: liste HAL jointe.", files=[_evidence_pdf("Publications 2025")])
    services.declaration_validate(actor=staff, declaration=lab, now=_at(date(2026, 2, 10)))
    startup = Declaration.objects.get(campaign=campaign,
                                      organization=Organization.objects.get(key="startup-exemple"))
    services.declaration_submit(
        actor=founder, declaration=startup, now=_at(date(2026, 2, 5)),
        figures={"headcount": 14, "jobs_created": 6, "jobs_maintained": 8, "funds_public_eur": "400000",
                 "funds_private_eur": "2500000", "publications": 2, "patents": 2, "implanted": True,
                 "satisfaction": 5}, files=[_evidence_pdf("Levée de fonds 2025")])
    services.declaration_return(actor=staff, declaration=startup, now=_at(date(2026, 2, 9)),
                                reason="Le montant privé ne correspond pas au justificatif\u00a0: merci de le corriger.")
    startup.refresh_from_db()
    services.declaration_submit(
        actor=founder, declaration=startup, now=_at(date(2026, 2, 12)),
        figures={"headcount": 14, "jobs_created": 6, "jobs_maintained": 8, "funds_public_eur": "400000",
                 "funds_private_eur": "2000000", "publications": 2, "patents": 2, "implanted": True,
                 "satisfaction": 5}, files=[_evidence_pdf("Levée de fonds 2025 corrigée")])
    services.declaration_validate(actor=staff, declaration=startup, now=_at(date(2026, 2, 16)))
    services.campaign_close(actor=staff, campaign=campaign, now=_at(date(2026, 3, 2)))
    services.campaign_create(actor=staff, title="Déclarations annuelles 2026", year=2026, deadline=date(2027, 1, 29),
                             cluster_funding_eur=Decimal("1250000.00"))
    return 2
