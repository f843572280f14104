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


class MembershipFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """The group's last head is not removed while others are in it (services.heads_kept says it again, in
        the save's transaction): said on the form rather than as an error page."""
        super().clean()
        group = self.instance
        if group.pk is None:
            return
        before = {m.pk: m for m in GroupMembership.objects.filter(group=group).select_related("user")}
        after = dict(before)
        for form in self.forms:
            pk = form.instance.pk
            if pk in before and form in self.deleted_forms:
                after.pop(pk)
            elif form.has_changed() and form.is_valid() and form not in self.deleted_forms:
                row = GroupMembership(pk=pk, role=form.cleaned_data.get("role"), status=form.cleaned_data.get(
                    "status"), user=form.cleaned_data.get("user"))
                after[pk or id(form)] = row
        gone = [m for m in before.values() if services.is_active_head(m) and not (
            m.pk in after and services.is_active_head(after[m.pk]))]
        if gone:
            refusal = services.headless_refusal(group, list(after.values()), gone[0].user)
            if refusal:
                raise ValidationError(str(refusal))


class MembershipForm(forms.ModelForm):
    class Meta:
        model = GroupMembership
        fields = ["group", "user", "role", "status", "may_charge", "chargeable_platforms"]

    def clean(self):
        data = super().clean()
        if data.get("may_charge") and data.get("group") and data.get("chargeable_platforms"):
            try:  # said on the form; the save's service (membership_platforms_admin_set) checks it again
                services.membership_platforms_check(data["group"], data["chargeable_platforms"])
            except services.GroupError as exc:
                raise ValidationError({"chargeable_platforms": str(exc)}) from None
        before = GroupMembership.objects.filter(pk=self.instance.pk).select_related("user", "group").first()
        probe = GroupMembership(role=data.get("role"), status=data.get("status"))
        if before is not None and services.is_active_head(before) and not services.is_active_head(probe):
            others = list(GroupMembership.objects.filter(group=before.group).exclude(user=before.user))
            refusal = services.headless_refusal(before.group, others, before.user)
            if refusal:
                raise ValidationError({"role": str(refusal)})
        return data


class MembershipInline(ServiceBackedInline, admin.TabularInline):
    model = GroupMembership
    formset = MembershipFormSet
    fields = ("user", "role", "status", "may_charge")
    autocomplete_fields = ("user",)
    extra = 0
    save_service = services.membership_admin_save
    delete_service = services.membership_admin_delete


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
    form = MembershipForm
    list_display = ("user", "group", "role", "status", "may_charge", "created_at")
    list_filter = ("role", "status")
    search_fields = ("user__email", "group__name", "group__key")
    autocomplete_fields = ("user", "group")
    fields = ("group", "user", "role", "status", "may_charge", "chargeable_platforms")
    filter_horizontal = ("chargeable_platforms",)
    save_service = services.membership_admin_save
    delete_service = services.membership_admin_delete
    relation_services = {"chargeable_platforms": services.membership_platforms_admin_set}

    def has_delete_permission(self, request, obj=None):
        # The last head of a group with people in it: no delete button (the service refuses it too).
        if obj is not None and services.is_active_head(obj) and services.headless_refusal(
                obj.group, list(GroupMembership.objects.filter(group=obj.group).exclude(user=obj.user)), obj.user):
            return False
        return super().has_delete_permission(request, obj)


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
