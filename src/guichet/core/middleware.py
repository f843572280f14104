"""503 with Retry-After, not 500, while the database cannot be reached; a bad query parameter is our 400 page
even in debug mode (the demo runs with GUICHET_DEBUG=1: Django's technical page never named the field)."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .params import BadParameter

logger = logging.getLogger("guichet.unavailable")

# /health/ reports each service itself (503 naming the one that is down); /metrics, the API's schema and the
# static files need no database (a failure later still becomes a 503 through process_exception).
PATHS_THAT_REPORT_THEMSELVES = ("/health/", "/metrics", "/api/v1/openapi.json", "/static/")


class DatabaseUnavailableMiddleware:
    """Connect before the request reaches a view, and turn connection failures into a 503.

    Placed after LocaleMiddleware (the page is in the visitor's language) and before anything that
    reads the session's user. A failure later in the view (the server went away mid-request) is
    caught by process_exception; either way the transaction, if any, was rolled back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PATHS_THAT_REPORT_THEMSELVES):
            try:
                connection.ensure_connection()
            except (OperationalError, InterfaceError) as exc:
                return self.unavailable(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self.unavailable(request, exception)
        if isinstance(exception, BadParameter) and not request.path.startswith("/api/"):
            from .views import bad_request  # the page handler400 gives without debug

            return bad_request(request, exception)
        return None

    def unavailable(self, request, exc) -> HttpResponse:
        logger.error("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                     extra={"path": request.path})
        seconds = settings.GUICHET_RETRY_AFTER_SECONDS
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": _("The service is briefly unavailable; try again later.")},
                                    status=503)
        else:
            # No request context: the context processors would read the user from the database.
            try:
                body = render_to_string("503.html", {"retry_after": seconds})
            except Exception:  # noqa: BLE001 - this page must never become the 500 it replaces
                body = _("The service is briefly unavailable; try again later.")
            response = HttpResponse(body, status=503)
        response["Retry-After"] = str(seconds)
        return response


class MethodNotAllowedPageMiddleware:
    """A page, not a blank screen, for the 405 of a form's address opened in a browser (the personal-data
    export, an outbox resend, any `require_POST` view: Django answers them with an empty body). The API's
    405s keep their JSON; the `Allow` header is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 405 and not response.content and request.method in ("GET", "HEAD")
                and not request.path.startswith("/api/")):
            from django.shortcuts import render

            page = render(request, "405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
