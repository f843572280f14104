from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from guichet.core.admin import ServiceBackedAdmin

from . import services
from .models import Partnership, PartnershipStageChange


class StageInline(admin.TabularInline):
    """The history, shown: stages move through the page's ordered transitions (partnership_move)."""

    model = PartnershipStageChange
    extra = 0
    exclude = ("actor",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Partnership)
class PartnershipAdmin(ServiceBackedAdmin):
    list_display = ("title", "type", "value_eur", "confirmed_at", "created_at")
    list_filter = ("type", ("confirmed_at", admin.EmptyFieldListFilter))
    filter_horizontal = ("parties", "contacts", "desk_requests")
    inlines = [StageInline]
    exclude = ("created_by",)
    readonly_fields = ("confirmed_at", "confirmed_by")
    actions = ["confirm"]
    save_service = services.partnership_admin_save
    delete_service = services.partnership_admin_delete

    @admin.action(description=_("Confirm the selected partnerships (they count in the figures)"))
    def confirm(self, request, queryset):
        for partnership in queryset.filter(confirmed_at__isnull=True):
            services.partnership_confirm(actor=request.user, partnership=partnership)
        messages.success(request, _("Partnerships confirmed."))
