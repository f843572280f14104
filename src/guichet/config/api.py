from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from guichet.antibodies import engine as antibodies_engine
from guichet.antibodies.api import router as antibodies_router
from guichet.bookings import services as bookings_services
from guichet.bookings.api import router as bookings_router
from guichet.clinical.api import router as clinical_router
from guichet.core import idempotency, params
from guichet.core.api_auth import PUBLIC
from guichet.core.api_errors import validation_errors
from guichet.declarations import services as declarations_services
from guichet.desk import services as desk_services
from guichet.desk.api import router as desk_router
from guichet.directory.api import router as directory_router
from guichet.events import services as events_services

# --- events ---
from guichet.events.api import router as events_router  # noqa: E402,I001
from guichet.facility.api import router as facility_router  # noqa: E402,I001
from guichet.groups.api import router as groups_router  # noqa: E402,I001  --- groups (issue 12) ---
from guichet.impact.api import router as impact_router
from guichet.matching.api import router as matching_router
from guichet.matching.engine import QueryRefused
from guichet.partnering.api import router as partnering_router  # noqa: E402,I001
from guichet.partnerships.api import router as partnerships_router
from guichet.platforms.api import router as platforms_router
from guichet.programmes.api import router as programmes_router
from guichet.startups.api import router as startups_router
from guichet.transfer.api import router as transfer_router


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


# The one statement of what each domain refusal answers, whichever operation raised it (an operation lists
# the statuses it may answer in its `response=`, so the schema stays true). Most specific first does not
# matter: ninja looks an exception's classes up in MRO order, so a subclass listed here wins over its base.
DOMAIN_ERRORS: dict[type[Exception], int] = {
    PermissionDenied: 403,
    bookings_services.NotAllowed: 403,   # not a member, not the booking's owner or manager
    bookings_services.NotTrained: 403,
    bookings_services.BookingError: 409,  # the slot is taken, or a rule of the instrument (hours, notice...)
    desk_services.NotAllowed: 403,
    desk_services.DeskError: 400,
    QueryRefused: 400,                    # an empty, blank or over-long need (matching-v1)
    antibodies_engine.InputError: 400,    # not FASTA or CSV, or too many antibodies at once
    params.BadParameter: 400,
    idempotency.KeyReused: 422,
    events_services.NotAllowed: 403,     # registering for a session the caller may not take
    events_services.EventError: 409,     # already registered, registration closed, a prerequisite missing
    # --- declarations api ---
    declarations_services.NotAllowed: 403,       # not the organization's account
    declarations_services.DeclarationError: 400,  # a figure out of bounds, the campaign closed, already submitted
}
FALLBACK_DETAIL = {antibodies_engine.InputError: gettext_lazy("Give FASTA, or a CSV with the columns name,heavy,light.")}
FALLBACK_FIELD = {antibodies_engine.InputError: "text", idempotency.KeyReused: idempotency.HEADER}


def domain_error(request, exc):
    kind = next(cls for cls in type(exc).__mro__ if cls in DOMAIN_ERRORS)
    detail = getattr(exc, "message", None) or (str(FALLBACK_DETAIL[kind]) if kind in FALLBACK_DETAIL else str(exc))
    if kind is idempotency.KeyReused:
        detail = _("This Idempotency-Key was already used for a different request.")
    field = getattr(exc, "field", "") or FALLBACK_FIELD.get(kind, "")
    return api.create_response(request, {"detail": detail, "field": field, "errors": []}, status=DOMAIN_ERRORS[kind])


for _exception in DOMAIN_ERRORS:
    api.add_exception_handler(_exception, domain_error)
# --- clinical transfer, technology transfer ---
api.add_router("/clinical", clinical_router)
api.add_router("/transfer", transfer_router)
# --- calls, talent ---
from guichet.talent.api import router as talent_router  # noqa: E402,I001

api.add_router("/talent", talent_router)
from guichet.calls.api import router as calls_router  # noqa: E402,I001

api.add_router("/calls", calls_router)
# --- groups (issue 12) ---
api.add_router("/groups", groups_router)
# --- facility operations (issue 13) ---
api.add_router("/bookings/series", facility_router)
# --- invoices (issue 13, item 7) ---
from guichet.facility.api import invoice_router  # noqa: E402,I001

api.add_router("/invoices", invoice_router)
# --- consumables (issue 13, item 6) ---
from guichet.facility.api import consumable_router  # noqa: E402,I001

api.add_router("/consumables", consumable_router)
# --- declarations api ---
from guichet.declarations.api import router as declarations_router  # noqa: E402,I001

api.add_router("/declarations", declarations_router)


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
    return JsonResponse({"detail": _("Not found.")}, status=404)
# --- sample forms and hosting in the API (issue 13, items 5 and 8) ---
from guichet.facility.api import sample_form_router  # noqa: E402,I001
from guichet.hosting.api import router as hosting_router  # noqa: E402,I001

api.add_router("/services", sample_form_router)
api.add_router("/hosting", hosting_router)
# --- orders with their sample-form answers in the API (issue 13, item 5) --- a refused answer or order field
# is the caller's input (422, naming it), not a conflict with the platform's state
from guichet.bookings import orders as bookings_orders  # noqa: E402,I001
from guichet.facility import samples as facility_samples  # noqa: E402,I001
from guichet.facility.api import order_router  # noqa: E402,I001

api.add_router("/orders", order_router)
DOMAIN_ERRORS.update({facility_samples.SampleError: 422, bookings_orders.OrderError: 422})
for _exception in (facility_samples.SampleError, bookings_orders.OrderError):
    api.add_exception_handler(_exception, domain_error)
