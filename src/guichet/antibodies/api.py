from typing import Literal

from django.utils.translation import gettext as _
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


@router.post("/assess", response={200: list[dict], **errors(400, 401, 422)}, auth=MEMBERS_WRITE,
             summary="Assess antibody variable domains (numbering, CDRs, germlines, humanness, liabilities)")
def assess(request, payload: AssessIn):
    try:
        reports = engine.assess_batch(payload.text, cdr_scheme=payload.cdr_scheme,
                                      max_antibodies=engine.MAX_ANTIBODIES_PER_REQUEST)
    except engine.InputError as exc:
        return 400, {"detail": exc.message or _("Give FASTA, or a CSV with the columns name,heavy,light."),
                     "field": "text"}
    return 200, [r.as_dict() for r in reports]   # every one: a larger batch is refused above, never cut
