from django.contrib import admin

from guichet.core.admin import ServiceBackedAdmin

from . import services
from .models import FundingRound, Headcount, Milestone, Startup


class RoundInline(admin.TabularInline):
    model = FundingRound
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class StartupServiceAdmin(ServiceBackedAdmin):
    """Admin edits go through the start-up services: the same bounds as the founders' page, audited."""

    save_service = services.startup_admin_save
    delete_service = services.startup_admin_delete

    def save_formset(self, request, form, formset, change):
        changed = formset.save(commit=False)  # sets deleted_objects, writes nothing
        for obj in formset.deleted_objects:
            services.startup_admin_delete(actor=request.user, record=obj)
        for obj in changed:
            services.startup_admin_save(actor=request.user, record=obj, is_new=obj.pk is None)
        formset.save_m2m()


@admin.register(Startup)
class StartupAdmin(StartupServiceAdmin):
    list_display = ("organization", "founded_on", "origin", "stage")
    inlines = [RoundInline, MilestoneInline]
    filter_horizontal = ("support", "founders")


@admin.register(Headcount)
class HeadcountAdmin(StartupServiceAdmin):
    list_display = ("organization", "on", "headcount")
