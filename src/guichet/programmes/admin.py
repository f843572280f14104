from django.contrib import admin

from guichet.core.admin import ServiceBackedAdmin, ServiceBackedInline

from .models import Indication, Programme, ProgrammeMilestone, ProgrammeStageChange


class IndicationInline(ServiceBackedInline, admin.TabularInline):
    model = Indication
    extra = 0


class StageInline(ServiceBackedInline, admin.TabularInline):
    model = ProgrammeStageChange
    extra = 0


class MilestoneInline(ServiceBackedInline, admin.TabularInline):
    model = ProgrammeMilestone
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ServiceBackedAdmin):
    """No programme services yet: the generic audited ones (core.services) save, relate and delete."""

    list_display = ("code", "name", "owner", "format", "visibility")
    list_filter = ("visibility", "format")
    inlines = [IndicationInline, StageInline, MilestoneInline]
    autocomplete_fields = ("owner",)
