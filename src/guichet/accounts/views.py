from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core import ratelimit
from guichet.core.actions import attempt, attempt_form

from . import services
from .forms import ApiTokenForm, EmailAuthenticationForm, PasswordResetForm
from .identity import normalize_login
from .models import ApiToken


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (Django's); a GET — a typed or bookmarked address, allauth's own link — shows
    the page asking to confirm, with the button that posts, instead of a bare 405."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "accounts/logout_confirm.html")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from guichet.signon.selectors import providers_offered

        return {**super().get_context_data(**kwargs), "providers": providers_offered(self.request)}

    def get(self, request, *args, **kwargs):
        from guichet.signon.selectors import provider_origins

        response = super().get(request, *args, **kwargs)
        origins = provider_origins(request)
        if origins:  # a provider's button posts here, and is redirected to the provider's own page
            response._csp_update = {"form-action": origins}
        return response

    def form_valid(self, form):
        # Handed to allauth's login, which asks for the second factor of those who set one up (TOTP) and
        # records the authentication (what its pages check before a second factor is changed).
        from allauth.account.utils import perform_login

        return perform_login(self.request, form.get_user(), redirect_url=self.get_success_url())


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        services.password_set(actor=self.request.user, form=form, action="user.password_change")
        update_session_auth_hash(self.request, form.user)  # stay logged in here, other sessions end
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# Reset e-mails per address per hour: enough for a member who lost the first one, not a way to flood a
# mailbox (ten posts sent ten e-mails, seen from outside). Counted like the desk's limits (core/ratelimit.py:
# shared by every app process).
PASSWORD_RESETS_PER_EMAIL_HOUR = 3


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "email/password_reset_subject.txt"
    email_template_name = "email/password_reset_body.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = normalize_login(form.cleaned_data.get("email"))
        if not ratelimit.hit("password-reset-email", email, limit=PASSWORD_RESETS_PER_EMAIL_HOUR,
                             window_seconds=3600):
            # The same answer as a sent e-mail: the page never tells whether an address has an account.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        services.password_set(actor=None, form=form, action="user.password_reset")
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _profile_page(request, form, new_token=None, rotated=None):
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True)
    now = timezone.now()
    return render(request, "accounts/profile.html", {
        "form": form,
        "new_token": new_token,
        "rotated": rotated,
        "tokens": [t for t in tokens if not t.is_expired(now)],
        "expired_tokens": [t for t in tokens if t.is_expired(now)],
        "memberships": request.user.memberships.select_related("organization"),
        "is_contact": request.user.memberships.filter(is_contact=True).exists(),  # decides membership requests
    })


@login_required
def profile(request):
    form = ApiTokenForm(request.POST or None)
    if request.method != "POST":
        return _profile_page(request, form)
    # Rendered, not redirected: the new secret is shown once and never stored, not even in the session.
    return attempt_form(
        request, form,
        lambda data: services.api_token_create(actor=request.user, name=data["name"], expires_on=data["expires_on"]),
        _("Token created. Copy it now: it will not be shown again."),
        lambda created: _profile_page(request, ApiTokenForm(), created[1]),
        lambda form: _profile_page(request, form), refusals=(services.TokenError,), fields={"": "expires_on"})


@login_required
@require_POST
def token_rotate(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    # Rendered, not redirected: the new secret is shown once and never stored, not even in the session.
    return attempt(request, lambda: services.api_token_rotate(actor=request.user, token=token), "",
                   redirect("accounts:profile"), refusals=(services.TokenError,),
                   then=lambda rotated: _profile_page(request, ApiTokenForm(), new_token=rotated[1],
                                                      rotated=rotated[0]))


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")
