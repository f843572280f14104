from contextvars import ContextVar

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from guichet.core.admin import ServiceBackedAdmin, ServiceBackedInline

from . import services
from .models import ApiToken, Membership, User

# Rights come from the user's role (User.has_perm), never from groups: a group edited here would do nothing.
admin.site.unregister(Group)

# Who is setting a password in the admin: Django builds the form without the request.
_password_actor: ContextVar = ContextVar("password_actor", default=None)


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True) not in (False, "false")
        services.password_admin_set(actor=_password_actor.get(), user=self.user,
                                    password=self.cleaned_data["password1"] if usable else None)
        return self.user


class UserCreationForm(forms.ModelForm):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ("email", "full_name", "role", "language")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class MembershipInline(ServiceBackedInline, admin.TabularInline):
    model = Membership
    save_service = services.membership_admin_save
    delete_service = services.membership_remove
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(User)
class UserAdmin(ServiceBackedAdmin, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("email", "full_name")
    filter_horizontal = ()
    fieldsets = ((None, {"fields": ("email", "password")}),
                 (_("Profile"), {"fields": ("full_name", "language")}),
                 (_("Access"), {"fields": ("role", "is_active")}),
                 (_("Dates"), {"fields": ("last_login", "date_joined")}))
    add_fieldsets = ((None, {"fields": ("email", "full_name", "role", "language", "password1")}),)
    add_form = UserCreationForm
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline]
    change_password_form = AuditedPasswordChangeForm
    save_service = services.user_admin_save

    def user_change_password(self, request, id, form_url=""):
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceBackedAdmin):
    """Renamed or revoked here, audited; created by their owner only (who alone ever sees the secret)."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "prefix", "token_hash", "created_at", "expires_at", "rotated_at", "last_used_at")

    def has_add_permission(self, request):
        return False
