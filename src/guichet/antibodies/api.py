from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema

from guichet.core import api_types
from guichet.core.api_auth import MEMBERS, MEMBERS_WRITE, api_user
from guichet.core.api_errors import errors
from guichet.core.api_types import MAX_ID

from . import engine, selectors, services
from .permissions import assessments_visible_to

router = Router(tags=["antibodies"])


TEXT_PATTERN = (r"^\ufeff?\s*(>|[Nn]ame(,[Hh]eavy,|;[Hh]eavy;|\t[Hh]eavy\t)[Ll]ight\r?\n[\s\x1c-\x1f\x85]*"
                r"[^\s\x1c-\x1f\x85\x00\ufffd])[^\x00\ufffd]*$")


class AssessIn(Schema):
    # What engine.parse_input reads: FASTA (a first line starting with ">"), or CSV whose header is
    # name,heavy,light followed by at least one row that is not blank (the engine strips the text, and str.strip
    # also drops \x1c-\x1f, which JSON Schema's \s does not name: a header and blanks only was schema-valid, then
    # refused with a 400; schemathesis against gunicorn, issue 9 review). A chain that is not an antibody is
    # reported in the 200. No NUL or U+FFFD anywhere: the engine takes them for a binary file.
    text: str = Field(..., max_length=engine.MAX_TEXT_LENGTH, pattern=TEXT_PATTERN,
                      description="FASTA, or CSV/TSV with the header name,heavy,light and one row per antibody")
    cdr_scheme: Literal["imgt", "kabat", "chothia"] = "imgt"


class LiabilityOut(Schema):
    kind: str
    motif: str
    position: int = Field(..., description="1-based, in the submitted sequence")
    region: str
    number: str = Field("", description="The residue's position in the chosen numbering")
    domain_position: int = Field(0, description="1-based, in the variable domain assessed")
    source: str = Field("", description="Key of the rule's literature reference")


class NearestOut(Schema):
    name: str
    stage: str
    status: str
    target: str
    format: str
    identity: float = Field(..., description="Identity over the domain's IMGT positions")
    cdr_identity: dict[str, float]


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
    nonhuman_9mers: list[int] = Field([], description="1-based starts, in the domain, of its 9-mers not found in the "
                                                      "human repertoires of OAS (the per-residue humanness map)")
    liabilities: list[LiabilityOut]
    warnings: list[str] = Field([], description="Accepted with a warning (e.g. an unusual conserved residue)")
    numbering: list[str] = Field([], description="Position of each residue in the chosen scheme")
    v_genes: list[str] = Field([], description="Every human V germline tied at the best identity")
    j_genes: list[str] = []
    species: str = ""
    species_v_gene: str = ""
    species_v_identity: float | None = None
    source: str = Field("", description="heavy or light: the submitted chain the domain was found in")
    submitted_length: int = 0
    start: int = Field(1, description="1-based positions of the domain in the submitted chain")
    end: int = 0
    trimmed_before: int = Field(0, description="Residues left out before the domain (signal peptide...)")
    trimmed_after: int = Field(0, description="Residues left out after the domain (constant region...)")
    pair: int | None = Field(None, description="Index in `domains` of its VH/VL partner in the same chain")
    vhh: bool = False
    n_terminal: bool = True
    nearest_clinical: list[NearestOut] = []


class HumannessOut(Schema):
    v_identity: float | None = None
    v_identity_percentile: float | None = None
    oasis_9mer: float | None = None
    oasis_9mer_percentile: float | None = None


class MetricOut(Schema):
    value: int | float  # counts stay whole numbers
    percentile: float | None = Field(..., description="Among approved therapeutics (Thera-SAbDab)")
    band: str = Field(..., description="green, amber, red or unknown")
    estimate: str


class PairOut(Schema):
    heavy: int
    light: int
    developability: dict[str, MetricOut]


class ReportOut(Schema):
    name: str
    heavy: ChainOut | None
    light: ChainOut | None
    cdr_scheme: str
    developability: dict[str, MetricOut]
    humanness: dict[str, HumannessOut] = Field(..., description="per chain: heavy, light; and the antibody")
    domains: list[ChainOut] = Field([], description="Every variable domain found, in input order")
    pairs: list[PairOut] = Field([], description="Each VH/VL pair (indexes in `domains`) and its developability")


@router.post("/assess", response={200: list[ReportOut], **errors(400, 401, 422)}, auth=MEMBERS_WRITE, exclude_unset=True,
             summary="Assess antibody variable domains (numbering, CDRs, germlines, humanness, liabilities)")
