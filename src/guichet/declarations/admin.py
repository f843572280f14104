"""Campaigns and declarations in the admin, through the audited services. Statuses are not edited here:
open, close, validate and return are actions calling the same services as the team's pages."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from guichet.core.admin import ReadOnlyAdmin, ServiceBackedAdmin

from . import services
from .models import Campaign, Declaration


def _run(request, queryset, call, done):
    count = 0
    for obj in queryset:
        try:
            call(obj)
            count += 1
        except services.DeclarationError as exc:
            messages.error(request, f"{obj}: {exc}")
    if count:
        messages.success(request, done % {"n": count})


@admin.register(Campaign)
class CampaignAdmin(ServiceBackedAdmin):
    list_display = ("title", "year", "deadline", "status")
    list_filter = ("status",)
    fields = ("title", "year", "deadline", "cluster_funding_eur", "ask_satisfaction", "message", "status",
              "opened_at", "closed_at")
    readonly_fields = ("status", "opened_at", "closed_at")
    save_service = services.campaign_save
    delete_service = services.campaign_delete
    actions = ["open_campaigns", "close_campaigns"]

    @admin.action(description=_("Open the selected campaigns"))
    def open_campaigns(self, request, queryset):
        _run(request, queryset, lambda c: services.campaign_open(actor=request.user, campaign=c),
             _("%(n)d campaigns opened."))

    @admin.action(description=_("Close the selected campaigns"))
    def close_campaigns(self, request, queryset):
        _run(request, queryset, lambda c: services.campaign_close(actor=request.user, campaign=c),
             _("%(n)d campaigns closed."))


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    """Figures are the organizations' words: read here, validated by an action, never typed over."""

    list_display = ("organization", "campaign", "status", "submitted_by", "validated_by")
    list_filter = ("status", "campaign")
    search_fields = ("organization__name",)
    actions = ["validate"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Validate the selected declarations"))
    def validate(self, request, queryset):
        _run(request, queryset.filter(status=Declaration.Status.SUBMITTED),
             lambda d: services.declaration_validate(actor=request.user, declaration=d),
             _("%(n)d declarations validated."))
