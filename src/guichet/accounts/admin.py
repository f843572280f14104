from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Membership, User


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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "prefix", "token_hash", "created_at", "expires_at", "rotated_at", "last_used_at")