def assess(request, payload: AssessIn):
    # Input the engine cannot read (InputError) answers 400 naming `text` (config/api.py DOMAIN_ERRORS).
    reports = engine.assess_batch(payload.text, cdr_scheme=payload.cdr_scheme,
                                  max_antibodies=engine.MAX_ANTIBODIES_PER_REQUEST)
    return 200, [r.as_dict() for r in reports]   # every one: a larger batch is refused above, never cut



# --- large batches as a job (issue 14) ---
class BatchIn(Schema):
    title: Annotated[str, api_types.NoNul] = Field(..., max_length=200, pattern=api_types.TEXT)
    # The same text as /assess, up to the web page's upload size (GUICHET_ANTIBODY_MAX_INPUT_KB).
    text: str = Field(..., max_length=settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES, pattern=TEXT_PATTERN,
                      description="FASTA, or CSV/TSV with the header name,heavy,light; at most "
                                  f"{settings.GUICHET_ANTIBODY_MAX_ANTIBODIES} antibodies (a larger batch is "
                                  "refused whole, with a 400 naming `text`)")
    cdr_scheme: Literal["imgt", "kabat", "chothia"] = "imgt"
    shared_with_organization: bool = Field(False, strict=True)  # JSON true/false only, not 0 or "yes"


class BatchOut(Schema):
    id: int
    title: str
    cdr_scheme: str
    status: Literal["queued", "running", "done", "failed"]
    progress_done: int = Field(..., description="Antibodies assessed and stored so far")
    progress_total: int
    percent: int
    created_at: datetime
    error: str = ""
    url: str = Field(..., description="The batch's page in the workspace")
    status_url: str
    results_url: str


class BatchResults(Schema):
    count: int = Field(..., description="Antibodies stored so far (all of them once the batch is done)")
    offset: int
    limit: int
    results: list[ReportOut]
    next: str | None = Field(None, description="The next page, while there is one")


def _batch(assessment) -> dict:
    return {"id": assessment.pk, "title": assessment.title, "cdr_scheme": assessment.cdr_scheme,
            "status": assessment.status, "progress_done": assessment.progress_done,
            "progress_total": assessment.progress_total, "percent": assessment.percent,
            "created_at": assessment.created_at, "error": assessment.error,
            "url": reverse("antibodies:detail", args=[assessment.pk]),
            "status_url": reverse("api-1:antibody_batch", args=[assessment.pk]),
            "results_url": reverse("api-1:antibody_batch_results", args=[assessment.pk])}


def _visible(request, batch_id: int):
    from django.http import Http404

    assessment = assessments_visible_to(api_user(request)).filter(pk=batch_id).first()
    if assessment is None:
        raise Http404  # another member's batch is not found, as one that does not exist
    return assessment


@router.post("/batches", response={202: BatchOut, **errors(400, 401, 422)}, auth=MEMBERS_WRITE,
             url_name="antibody_batches",
             summary="Queue a batch of antibodies (up to GUICHET_ANTIBODY_MAX_ANTIBODIES) for assessment by a job")
def batch_create(request, payload: BatchIn):
    # Unreadable input or too many antibodies: InputError, a 400 naming `text` (config/api.py DOMAIN_ERRORS).
    created = services.assessment_create(owner=api_user(request), title=payload.title.strip() or payload.title, text=payload.text,
                                         cdr_scheme=payload.cdr_scheme,
                                         shared_with_organization=payload.shared_with_organization, background=True)
    return 202, _batch(_visible(request, created.pk))  # read again: an immediate queue has already run it


@router.get("/batches/{batch_id}", response={200: BatchOut, **errors(401, 404, 422)}, auth=MEMBERS,
            url_name="antibody_batch", summary="A batch's status and progress")
def batch_status(request, batch_id: int = Path(..., ge=1, le=MAX_ID)):
    return 200, _batch(_visible(request, batch_id))


class ResultsParams(Schema):
    offset: int = Field(0, ge=0, le=10_000_000)
    limit: int = Field(20, ge=1, le=100)


@router.get("/batches/{batch_id}/results", response={200: BatchResults, **errors(401, 404, 422)}, auth=MEMBERS,
            exclude_unset=True, url_name="antibody_batch_results",
            summary="A batch's reports, a page at a time, in input order")
def batch_results(request, params: Query[ResultsParams], batch_id: int = Path(..., ge=1, le=MAX_ID)):
    assessment = _visible(request, batch_id)
    count = selectors.antibody_count(assessment)
    page = selectors.antibody_page(assessment, offset=params.offset, limit=params.limit)
    after = params.offset + params.limit
    following = (reverse("api-1:antibody_batch_results", args=[assessment.pk])
                 + f"?offset={after}&limit={params.limit}") if after < count else None
    return 200, {"count": count, "offset": params.offset, "limit": params.limit,
                 "results": [report for _index, report in page], "next": following}
