"""What the impact app holds about a person: the PDF reports and the annual reports they asked for.

The reports themselves are the cluster's aggregate figures, not the person's; only who asked, and when, is.
"""

from guichet.privacy.registry import eraser, exporter, when

from .models import AnnualReport, ReportRun


@exporter("impact")
def export_impact(user):
    return {
        "reports_requested": [{"from": when(r.start), "to": when(r.end), "as_of": when(r.as_of),
                               "language": r.language, "status": r.status, "requested_at": when(r.requested_at),
                               "ready_at": when(r.finished_at)}
                              for r in ReportRun.objects.filter(requested_by=user).defer("content")
                              .order_by("requested_at", "pk")],
        "annual_reports_created": [{"template": a.template.key, "year": a.year, "language": a.language,
                                    "status": a.status}
                                   for a in AnnualReport.objects.filter(created_by=user).select_related("template")
                                   .order_by("pk")],
    }


@eraser("impact")
def erase_impact(*, user, actor):
    """A PDF report run is a passing request (purged after GUICHET_REPORT_RETENTION_DAYS): it goes; an
    annual report is the cluster's document: it stays, no longer naming its author."""
    removed, _ = ReportRun.objects.filter(requested_by=user).delete()
    return {"reports_requested": removed,
            "annual_reports": AnnualReport.objects.filter(created_by=user).update(created_by=None)}
