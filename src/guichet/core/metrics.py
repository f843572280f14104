"""/metrics for Prometheus (django-prometheus), for the monitoring host only."""

import hmac

from django.conf import settings
from django.http import Http404
from django.http.request import HttpHeaders
from django_prometheus.exports import ExportToDjangoView
from django_prometheus.middleware import PrometheusAfterMiddleware as _PrometheusAfter

LENGTH_KEYS = ("CONTENT_LENGTH", "HTTP_CONTENT_LENGTH")


class PrometheusAfterMiddleware(_PrometheusAfter):
    """django-prometheus' own, except that a Content-Length that is not a number is not a 500: it is read as
    no length, as Django itself reads it (WSGIRequest), instead of `int()` raising in the middleware. Such a
    header reaches Django under a name with an underscore (`CONTENT_LENGTH: x`, seen from schemathesis in CI)."""

    def process_request(self, request):
        length = request.headers.get("Content-Length")
        if length is not None and not length.strip().isdigit():
            request.headers = HttpHeaders({k: v for k, v in request.META.items() if k not in LENGTH_KEYS})
        return super().process_request(request)


def can_read_metrics(request) -> bool:
    """A bearer token if one is configured, else a direct connection from an allowed address.

    Behind the reverse proxy every visitor arrives from 127.0.0.1, so a request that carries
    X-Forwarded-For came through the proxy and is not "local", whatever its address.
    """
    token = settings.GUICHET_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    return request.META.get("REMOTE_ADDR") in settings.GUICHET_METRICS_ALLOWED_IPS


def metrics(request):
    if not can_read_metrics(request):
        raise Http404  # nothing to see here for the public, not even that it exists
    return ExportToDjangoView(request)
