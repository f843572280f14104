"""API authentication, as the OpenAPI schema states it.

Three ways in, tried in order (django-ninja runs an operation's `auth` list until one answers):
- `BearerToken`: `Authorization: Bearer <token>` makes the caller that member; a wrong, revoked or expired token
  is refused (401), never silently downgraded to anonymous.
- `SessionCookie`: the browser session of a logged-in member, for reads only (GET/HEAD/OPTIONS): writes need a
  token, so a foreign page cannot make a logged-in visitor's browser write through the API (no CSRF hole).
- `Anonymous`: no credentials; the caller sees public fields only. Declared in the schema as the empty security
  requirement `{}`, which OpenAPI reads as "authentication is optional".
`PUBLIC` operations accept all three; `MEMBERS` reads accept a token or the session; `MEMBERS_WRITE` a token only.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from guichet.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is None:
            raise AuthenticationError()
        request.api_user = user
        return user


class SessionCookie(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        super().__init__(csrf=False)  # reads only: nothing for a forged request to change

    def authenticate(self, request, key):
        if request.method in SAFE_METHODS and request.user.is_authenticated:
            request.api_user = request.user
            return request.user
        return None


class Anonymous:
    """The caller without credentials; stated as `{}` in the operation's `security` (see config.api)."""

    openapi_anonymous = True

    def __call__(self, request):
        request.api_user = AnonymousUser()
        return request.api_user


bearer_token, session_cookie, anonymous = BearerToken(), SessionCookie(), Anonymous()
PUBLIC = [bearer_token, session_cookie, anonymous]
MEMBERS = [bearer_token, session_cookie]
MEMBERS_WRITE = [bearer_token]


def api_user(request):
    return getattr(request, "api_user", None) or AnonymousUser()
