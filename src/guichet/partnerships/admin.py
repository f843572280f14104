from django.contrib import admin

from .models import Partnership, PartnershipStageChange


class StageInline(admin.TabularInline):
    model = PartnershipStageChange
    extra = 0
    exclude = ("actor",)


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ("title", "type", "value_eur", "created_at")
    list_filter = ("type",)
    filter_horizontal = ("parties", "contacts", "desk_requests")
    inlines = [StageInline]
    exclude = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
