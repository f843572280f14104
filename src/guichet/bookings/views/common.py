"""What the bookings pages share: the instrument of a URL, and a service's refusal put on a form."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from guichet.directory.selectors import valid_key_or_404
from guichet.platforms.models import Instrument

from .. import services


def instrument_or_404(key) -> Instrument:
    valid_key_or_404(key)
    return get_object_or_404(Instrument.objects.select_related("platform__organization"), key=key)


def refused_on_form(form, exc: services.BookingError) -> None:
    """A service's refusal shown on the form (under the field it names); "not allowed" is a 403."""
    if isinstance(exc, services.NotAllowed):
        raise PermissionDenied(str(exc)) from exc
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))
