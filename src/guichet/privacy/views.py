import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.accounts.models import User
from guichet.core.errors import Refused

from . import services
from .forms import PersonLookupForm
from .permissions import can_erase_person


def page(request):
    """The privacy notice, in the visitor's language."""
    return render(request, "privacy/page.html", {
        "retention_days": settings.GUICHET_IMPORT_RETENTION_DAYS,
        "cv_retention_days": settings.GUICHET_TALENT_CV_RETENTION_DAYS,
        "contact": settings.GUICHET_PRIVACY_CONTACT,
        "sentry": settings.GUICHET_SENTRY_ENABLED,
    })


@login_required
@require_POST
def export(request):
    data = services.person_export(actor=request.user, person=request.user)
    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="guichet-my-data.json"'
    return response


@login_required
def erase(request):
    """Staff find a person by e-mail address, see what will happen, and confirm."""
    if not request.user.is_staff:
        raise PermissionDenied
    form = PersonLookupForm(request.GET or None)
    person = None
    if form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            form.add_error("email", _("No account has this e-mail address."))
        elif not can_erase_person(request.user, person):
            form.add_error("email", _("You may not erase this account."))
            person = None
    return render(request, "privacy/erase.html", {"form": form, "person": person})


@login_required
@require_POST
def erase_confirm(request, pk):
    person = get_object_or_404(User, pk=pk)
    try:
        services.person_erase(actor=request.user, person=person)
    except services.PrivacyRefused:
        raise PermissionDenied from None
    except Refused as exc:  # an app's rule (a group's last head): said, nothing erased
        messages.error(request, str(exc))
        return redirect(f"{reverse('privacy:erase')}?{urlencode({'email': person.email})}")
    messages.success(request, _("The account's personal data was erased."))
    return redirect("privacy:erase")
