from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from guichet.antibodies.api import router as antibodies_router
from guichet.bookings.api import router as bookings_router
from guichet.core.api_auth import PUBLIC
from guichet.core.api_errors import validation_errors
from guichet.desk.api import router as desk_router
from guichet.directory.api import router as directory_router

# --- events ---
from guichet.events.api import router as events_router  # noqa: E402,I001
from guichet.impact.api import router as impact_router
from guichet.matching.api import router as matching_router
from guichet.partnering.api import router as partnering_router  # noqa: E402,I001
from guichet.partnerships.api import router as partnerships_router
from guichet.platforms.api import router as platforms_router
from guichet.programmes.api import router as programmes_router
from guichet.startups.api import router as startups_router


class GuichetSchema(OpenAPISchema):
    def operation_security(self, operation):
        """ninja lists only the schemes it knows; an operation open to anonymous callers also gets `{}`."""
        security = super().operation_security(operation) or []
        if any(getattr(auth, "openapi_anonymous", False) for auth in operation.auth_callbacks):
            security.append({})
        return security or None


class GuichetAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return GuichetSchema(self, path_prefix)


api = GuichetAPI(
    title="Guichet API",
    version="1",
    description="The biocluster's one-stop shop: directory, platforms, desk. Anonymous callers see public "
                "fields only; members authenticate with `Authorization: Bearer <token>` (tokens on your profile "
                "page); a logged-in browser session also counts, for reads only. Every error, whatever its "
                "status, has the body `Error` (`detail`, `field`, `errors`), in the language of "
                "`Accept-Language` (French or English). `POST /bookings` takes an `Idempotency-Key` header.",
    auth=PUBLIC,
    urls_namespace="api-1",
)
api.add_router("/directory/", directory_router)
api.add_router("/match", matching_router)
api.add_router("/desk/", desk_router)
api.add_router("/platforms", platforms_router)
api.add_router("/", bookings_router)
api.add_router("/programmes", programmes_router)
api.add_router("/impact", impact_router)
api.add_router("/partnerships", partnerships_router)
api.add_router("/startups", startups_router)
api.add_router("/antibodies", antibodies_router)
# --- events ---
api.add_router("/events", events_router)
api.add_router("/partnering", partnering_router)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    # Without any credentials the operation needs a member; with a token, the token is wrong.
    detail = (_("Invalid, expired or revoked API token.") if request.headers.get("Authorization")
              else _("Authentication required: send Authorization: Bearer <token>."))
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    items = validation_errors(exc.errors)
    return api.create_response(request, {"detail": _("Invalid request."), "field": items[0]["field"] if items else "",
                                          "errors": items}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    # ninja raises HttpError(400) for a body that is not JSON, 405/429 elsewhere: our words, translated.
    messages = {400: _("The request body is not valid JSON."), 403: _("Forbidden."),
                429: _("Too many requests: try again later.")}
    return api.create_response(request, {"detail": messages.get(exc.status_code, _("Invalid request."))},
                               status=exc.status_code)


@csrf_exempt  # it changes nothing: a POST to a wrong path gets the JSON 404, not the CSRF page
def unknown_path(request, rest=""):
    """A path under /api/v1/ that names no operation: the API's own 404 (JSON, translated), not the HTML page."""
    from django.http import JsonResponse

    return JsonResponse({"detail": _("Not found.")}, status=404)
