from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .identity import normalize_login


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True,
                                                                                        "autocomplete": "email"}))

    def clean_username(self):
        # Before authenticate(): the lock-out then sees one spelling of the account.
        return normalize_login(self.cleaned_data.get("username"))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("What the token is for, e.g. “lab LIMS”."))
