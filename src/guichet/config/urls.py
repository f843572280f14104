from django.contrib import admin
from django.urls import include, path, re_path, register_converter

from guichet.core import views as core_views
from guichet.core.converters import RecordKeyConverter
from guichet.core.health import health, health_worker
from guichet.core.metrics import metrics

from .api import api, unknown_path

register_converter(RecordKeyConverter, "key")

handler400 = "guichet.core.views.bad_request"  # a bad query parameter: its translated message, on our page

admin.site.site_header = "Guichet"
admin.site.site_title = "Guichet"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("directory/", include("guichet.directory.urls")),
    path("platforms/", include("guichet.platforms.urls")),
    path("desk/", include("guichet.desk.urls")),
    path("bookings/", include("guichet.bookings.urls")),
    path("impact/", include("guichet.impact.urls")),
    path("programmes/", include("guichet.programmes.urls")),
    path("startups/", include("guichet.startups.urls")),
    path("partnerships/", include("guichet.partnerships.urls")),
    path("antibodies/", include("guichet.antibodies.urls")),
    path("accounts/", include("guichet.accounts.urls")),
    path("privacy/", include("guichet.privacy.urls")),
    path("staff/audit/", core_views.audit_log, name="audit"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("staff/outbox/", core_views.outbox, name="outbox"),
    path("staff/outbox/<int:pk>/resend/", core_views.outbox_resend, name="outbox_resend"),
    path("i18n/", include("django.conf.urls.i18n")),
    # --- events ---
    path("events/", include("guichet.events.urls")),
    path("partnering/", include("guichet.partnering.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("health/", health, name="health"),
    path("metrics", metrics, name="metrics"),
    # --- clinical transfer, technology transfer ---
    path("clinical/", include("guichet.clinical.urls")),
    path("transfer/", include("guichet.transfer.urls")),
    # --- declaration campaigns ---
    path("declarations/", include("guichet.declarations.urls")),
    # --- calls, talent ---
    path("talent/", include("guichet.talent.urls")),
    path("calls/", include("guichet.calls.urls")),
    re_path(r"^api/v1/", unknown_path),
    # --- outbox message ---
    path("staff/outbox/<int:pk>/", core_views.outbox_message, name="outbox_message"),
    # --- operations: the worker's status, apart from the load balancer's /health/ (issue 9) ---
    path("health/worker/", health_worker, name="health_worker"),
    # --- groups (issue 12) ---
    path("groups/", include("guichet.groups.urls")),
    # --- facility operations (issue 13) ---
    path("facility/", include("guichet.facility.urls")),
    # --- single sign-on (issue 12) ---
    path("accounts/sso/", include("guichet.signon.urls")),
    # --- hosting spaces (issue 13) ---
    path("hosting/", include("guichet.hosting.urls")),
]
