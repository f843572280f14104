"""A call shared by the calls tests: open, a public-private consortium required, a ceiling of 50,000 EUR, a grid of
two criteria, its deadline in ten days; and a member's complete draft led by lab-tcell with acme-bio as partner."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from guichet.accounts.models import Membership
from guichet.calls import services
from guichet.calls.models import Call, Criterion
from guichet.directory.models import Organization


def make_call(*, key="amorcage", deadline_in=timedelta(days=10), consortium=True, ceiling="50000", status="open"):
    now = timezone.now().replace(microsecond=0)
    call = Call.objects.create(key=key, status=status, title_fr="Appel à projets d'amorçage",
                               title_en="Seed call for projects", text_fr="Texte de l'appel.", text_en="The call's text.",
                               opens_at=now - timedelta(days=5), deadline=now + deadline_in,
                               eligible_kinds=["research_lab", "startup", "company", "hospital"],
                               consortium_required=consortium, budget_ceiling_eur=Decimal(ceiling))
    Criterion.objects.create(call=call, label_fr="Excellence scientifique", label_en="Scientific excellence",
                             weight=Decimal("2"), max_score=5, position=1)
    Criterion.objects.create(call=call, label_fr="Impact économique", label_en="Economic impact", weight=Decimal("1"),
                             max_score=5, position=2)
    return call


def make_draft(applicant, call, *, acronym="CYTO-X", amount="40000", partner="acme-bio"):
    lab = Organization.objects.get(key="lab-tcell")
    Membership.objects.get_or_create(user=applicant, organization=lab)
    proposal = services.proposal_create(actor=applicant, call=call, lead=lab, acronym=acronym,
                                        title="Tri cellulaire des lymphocytes T")
    return services.proposal_update(
        actor=applicant, proposal=proposal,
        texts={"summary": "Un résumé confidentiel du projet.", "milestones": "M6 — panel\nM12 — essai"},
        partners=[Organization.objects.get(key=partner)] if partner else [],
        budget=[("staff", "Ingénieur", amount), ("services", "Plateforme de cytométrie", "5000")])
