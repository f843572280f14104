from ninja import Router, Schema

from guichet.core.api_errors import errors

from . import kpis

router = Router(tags=["impact"])


class KpiOut(Schema):
    key: str
    label: str
    value: float | None


@router.get("/public", response={200: list[KpiOut], **errors(401)}, summary="The public impact figures (public programmes only)")
def public(request):
    rep = kpis.compute(public=True)
    return [{"key": k, "label": str(label), "value": float(v) if v is not None else None}
            for k, label, v in kpis.public_rows(rep)]


# --- annual report (issue 11) ---
# The team's annual reports, read-only (written and generated on the page); staff only, like the pages.
from datetime import date, datetime  # noqa: E402

from django.core.exceptions import PermissionDenied  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from ninja import Field, Path  # noqa: E402

from guichet.core.api_auth import MEMBERS, api_user  # noqa: E402
from guichet.core.api_types import MAX_ID  # noqa: E402

from .models import AnnualReport  # noqa: E402


class AnnualReportOut(Schema):
    id: int
    template: str = Field(..., description="the funder's template key")
    template_name: str
    funder: str
    year: int
    as_of: date = Field(..., description="the figures are those known on this date")
    language: str
    status: str = Field(..., description="draft, queued, running, done or failed")
    generated_at: datetime | None
    pdf_url: str | None = Field(..., description="the PDF, once generated (a staff session downloads it)")
    docx_url: str | None = Field(..., description="the DOCX, once generated (a staff session downloads it)")


def _reports():
    # The files stay in the database: only whether each is there is read.
    return (AnnualReport.objects.select_related("template").defer("pdf", "docx")
            .annotate(has_pdf=Q(pdf__isnull=False), has_docx=Q(docx__isnull=False)))


def _report(request, r) -> dict:
    def link(name, present):
        return request.build_absolute_uri(reverse(f"impact:{name}", args=[r.pk])) if present else None

    return {"id": r.pk, "template": r.template.key, "template_name": r.template.display_name,
            "funder": r.template.funder, "year": r.year, "as_of": r.as_of, "language": r.language,
            "status": r.status, "generated_at": r.generated_at,
            "pdf_url": link("annual_report_pdf", r.has_pdf), "docx_url": link("annual_report_docx", r.has_docx)}


def _staff_only(request):
    if not api_user(request).is_staff:
        raise PermissionDenied(_("Only the cluster team reads the annual reports."))


@router.get("/annual-reports", url_name="annual_reports", response={200: list[AnnualReportOut], **errors(401, 403)},
            auth=MEMBERS, summary="The annual reports (the cluster team)")
def annual_reports(request):
    _staff_only(request)
    return 200, [_report(request, r) for r in _reports()[:500]]


@router.get("/annual-reports/{report_id}", url_name="annual_report",
            response={200: AnnualReportOut, **errors(401, 403, 404, 422)}, auth=MEMBERS,
            summary="One annual report: status, template, year, download links when generated (the cluster team)")
def annual_report(request, report_id: int = Path(..., ge=1, le=MAX_ID)):
    _staff_only(request)
    return 200, _report(request, get_object_or_404(_reports(), pk=report_id))
