from django.contrib import admin

from guichet.core.admin import ReadOnlyAdmin, ServiceBackedAdmin

from . import services
from .models import AnnualReport, ReportTemplate, Target


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
