from django.contrib import admin

from .models import Indication, Programme, ProgrammeStageChange


class IndicationInline(admin.TabularInline):
    model = Indication
    extra = 0


class StageInline(admin.TabularInline):
    model = ProgrammeStageChange
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "owner", "format", "visibility")
    list_filter = ("visibility", "format")
    inlines = [IndicationInline, StageInline]
    autocomplete_fields = ("owner",)
