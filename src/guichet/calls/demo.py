"""Demo calls for projects, all fictional and labelled so (no real funder's call is described): a closed seed call
whose two proposals were reviewed and decided (one funded, which became a partnership), and an open call with a
draft. The proposals are the two fictional organizations' (the lab and the start-up). Written through the services
(audited), with `now=` set to when each step would have happened."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from guichet.accounts.models import User
from guichet.directory.models import Organization

from . import services
from .models import Call, Criterion


def _call(key, fr, en, text_fr, text_en, *, opens, deadline, ceiling, consortium):
    call = Call.objects.create(key=key, status=Call.Status.OPEN, title_fr=fr, title_en=en, text_fr=text_fr,
                               text_en=text_en, opens_at=opens, deadline=deadline, consortium_required=consortium,
                               eligible_kinds=["research_lab", "hospital", "startup", "company"],
                               budget_ceiling_eur=Decimal(ceiling))
    for n, (label_fr, label_en, weight) in enumerate((
            ("Excellence scientifique et technique", "Scientific and technical excellence", "2"),
            ("Retombées économiques et cliniques", "Economic and clinical impact", "2"),
            ("Qualité du consortium", "Quality of the consortium", "1")), start=1):
        Criterion.objects.create(call=call, label_fr=label_fr, label_en=label_en, weight=Decimal(weight), max_score=5,
                                 position=n)
    return call


def load_demo_calls() -> int:
    if Call.objects.exists():
        return 0
    staff = User.objects.get(email="staff@demo.guichet.example")
    member = User.objects.get(email="member@demo.guichet.example")
    founder = User.objects.get(email="founder@demo.guichet.example")
    reviewer = User.objects.filter(email="cic@demo.guichet.example").first()  # a clinical site's account (not a party)
    lab = Organization.objects.get(key="labo-exemple")
    startup = Organization.objects.get(key="startup-exemple")
    now = timezone.now().replace(microsecond=0)

    closed = _call("amorcage-2026", "Appel à projets d'amorçage public-privé (exemple fictif)",
                   "Public-private seed call for projects (fictional example)",
                   "Appel fictif de démonstration. Il finance des projets de douze mois associant un laboratoire ou un "
                   "hôpital et une entreprise autour d'un anticorps thérapeutique\u00a0: preuve de concept, données "
                   "précliniques, premiers lots.",
                   "A fictional demo call. It funds twelve-month projects joining a lab or hospital and a company "
                   "around a therapeutic antibody: proof of concept, preclinical data, first batches.",
                   opens=now - timedelta(days=200), deadline=now - timedelta(days=120), ceiling="80000",
                   consortium=True)
    funded = services.proposal_create(actor=member, call=closed, lead=lab, acronym="VHH-TREG",
                                      title="VHH anti-CD25 épargnant la signalisation IL-2 (exemple fictif)",
                                      now=now - timedelta(days=150))
    services.proposal_update(actor=member, proposal=funded, now=now - timedelta(days=130), texts={
        "summary": "Projet fictif\u00a0: sélection et caractérisation de VHH dirigés contre CD25.",
        "objectives": "Sélection par phage display, caractérisation par SPR et cytométrie, preuve de concept in vitro.",
        "impact": "Une licence d'option pour la jeune pousse partenaire.",
        "milestones": "M4 — panel de VHH\nM8 — affinités mesurées\nM12 — preuve de concept"},
        partners=[startup], budget=[("staff", "Ingénieur d'études, 12 mois", "52000"),
                                    ("services", "Plateforme de cytométrie (exemple)", "9000"),
                                    ("consumables", "Réactifs", "7000")])
    services.proposal_submit(actor=member, proposal=funded, now=now - timedelta(days=125))
    other = services.proposal_create(actor=founder, call=closed, lead=startup, acronym="BISPEC",
                                     title="Anticorps bispécifique pour le lupus (exemple fictif)",
                                     now=now - timedelta(days=140))
    services.proposal_update(actor=founder, proposal=other, now=now - timedelta(days=122), texts={
        "summary": "Projet fictif\u00a0: format bispécifique et premiers tests sur cellules de patients."},
        partners=[lab], budget=[("staff", "Post-doctorant", "60000"), ("equipment", "Petit équipement", "15000")])
    services.proposal_submit(actor=founder, proposal=other, now=now - timedelta(days=121))
    services.calls_tick(now=now - timedelta(days=119))  # the deadline passed: the call goes to review
    if reviewer is not None:
        for proposal, marks in ((funded, (5, 4, 4)), (other, (3, 3, 4))):
            assignment = services.assignment_create(actor=staff, proposal=proposal, reviewer=reviewer,
                                                    now=now - timedelta(days=110))
            services.assignment_declare(actor=reviewer, assignment=assignment, conflict=False,
                                        now=now - timedelta(days=108))
            scores = {str(c.pk): m for c, m in zip(closed.criteria.all(), marks, strict=True)}
            services.review_submit(actor=reviewer, assignment=assignment, scores=scores,
                                   comment="Évaluation fictive de démonstration.", now=now - timedelta(days=100))
    services.proposal_decide(actor=staff, proposal=funded, award=True, amount="60000", now=now - timedelta(days=90),
                             reason="Décision fictive\u00a0: projet le mieux classé, budget ramené à 60 000 EUR.")
    services.proposal_decide(actor=staff, proposal=other, award=False, now=now - timedelta(days=90),
                             reason="Décision fictive\u00a0: preuve de concept encore trop précoce\u00a0; à représenter.")
    # The partnership the award made is dated by the decision, as the demo's histories are (not by today's run).
    from guichet.partnerships.models import Partnership

    funded.refresh_from_db()
    if funded.partnership_id:
        decided = now - timedelta(days=90)
        Partnership.objects.filter(pk=funded.partnership_id).update(
            created_at=decided, **({"confirmed_at": decided} if funded.partnership.confirmed_at else {}))

    open_call = _call("plateformes-2027", "Appel à projets\u00a0: usage des plateformes technologiques (exemple fictif)",
                      "Call for projects: using the technology platforms (fictional example)",
                      "Appel fictif de démonstration. Il finance des prestations des plateformes du réseau pour des "
                      "projets collaboratifs.",
                      "A fictional demo call. It funds services of the network's platforms for joint projects.",
                      opens=now - timedelta(days=10), deadline=now + timedelta(days=45), ceiling="30000",
                      consortium=False)
    draft = services.proposal_create(actor=founder, call=open_call, lead=startup, acronym="CYTO-SPEC",
                                     title="Profilage spectral de lymphocytes T (exemple fictif)",
                                     now=now - timedelta(days=3))
    services.proposal_update(actor=founder, proposal=draft, now=now - timedelta(days=3),
                             texts={"summary": "Brouillon fictif de démonstration."},
                             budget=[("services", "Plateforme de cytométrie (exemple)", "12000")])
    return 2
