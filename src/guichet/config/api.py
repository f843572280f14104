from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from guichet.antibodies.api import router as antibodies_router
from guichet.bookings.api import router as bookings_router
from guichet.core.api_auth import OptionalTokenAuth
from guichet.desk.api import router as desk_router
from guichet.directory.api import router as directory_router
from guichet.impact.api import router as impact_router
from guichet.matching.api import router as matching_router
from guichet.partnerships.api import router as partnerships_router
from guichet.platforms.api import router as platforms_router
from guichet.programmes.api import router as programmes_router
from guichet.startups.api import router as startups_router

api = NinjaAPI(
    title="Guichet API",
    version="1",
    description="The biocluster's one-stop shop: directory, platforms, desk. Anonymous callers see public "
                "fields only; members authenticate with `Authorization: Bearer <token>` (tokens on your profile page).",
    auth=OptionalTokenAuth(),
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


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return api.create_response(request, {"detail": _("Invalid or revoked API token.")}, status=401)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(request, {"detail": _("Invalid request."), "errors": exc.errors}, status=422)
