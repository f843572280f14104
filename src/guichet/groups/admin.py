"""The cluster team's screens for labs, teams, their members and projects: every save and delete through
groups.services or the audited generic services (core.admin.ServiceBackedAdmin)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from guichet.core.admin import ServiceBackedAdmin, ServiceBackedInline

from . import services
from .budget import project_usage
from .models import GroupMembership, Project, ResearchGroup


class MembershipInline(ServiceBackedInline, admin.TabularInline):
    model = GroupMembership
    fields = ("user", "role", "status", "may_charge")
    autocomplete_fields = ("user",)
    extra = 0
    save_service = services.membership_admin_save


class GroupForm(forms.ModelForm):
    class Meta:
        model = ResearchGroup
        fields = ["key", "name", "kind", "organization", "parent"]

    def clean(self):
        data = super().clean()
        probe = ResearchGroup(pk=self.instance.pk, **{k: data.get(k) for k in ("organization", "parent")})
        try:
            services.group_check(probe)
        except services.GroupError as exc:
            raise ValidationError({exc.field or None: str(exc)}) from None
        return data


@admin.register(ResearchGroup)
class ResearchGroupAdmin(ServiceBackedAdmin):
    form = GroupForm
    list_display = ("key", "name", "kind", "organization", "parent")
    list_filter = ("kind",)
    search_fields = ("key", "name", "organization__name")
    autocomplete_fields = ("organization", "parent")
    inlines = [MembershipInline]
    save_service = services.group_save


@admin.register(GroupMembership)
class GroupMembershipAdmin(ServiceBackedAdmin):
    list_display = ("user", "group", "role", "status", "may_charge", "created_at")
    list_filter = ("role", "status")
    search_fields = ("user__email", "group__name", "group__key")
    autocomplete_fields = ("user", "group")
    fields = ("group", "user", "role", "status", "may_charge")
    save_service = services.membership_admin_save


@admin.register(Project)
class ProjectAdmin(ServiceBackedAdmin):
    list_display = ("key", "name", "group", "funder", "grant_number", "starts_on", "ends_on", "budget", "used")
    list_filter = ("funder",)
    search_fields = ("key", "name", "grant_number", "group__name")
    autocomplete_fields = ("group",)
    filter_horizontal = ("platforms", "services")
    fields = ("key", "name", "funder", "grant_number", "group", "starts_on", "ends_on", "budget", "platforms",
              "services")
    save_service = services.project_save

    @admin.display(description=_("consumed and committed"))
    def used(self, obj):
        usage = project_usage(obj)
        return f"{usage.used:.2f} € ({usage.percent} %)"
