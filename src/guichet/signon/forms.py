"""allauth's last step of a first sign-in, when the account cannot be made at once: in Guichet's words, and
with the address the identity provider sent, never one typed here (an address typed here is verified by
nobody, and would make an account, and propose an organization, in someone else's name)."""

from allauth.socialaccount.forms import SignupForm
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.accounts.models import User

from . import identity


class SocialSignupForm(SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.assertion = identity.read(self.sociallogin)
        field = self.fields["email"]
        field.initial, field.disabled = self.assertion.email, True
        field.label = gettext_lazy("E-mail address sent by your identity provider")

    def clean_email(self) -> str:
        return self.validate_unique_email(self.assertion.email)  # the provider's, whatever was posted

    def validate_unique_email(self, value) -> str:
        if self.taken:
            raise forms.ValidationError(self.taken)
        return super().validate_unique_email(value)

    @property
    def taken(self) -> str:
        """Why no account can be made (said before anything is posted): an account, one that may not sign in
        (an active one with a verified address is signed into, never reaches this page), has the address."""
        if not User.objects.filter(email__iexact=self.assertion.email).exists():
            return ""
        return _("A Guichet account already uses %(email)s but cannot sign in with it (it was deactivated). "
                 "Write to the cluster team: they will reactivate it or tell you why.") % {
            "email": self.assertion.email}

    @property
    def provider_name(self) -> str:
        return self.assertion.provider_label

    @property
    def proposed_organization(self):
        return identity.proposed_organization(self.assertion)[0]
