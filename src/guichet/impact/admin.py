from django.contrib import admin

from guichet.core.admin import ReadOnlyAdmin, ServiceBackedAdmin

from . import services
from .models import AnnualReport, ReportRun, ReportTemplate, Target


@admin.register(Target)
class TargetAdmin(ServiceBackedAdmin):
    list_display = ("label", "label_en", "value", "year", "key")
    save_service = services.target_save
    delete_service = services.target_delete


# --- annual report ---
@admin.register(ReportTemplate)
class ReportTemplateAdmin(ServiceBackedAdmin):
    """A funder's template: its sections, indicators and their order (JSON, checked by the service)."""

    list_display = ("name", "name_en", "funder", "key")
    save_service = services.report_template_save

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        def clean(form_self, _clean=form.clean):
            cleaned = _clean(form_self)
            probe = ReportTemplate(sections=cleaned.get("sections"))
            try:
                services.report_template_check(probe)
            except services.ReportError as exc:
                form_self.add_error("sections", str(exc))
            return cleaned

        form.clean = clean
        return form


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    """Written and generated on the team's page (impact:annual_reports); listed here."""

    list_display = ("template", "year", "language", "as_of", "status", "generated_at")
    list_filter = ("status", "language")


# --- impact PDF reports (issue 9) ---
@admin.register(ReportRun)
class ReportRunAdmin(ServiceBackedAdmin):
    """The PDF reports staff asked for: listed, deleted through the audited service, never edited (a job draws
    them; they go by themselves after GUICHET_REPORT_RETENTION_DAYS)."""

    list_display = ("requested_at", "requested_by", "start", "end", "as_of", "language", "status", "finished_at")
    list_filter = ("status", "language")
    search_fields = ("requested_by__email",)
    date_hierarchy = "requested_at"
    list_select_related = ("requested_by",)
    delete_service = services.report_run_delete

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
