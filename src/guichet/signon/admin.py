"""The identity providers, e-mail domains and sign-in policies in the admin, written through services."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from guichet.core.admin import ServiceBackedAdmin

from . import services
from .models import OrganizationDomain, SignOnPolicy

# allauth's own admins write without our audit: its accounts, tokens and authenticators are not edited here
# (a person connects or removes them from their own pages), its providers are below.
for _model in (SocialApp, SocialAccount, SocialToken, EmailAddress, Authenticator):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class SocialAppForm(forms.ModelForm):
    metadata = forms.CharField(label=_("SAML metadata (XML)"), required=False, widget=forms.Textarea,
                               help_text=_("Paste the identity provider's metadata: its addresses and "
                                           "certificate are read from it."))

    class Meta:
        model = SocialApp
        fields = ["provider", "provider_id", "name", "client_id", "secret", "key", "settings"]

    def clean(self):
        data = super().clean()
        if data.get("provider") == "saml" and data.get("metadata"):
            try:
                services.saml_idp_settings(data["metadata"], data.get("settings") or {})
            except services.SignOnError as exc:
                raise ValidationError({"metadata": str(exc)}) from None
        return data


@admin.register(SocialApp)
class SocialAppAdmin(ServiceBackedAdmin):
    form = SocialAppForm
    list_display = ("name", "provider", "provider_id", "client_id")

    def save_model(self, request, obj, form, change):
        metadata = form.cleaned_data.get("metadata")
        if obj.provider == "saml" and metadata:
            obj.settings = services.saml_idp_settings(metadata, obj.settings or {})
        super().save_model(request, obj, form, change)


@admin.register(OrganizationDomain)
class OrganizationDomainAdmin(ServiceBackedAdmin):
    list_display = ("domain", "organization")
    search_fields = ("domain", "organization__name")


@admin.register(SignOnPolicy)
class SignOnPolicyAdmin(ServiceBackedAdmin):
    list_display = ("organization", "local_passwords")

# Membership requests are decided on their page (/accounts/sso/memberships/), not in the admin.
