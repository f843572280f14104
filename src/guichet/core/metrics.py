"""/metrics for Prometheus (django-prometheus), for the monitoring host only."""

import hmac

from django.conf import settings
from django.http import Http404
from django_prometheus.exports import ExportToDjangoView


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
