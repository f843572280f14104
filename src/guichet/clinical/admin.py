"""Sites and trials in the admin: every save, inline row and delete goes through the audited services."""

from django.contrib import admin

from guichet.core.admin import ServiceBackedAdmin, ServiceBackedInline

from .models import ContractMilestone, InclusionCount, Site, Trial, TrialSite, TrialStatusChange


@admin.register(Site)
class SiteAdmin(ServiceBackedAdmin):
    list_display = ("organization", "kind", "beds", "phase_i_beds")
    list_filter = ("kind",)
    search_fields = ("organization__name", "indications")
    autocomplete_fields = ("organization",)


class TrialStatusInline(ServiceBackedInline, admin.TabularInline):
    model = TrialStatusChange
    extra = 0


class TrialSiteInline(ServiceBackedInline, admin.TabularInline):
    model = TrialSite
    extra = 0
    show_change_link = True


@admin.register(Trial)
class TrialAdmin(ServiceBackedAdmin):
    list_display = ("title", "acronym", "nct_id", "eu_ct_number", "sponsor", "phase")
    list_filter = ("phase",)
    search_fields = ("title", "acronym", "nct_id", "eu_ct_number")
    autocomplete_fields = ("sponsor",)
    raw_id_fields = ("programme", "feasibility")
    inlines = [TrialStatusInline, TrialSiteInline]


class MilestoneInline(ServiceBackedInline, admin.TabularInline):
    model = ContractMilestone
    extra = 0


class InclusionInline(ServiceBackedInline, admin.TabularInline):
    model = InclusionCount
    extra = 0


@admin.register(TrialSite)
class TrialSiteAdmin(ServiceBackedAdmin):
    list_display = ("trial", "site", "target_inclusions")
    inlines = [MilestoneInline, InclusionInline]
