"""The demo's antibody batch: the lab's member assesses trastuzumab and a fictional variant, shared with the lab."""

from guichet.accounts.models import User

from . import services
from .models import Assessment

TRASTUZUMAB_VH = ("EVQLVESGGGLVQPGGSLRLSCAASGFNIKDTYIHWVRQAPGKGLEWVARIYPTNGYTRYADSVKGRFTISADTSKNTAYLQMNSLRAEDTAVYY"
                  "CSRWGGDGFYAMDYWGQGTLVTVSS")
TRASTUZUMAB_VL = ("DIQMTQSPSSLSASVGDRVTITCRASQDVNTAVAWYQQKPGKAPKLLIYSASFLYSGVPSRFSGSRSGTDFTLTISSLQPEDFATYYCQQHYTTP"
                  "PTFGQGTKVEIK")
# A fictional variant: an N-glycosylation motif and a deamidation site written into the heavy chain's CDR2.
VARIANT_VH = TRASTUZUMAB_VH.replace("RIYPTNGYTRYADSVKG", "RIYPNGSYTRYADSVKG")
# French typography: a no-break space before ":" (a demo loaded before it had an ordinary one, still found).
TITLE = "Lot de démonstration\u00a0: trastuzumab et un variant (exemple fictif)"


def load_demo_antibodies() -> int:
    if Assessment.objects.filter(title__in=(TITLE, TITLE.replace("\u00a0", " "))).exists():
        return 0
    text = f"name,heavy,light\ntrastuzumab,{TRASTUZUMAB_VH},{TRASTUZUMAB_VL}\nvariant-fictif,{VARIANT_VH},{TRASTUZUMAB_VL}\n"
    services.assessment_create(owner=User.objects.get(email="member@demo.guichet.example"), title=TITLE, text=text,
                               cdr_scheme="imgt", shared_with_organization=True)
    return 2
