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
    # Validated or returned on the team's queue (startups:rounds_to_validate), through the audited services.
    readonly_fields = ("validated_at", "validated_by", "returned_at", "returned_reason")
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
    list_display = ("organization", "on", "headcount", "validated_at", "validated_by")
    list_filter = ("on", ("validated_at", admin.EmptyFieldListFilter))
    search_fields = ("organization__name", "organization__key")
    date_hierarchy = "on"
    # Returned with a reason on the team's queue (startups:headcounts_to_validate), through the audited services.
    readonly_fields = ("validated_at", "validated_by", "returned_at", "returned_reason")
    actions = ["validate"]

    @admin.action(description=_("Validate the selected headcounts (they then count in the jobs indicator)"))
    def validate(self, request, queryset):
        from django.contrib import messages

        done = services.headcount_validate(actor=request.user,
                                           headcounts=queryset.filter(validated_at__isnull=True,
                                                                      returned_at__isnull=True)
                                           .select_related("organization"))
        self.message_user(request, _("%(n)d headcounts validated.") % {"n": done}, messages.SUCCESS)
