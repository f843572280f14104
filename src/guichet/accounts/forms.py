from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .identity import normalize_login
from .models import User
from .services import TokenError, api_token_check_expiry, api_token_expiry_bounds


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True,
                                                                                        "autocomplete": "email"}))
    # Django's own sentence reads "Saisissez un adresse e-mail..." once the field is named in French (a feminine
    # noun after its masculine article): ours is written whole in each language.
    error_messages = {**AuthenticationForm.error_messages,
                      "invalid_login": _("Please enter a correct e-mail address and password. Both fields may be "
                                         "case-sensitive.")}

    def clean_username(self):
        # Before authenticate(): the lock-out then sees one spelling of the account.
        return normalize_login(self.cleaned_data.get("username"))

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        from guichet.signon.selectors import local_passwords_allowed

        if not local_passwords_allowed(user):
            raise forms.ValidationError(
                _("Your organization signs you in through its identity provider: use its button below."),
                code="sso_only")


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("What the token is for, e.g. “lab LIMS”."))
    expires_on = forms.DateField(label=_("Expiry date"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                  format="%Y-%m-%d"),
                                 help_text=_("The token works through this day, then the API refuses it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        earliest, default, latest = api_token_expiry_bounds()
        field = self.fields["expires_on"]
        field.initial = default
        field.widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        try:
            api_token_check_expiry(value)
        except TokenError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with the e-mail in the account holder's language and links to SITE_URL."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    def get_users(self, email):
        # Django skips accounts without a usable password; ours are visitors who confirmed their e-mail
        # (guests), and the reset e-mail is how they choose one: it proves control of the address, as the
        # confirmation did. There is no outside authentication here that this would bypass.
        from guichet.signon.selectors import local_passwords_allowed

        # An organization that turned local passwords off gets no reset e-mail either: the password would
        # not open the account.
        return [u for u in User.objects.filter(email__iexact=normalize_login(email), is_active=True)
                if local_passwords_allowed(u)]

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        user = context["user"]
        context = {**context, "site_url": settings.SITE_URL}
        with translation.override(user.language or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)
