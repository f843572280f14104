"""The offices' records in the admin, through the audited services. Invention disclosures are not here: the
admin is the cluster team's door, and a disclosure is its inventors' and its office's only."""

from django.contrib import admin

from guichet.core.admin import ServiceBackedAdmin, ServiceBackedInline

from .models import (
    IPFamily,
    Licence,
    LicenceMilestone,
    MaturationProject,
    Office,
    PatentApplication,
    RoyaltyLine,
    TechnologyOffer,
)


@admin.register(Office)
class OfficeAdmin(ServiceBackedAdmin):
    list_display = ("organization",)
    autocomplete_fields = ("organization",)


class ApplicationInline(ServiceBackedInline, admin.TabularInline):
    model = PatentApplication
    extra = 0


@admin.register(IPFamily)
class IPFamilyAdmin(ServiceBackedAdmin):
    list_display = ("reference", "title", "office")
    search_fields = ("reference", "title")
    inlines = [ApplicationInline]


@admin.register(MaturationProject)
class MaturationProjectAdmin(ServiceBackedAdmin):
    list_display = ("title", "office", "budget_eur", "started_on", "ended_on")


@admin.register(TechnologyOffer)
class TechnologyOfferAdmin(ServiceBackedAdmin):
    list_display = ("title", "office", "published_on")
    search_fields = ("title", "summary")


class MilestoneInline(ServiceBackedInline, admin.TabularInline):
    model = LicenceMilestone
    extra = 0


class RoyaltyInline(ServiceBackedInline, admin.TabularInline):
    model = RoyaltyLine
    extra = 0


@admin.register(Licence)
class LicenceAdmin(ServiceBackedAdmin):
    list_display = ("licensee", "office", "signed_on", "exclusive")
    autocomplete_fields = ("licensee",)
    raw_id_fields = ("partnership", "offer", "family")
    inlines = [MilestoneInline, RoyaltyInline]
