from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from guichet.core.admin import ServiceBackedAdmin, ServiceBackedInline

from . import services
from .models import FundingRound, Headcount, Milestone, Startup


class StartupInline(ServiceBackedInline):
    """Rows saved through the start-up services: the same bounds as the founders' page, audited."""

    save_service = services.startup_admin_save
    delete_service = services.startup_admin_delete


class RoundInline(StartupInline, admin.TabularInline):
    model = FundingRound
    extra = 0
    verbose_name = _("funding round")
    verbose_name_plural = _("funding rounds")


class MilestoneInline(StartupInline, admin.TabularInline):
    model = Milestone
    extra = 0
    verbose_name = _("milestone")
    verbose_name_plural = _("milestones")


class StartupServiceAdmin(ServiceBackedAdmin):
    """Admin edits go through the start-up services: the same bounds as the founders' page, audited."""

    save_service = services.startup_admin_save
    delete_service = services.startup_admin_delete


@admin.register(Startup)
class StartupAdmin(StartupServiceAdmin):
    list_display = ("organization", "founded_on", "origin", "stage")
    list_filter = ("stage", "origin")
    search_fields = ("organization__name", "organization__key")
    inlines = [RoundInline, MilestoneInline]
    filter_horizontal = ("support", "founders")

    relation_services = {"founders": lambda *, actor, record, values: services.startup_founders_set(
        actor=actor, startup=record, founders=values)}


@admin.register(Headcount)
class HeadcountAdmin(StartupServiceAdmin):
    save_service = services.headcount_admin_save
    list_display = ("organization", "on", "headcount")
    list_filter = ("on",)
    search_fields = ("organization__name", "organization__key")
    date_hierarchy = "on"
