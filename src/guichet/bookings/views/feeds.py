"""Calendar (ICS) addresses: a member's own bookings, or a manager's instrument; secret, rotatable, revocable."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core import params
from guichet.core.actions import attempt

from .. import ics, permissions, selectors, services
from ..models import FeedToken
from .common import instrument_or_404


@login_required
@require_POST
def feed_create(request):
    key = request.POST.get("instrument")
    instrument = instrument_or_404(key) if key else None
    return attempt(request, lambda: services.feed_token_rotate(actor=request.user, instrument=instrument),
                   _("New calendar address created; the previous one no longer works."),
                   redirect(params.safe_next(request, "bookings:mine")), refusals=(), forbidden=(services.NotAllowed,))


@login_required
@require_POST
def feed_revoke(request, pk):
    token = get_object_or_404(FeedToken.objects.select_related("instrument"), pk=pk, created_by=request.user)
    services.feed_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Calendar address revoked."))
    return redirect(params.safe_next(request, "bookings:mine"))


def _always(booking) -> bool:
    return True


def feed(request, token):
    """The feed itself, read by calendar programs without a session: the secret address is the credential."""
    feed_token = selectors.feed_token_active(token)
    if feed_token is None:
        raise Http404
    if feed_token.user_id:  # one's own bookings: one's own name on each
        name, show_owner = _("My bookings"), _always
    else:  # an instrument's: who booked is shown as its maker could see it
        name = feed_token.instrument.name
        show_owner = partial(permissions.can_see_booking_owner, feed_token.created_by)
    body = ics.calendar_of(selectors.feed_bookings(feed_token, timezone.now()), name=name, show_owner=show_owner)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="guichet.ics"'
    return response
