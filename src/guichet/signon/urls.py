"""The identity providers' round trips (django-allauth's views), the second factor, and the membership
requests. Only the allauth pages Guichet uses are mounted: the password pages stay accounts'."""

from functools import wraps

import requests
from allauth.account import views as allauth_account_views
from allauth.mfa import urls as mfa_urls
from allauth.socialaccount import urls as social_urls
from allauth.socialaccount.providers.openid_connect import urls as oidc_urls
from allauth.socialaccount.providers.saml import urls as saml_urls
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from guichet.accounts import views as account_views

from . import views
from .permissions import may_use_second_factor

# Setting up a second factor is the cluster team's (signon/permissions.py); signing in with one is anyone's
# who has it.
SETUP_VIEWS = {"mfa_index", "mfa_activate_totp", "mfa_view_recovery_codes", "mfa_generate_recovery_codes",
               "mfa_download_recovery_codes"}


def _team_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not may_use_second_factor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _provider_reachable(view):
    """A provider that does not answer (its discovery document, its token endpoint) is said on a page, not a
    500: the person can still use another door."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except requests.RequestException:
            return render(request, "signon/unavailable.html", status=502)

    return wrapped


def _guarded(patterns, wrap=None):
    out = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out.append(URLResolver(p.pattern, _guarded(p.url_patterns, wrap), p.default_kwargs, p.app_name,
                                   p.namespace))
        elif p.name in SETUP_VIEWS:
            out.append(URLPattern(p.pattern, _team_only(p.callback), p.default_args, p.name))
        elif wrap:
            out.append(URLPattern(p.pattern, wrap(p.callback), p.default_args, p.name))
        else:
            out.append(p)
    return out


class _ToLogin(RedirectView):
    pattern_name = "accounts:login"
    query_string = True


urlpatterns = [
    # allauth's names for the pages it links to, answered by ours.
    path("login/", _ToLogin.as_view(), name="account_login"),
    path("signup/", _ToLogin.as_view(), name="account_signup"),
    path("logout/", account_views.LogoutView.as_view(), name="account_logout"),
    path("inactive/", allauth_account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", allauth_account_views.reauthenticate, name="account_reauthenticate"),
    # Of allauth's "third-party accounts" pages, only those a sign-in passes through: accounts are linked by a
    # verified address (adapters.py), never by hand, so the connections page answers 404 (its name stays for
    # allauth's links).
    path("3rdparty/", include([p for p in social_urls.urlpatterns if p.name != "socialaccount_connections"])),
    path("3rdparty/", views.not_offered, name="socialaccount_connections"),
    path("2fa/", include(_guarded(mfa_urls.urlpatterns))),
    path("", include(saml_urls)),
    path("", include(_guarded(oidc_urls.urlpatterns, _provider_reachable))),
    path("memberships/", views.requests, name="signon_requests"),
    path("memberships/<int:pk>/decide/", views.decide, name="signon_decide"),
]
