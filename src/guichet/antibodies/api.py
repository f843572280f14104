from typing import Literal

from ninja import Field, Router, Schema

from guichet.core.api_auth import MEMBERS_WRITE
from guichet.core.api_errors import errors

from . import engine

router = Router(tags=["antibodies"])


class AssessIn(Schema):
    # What engine.parse_input reads: FASTA (a first line starting with ">"), or CSV whose header is
    # name,heavy,light followed by at least one row that is not blank (the engine strips the text, and str.strip
    # also drops \x1c-\x1f, which JSON Schema's \s does not name: a header and blanks only was schema-valid, then
    # refused with a 400; schemathesis against gunicorn, issue 9 review). A chain that is not an antibody is
    # reported in the 200. No NUL or U+FFFD anywhere: the engine takes them for a binary file.
    text: str = Field(..., max_length=engine.MAX_TEXT_LENGTH,
                      pattern=r"^\ufeff?\s*(>|[Nn]ame(,[Hh]eavy,|;[Hh]eavy;|\t[Hh]eavy\t)[Ll]ight\r?\n[\s\x1c-\x1f\x85]*[^\s\x1c-\x1f\x85\x00\ufffd])"
                              r"[^\x00\ufffd]*$",
                      description="FASTA, or CSV/TSV with the header name,heavy,light and one row per antibody")
    cdr_scheme: Literal["imgt", "kabat", "chothia"] = "imgt"


class LiabilityOut(Schema):
    kind: str
    motif: str
    position: int = Field(..., description="1-based, in the submitted sequence")
    region: str


class ChainOut(Schema):
    sequence: str
    errors: list[str] = Field(..., description="Why the chain could not be assessed (then the rest is empty).")
    chain_type: str = Field(..., description="H, K or L")
    imgt: list[str] = Field(..., description="IMGT position of each residue")
    kabat: list[str]
    regions: list[str] = Field(..., description="Region of each residue (fmwk1, cdr1...) in the chosen scheme")
    cdrs: dict[str, str]
    v_gene: str
    j_gene: str
    v_identity: float | None
    j_identity: float | None
    oasis_9mer: float | None
    liabilities: list[LiabilityOut]


class HumannessOut(Schema):
    v_identity: float | None
    v_identity_percentile: float | None
    oasis_9mer: float | None
    oasis_9mer_percentile: float | None


class MetricOut(Schema):
    value: int | float  # counts stay whole numbers
    percentile: float | None = Field(..., description="Among approved therapeutics (Thera-SAbDab)")
    band: str = Field(..., description="green, amber, red or unknown")
    estimate: str


class ReportOut(Schema):
    name: str
    heavy: ChainOut | None
    light: ChainOut | None
    cdr_scheme: str
    developability: dict[str, MetricOut]
    humanness: dict[str, HumannessOut] = Field(..., description="per chain: heavy, light")


@router.post("/assess", response={200: list[ReportOut], **errors(400, 401, 422)}, auth=MEMBERS_WRITE,
             summary="Assess antibody variable domains (numbering, CDRs, germlines, humanness, liabilities)")
def assess(request, payload: AssessIn):
    # Input the engine cannot read (InputError) answers 400 naming `text` (config/api.py DOMAIN_ERRORS).
    reports = engine.assess_batch(payload.text, cdr_scheme=payload.cdr_scheme,
                                  max_antibodies=engine.MAX_ANTIBODIES_PER_REQUEST)
    return 200, [r.as_dict() for r in reports]   # every one: a larger batch is refused above, never cut
