"""django-allauth's hooks, where Guichet's rules are applied: who may be linked, what a first sign-in
creates, who may use a second factor."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from guichet.accounts.models import Role, User

from . import identity, services
from .permissions import may_use_second_factor


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # No password sign-up form: accounts come from the desk's confirmed visitors, the cluster team, or an
        # identity provider (SocialAccountAdapter below).
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return True

    def get_connect_redirect_url(self, request, socialaccount):
        # allauth's default is its connections page, which Guichet does not offer (signon/urls.py).
        return reverse("accounts:profile")

    def authenticate_by_email(self, sociallogin):
        """An existing account, only by an address the provider verified and may speak for."""
        assertion = identity.read(sociallogin)
        if identity.refusal(assertion):
            return None
        user = User.objects.filter(email__iexact=assertion.email, is_active=True).first()
        if user is None:
            return None
        # Guichet's accounts have confirmed their address (a desk visitor's link, a reset link, the team's
        # invitation): recorded as verified, so allauth does not wipe the local password when it links.
        EmailAddress.objects.update_or_create(user=user, email__iexact=assertion.email,
                                              defaults={"email": assertion.email, "verified": True, "primary": True})
        return user, assertion.email

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing and not getattr(sociallogin, "_did_authenticate_by_email", None):
            return  # known by its provider account, linked earlier
        assertion = identity.read(sociallogin)
        reason = identity.refusal(assertion)
        if reason:
            services.sso_refused(assertion=assertion, reason=reason)
            raise ImmediateHttpResponse(render(request, "signon/refused.html",
                                               {"reason": reason, "provider": assertion.provider_label}, status=403))
        if sociallogin.is_existing:
            services.sso_link(user=sociallogin.user, assertion=assertion)
            messages.info(request, _("Your sign-in with %(provider)s is now linked to your Guichet account "
                                     "%(email)s: it signs you in from now on.") % {
                "provider": assertion.provider_label, "email": sociallogin.user.email}, fail_silently=True)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        name = data.get("name") or " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
        user.full_name = (name or "")[:200]
        user.language = "en" if (translation.get_language() or "").startswith("en") else "fr"
        # A guest until the organization confirms the membership the sign-in proposes.
        user.role = Role.GUEST
        return user

    def save_user(self, request, sociallogin, form=None):
        assertion = identity.read(sociallogin)
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            proposal = services.sso_account_created(user=user, assertion=assertion)
        # What happened, said on the first page the person sees (in their language): their account, and who
        # is asked to confirm them.
        organization = proposal.organization.name if proposal else ""
        said = _("Welcome to Guichet: your account was created for %(email)s, linked to your sign-in with "
                 "%(provider)s.") % {"email": user.email, "provider": assertion.provider_label}
        if organization:
            said += " " + _("%(organization)s is asked to confirm that you are one of its members; until it "
                            "does, you use Guichet as a guest.") % {"organization": organization}
        else:
            said += " " + _("No organization of the network uses your address's domain: you use Guichet as a "
                            "guest, and the cluster team can attach your account to your organization.")
        messages.success(request, said, fail_silently=True)
        return user


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user):
        return user.email

    def is_mfa_enabled(self, user, types=None):
        # A second factor set up while staff keeps being asked after a change of role: never silently dropped.
        return super().is_mfa_enabled(user, types)

    def may_activate(self, user) -> bool:
        return may_use_second_factor(user)
