"""An instrument's managers: rules, trainings, maintenance periods.

One GET view for the page and one small POST view per form, over the audited services; a refused form comes
back bound, with its errors under its fields (or above it for the service's refusals), on the manage page,
nothing written (issue 15, 7).
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core import params
from guichet.core.actions import attempt, attempt_form
from guichet.core.workdays import PARIS
from guichet.platforms import services as platform_services
from guichet.platforms.models import Instrument

from .. import permissions, selectors, services
from ..forms import BlackoutForm, InstrumentRulesForm, RevokeForm, TrainingForm
from ..models import Booking, TrainingAuthorization
from .common import instrument_or_404


def _managed(request, key) -> Instrument:
    """The instrument, to its platform's managers and staff only (403 otherwise: the instrument is public)."""
    instrument = instrument_or_404(key)
    if not permissions.can_manage_instrument(request.user, instrument):
        raise PermissionDenied
    return instrument


def _manage_page(request, key, *, status=200, **forms):
    instrument = instrument_or_404(key)  # afresh: a refused rules form has written its values into its instance
    now = timezone.now()
    feed = selectors.instrument_feed_of(request.user, instrument)
    if status >= 400:
        messages.error(request, _("Nothing was saved: see the errors below."))
    return render(request, "bookings/manage.html", {
        "instrument": instrument, "rules": InstrumentRulesForm(instance=instrument), "training_form": TrainingForm(),
        "blackout_form": BlackoutForm(), "revoke_form": None, "revoke_pk": None, "overlaps": [],
        "trainings": selectors.trainings_with_state(instrument, now),
        "blackouts": selectors.coming_blackouts(instrument, now), "feed": feed,
        "feed_url": request.build_absolute_uri(reverse("bookings:feed", args=[feed.token])) if feed else "",
        "expiry_warning_days": selectors.TRAINING_EXPIRY_WARNING_DAYS, **forms}, status=status)


def _saved(request, key, form, write, done: str, **page):
    """Run `write()` on a valid form: the manage page with `done` said, or the page again with the form bound
    and its refusal under it (400), nothing written."""
    return attempt_form(request, form, lambda _data: write(), lambda said: said or done,
                        redirect("bookings:manage", key), lambda form: _manage_page(request, key, status=400, **page),
                        refusals=(services.BookingError,), forbidden=(services.NotAllowed,))


@login_required
def manage(request, key):
    _managed(request, key)  # first: who may not manage it learns nothing more, whatever the method
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _manage_page(request, key)


@login_required
@require_POST
def manage_rules(request, key):
    form = InstrumentRulesForm(request.POST, instance=_managed(request, key))

    def write():
        platform_services.instrument_rules_update(actor=request.user, instrument=form.instance,
                                                  **{f: form.cleaned_data[f] for f in form.Meta.fields})

    return _saved(request, key, form, write, _("Rules saved."), rules=form)


@login_required
@require_POST
def training_grant(request, key):
    instrument = _managed(request, key)
    form = TrainingForm(request.POST)

    def write():
        expires = form.cleaned_data["expires_at"]
        training = services.training_grant(
            actor=request.user, user=form.cleaned_data["user"], instrument=instrument,
            expires_at=datetime.combine(expires, datetime.min.time(), PARIS) if expires else None)
        return _("Training recorded for %(who)s.") % {"who": training.user.get_full_name()}

    return _saved(request, key, form, write, "", training_form=form)


@login_required
@require_POST
def training_revoke(request, key, pk):
    instrument = _managed(request, key)
    training = get_object_or_404(TrainingAuthorization.objects.select_related("user", "instrument__platform"),
                                 pk=pk, instrument=instrument)
    form = RevokeForm(request.POST)

    def write():
        services.training_revoke(actor=request.user, training=training, reason=form.cleaned_data["reason"])

    return _saved(request, key, form, write, _("Training revoked."), revoke_form=form, revoke_pk=training.pk)


@login_required
@require_POST
def maintenance_declare(request, key):
    """Block the instrument. Bookings in the period: the page lists them and asks to confirm (409); the
    confirmation names the bookings it cancels, so one taken meanwhile is never cancelled unseen."""
    instrument = _managed(request, key)
    form = BlackoutForm(request.POST)
    cancel = request.POST.getlist("cancel")
    if any(not (pk.isascii() and pk.isdigit()) or len(pk) > 18 for pk in cancel):  # "²" is a digit to Python
        raise params.BadParameter(_("The bookings to cancel are given by their numbers."), "cancel")
    return attempt_form(
        request, form,
        lambda data: services.blackout_create(actor=request.user, instrument=instrument, cancel_bookings=cancel,
                                              **data),
        _("The instrument is blocked for that period.") if not cancel else
        _("The instrument is blocked for that period; the bookings in it are cancelled and their holders told."),
        redirect("bookings:manage", key), lambda form: _manage_page(request, key, status=400, blackout_form=form),
        refusals=(services.BookingError,), forbidden=(services.NotAllowed,),
        answers={services.MaintenanceOverlaps: lambda exc: _manage_page(
            request, key, status=409, blackout_form=form, overlaps=exc.bookings)})


@login_required
@require_POST
def maintenance_cancel(request, key, pk):
    instrument = _managed(request, key)
    blackout = get_object_or_404(Booking.objects.select_related("instrument__platform"), pk=pk,
                                 instrument=instrument, kind=Booking.Kind.BLACKOUT)
    return attempt(request, lambda: services.blackout_cancel(actor=request.user, blackout=blackout),
                   _("Maintenance period removed: the instrument can be booked then again."),
                   f"{reverse('bookings:manage', args=[key])}#maintenance",
                   refusals=(services.BookingError,), forbidden=(services.NotAllowed,))
