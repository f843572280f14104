"""Demo jobs and talent, all fictional and labelled so, posted by the two fictional organizations of the demo
(the lab and the start-up): open positions, one filled last spring and one that expired, with applications.
Written through the services (audited), with `now=` set to when each step would have happened."""

from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guichet.accounts.models import User
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization

from . import services
from .models import Posting


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), PARIS)


def demo_cv(name: str) -> SimpleUploadedFile:
    """A one-page PDF CV saying it is a fictional example (a real PDF: the upload check reads its first bytes)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 770, f"{name} (CV fictif / fictional CV)")
    page.drawString(72, 750, "Exemple de démonstration de Guichet\u00a0: aucune personne réelle.")
    page.save()
    return SimpleUploadedFile(f"cv-{name.split()[0].lower()}.pdf", buffer.getvalue(), "application/pdf")


def load_demo_talent() -> int:
    if Posting.objects.exists():
        return 0
    member = User.objects.get(email="member@demo.guichet.example")
    founder = User.objects.get(email="founder@demo.guichet.example")
    lab = Organization.objects.get(key="labo-exemple")
    startup = Organization.objects.get(key="startup-exemple")
    today = timezone.localdate()
    made = []

    def post(actor, organization, days_ago, **fields):
        posting = services.posting_create(actor=actor, organization=organization, now=_at(today - timedelta(days=days_ago)),
                                          **fields)
        made.append(posting)
        return posting

    engineer = post(founder, startup, 12, kind=Posting.Kind.JOB, contract=Posting.Contract.PERMANENT, language="fr",
                    title="Ingénieur·e en ingénierie d'anticorps VHH (exemple fictif)",
                    description="Poste fictif de démonstration. Au sein d'une jeune pousse (fictive) qui développe des "
                                "anticorps à domaine unique (VHH), vous conduisez la sélection par phage display, "
                                "la production en E. coli et la caractérisation (SPR, cytométrie).\n\nProfil\u00a0: master "
                                "ou diplôme d'ingénieur en biotechnologie, une première expérience en ingénierie "
                                "d'anticorps.", location="Marseille (Luminy)", expires_on=today + timedelta(days=40))
    post(member, lab, 20, kind=Posting.Kind.PHD, contract=Posting.Contract.DOCTORAL, language="en",
         title="PhD position: T-cell exhaustion in chronic inflammation (fictional example)",
         description="A fictional demo position. Three-year doctoral contract in a (fictional) translational "
                     "immunology lab: single-cell profiling of exhausted T cells in patients' samples, spectral flow "
                     "cytometry, functional assays.\n\nMaster's degree in immunology or cell biology.",
         location="Marseille", starts_on=date(today.year + (today.month > 9), 10, 1),
         expires_on=today + timedelta(days=60))
    post(member, lab, 5, kind=Posting.Kind.INTERNSHIP, contract=Posting.Contract.INTERNSHIP, language="fr",
         title="Stage de master 2\u00a0: cytométrie spectrale (exemple fictif)",
         description="Stage fictif de démonstration, six mois\u00a0: mise au point d'un panel de cytométrie spectrale "
                     "pour le suivi immunitaire, analyse des données (FlowJo, R).", location="Marseille",
         expires_on=today + timedelta(days=75))
    # A position filled last spring, through an application made on Guichet.
    spring = post(founder, startup, 230, kind=Posting.Kind.JOB, contract=Posting.Contract.FIXED_TERM, language="fr",
                  title="Technicien·ne de laboratoire, production de protéines (exemple fictif)",
                  description="Poste fictif de démonstration, CDD de 18 mois\u00a0: expression et purification de "
                              "protéines recombinantes.", location="Marseille", expires_on=today - timedelta(days=170))
    hired = services.application_create(actor=member, posting=spring, full_name=member.get_full_name(),
                                        letter="Candidature fictive de démonstration.",
                                        cv=demo_cv(member.get_full_name()), now=_at(today - timedelta(days=220)))
    services.posting_close(actor=founder, posting=spring, outcome=Posting.Status.FILLED, hired=hired,
                           now=_at(today - timedelta(days=190)))
    # A visitor applies to the open engineer position (confirmed by their e-mailed link).
    visitor = services.application_create(actor=None, posting=engineer, full_name="Camille Exemple",
                                          email="camille.exemple@example.org", letter="Candidature fictive.",
                                          cv=demo_cv("Camille Exemple"), language="fr", client_address="127.0.0.1",
                                          now=_at(today - timedelta(days=3)))
    services.application_confirm(token=visitor.token, now=_at(today - timedelta(days=3), 11))
    # A post-doc offer whose date passed: the clock closes it as expired.
    post(member, lab, 100, kind=Posting.Kind.POSTDOC, contract=Posting.Contract.FIXED_TERM, language="en",
         title="Post-doctoral fellow, antibody repertoire sequencing (fictional example)",
         description="A fictional demo position: B-cell receptor repertoire sequencing and analysis.",
         location="Marseille", expires_on=today - timedelta(days=10))
    services.postings_expire(now=_at(today - timedelta(days=9)))
    return len(made)
