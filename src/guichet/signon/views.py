"""Membership requests from first sign-ins: the contacts' and staff's list, and their decision."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core.actions import attempt

from . import selectors, services
from .models import MembershipRequest
from .permissions import can_decide_membership_request


def not_offered(request):
    """An allauth page that is no part of Guichet's journeys: not found, like a page that does not exist."""
    raise Http404


@login_required
def requests(request):
    return render(request, "signon/requests.html", {"requests": selectors.requests_to_decide(request.user)})


@login_required
@require_POST
def decide(request, pk):
    membership_request = get_object_or_404(MembershipRequest.objects.select_related("user", "organization"), pk=pk)
    if not can_decide_membership_request(request.user, membership_request):
        raise Http404  # another organization's request: not found, like one that does not exist
    accept = request.POST.get("decision") == "accept"
    return attempt(request, lambda: services.membership_request_decide(actor=request.user, request=membership_request,
                                                                       accept=accept),
                   _("Membership confirmed.") if accept else _("Membership refused."), "signon_requests",
                   refusals=(services.SignOnError,))
