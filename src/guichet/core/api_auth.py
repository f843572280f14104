"""API authentication: an optional bearer token; without one the caller is an anonymous visitor."""

from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer


class OptionalTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` makes the caller that member; a wrong token is refused (401)."""

    def __call__(self, request):
        header = request.headers.get(self.header)
        if not header:
            # The browser session counts for reads only: writes need a token, so a foreign page cannot
            # make a logged-in visitor's browser write through the API (no CSRF hole).
            safe = request.method in ("GET", "HEAD", "OPTIONS")
            request.api_user = request.user if safe and request.user.is_authenticated else AnonymousUser()
            return request.api_user
        return super().__call__(request)

    def authenticate(self, request, token):
        from guichet.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is None:
            raise AuthenticationError()
        request.api_user = user
        return user


def api_user(request):
    return getattr(request, "api_user", None) or AnonymousUser()
