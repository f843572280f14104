from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core import exports
from guichet.core.actions import attempt, attempt_form

from . import permissions, selectors, services
from .forms import AskForm, DisclosureForm, OfficeProfileForm, StatusForm
from .models import InventionDisclosure, IPFamily, MaturationProject, OfferRequest, TechnologyOffer


def offers(request):
    """The public technology offers of the network's tech-transfer offices."""
    return render(request, "transfer/offers.html", {"offers": selectors.offers_public()})


def offer(request, pk):
    o = get_object_or_404(selectors.offers_public(), pk=pk)
    asked = (request.user.is_authenticated
             and OfferRequest.objects.filter(offer=o, user=request.user).exists())
    return render(request, "transfer/offer.html", {
        "offer": o, "asked": asked, "form": AskForm() if permissions.can_ask_about_offer(request.user) else None})


@login_required
@require_POST
def offer_ask(request, pk):
    o = get_object_or_404(selectors.offers_public(), pk=pk)
    if not permissions.can_ask_about_offer(request.user):
        raise PermissionDenied
    form = AskForm(request.POST)
    desk_request = None
    if form.is_valid():
        from guichet.desk.models import Need

        if form.cleaned_data["desk_request"]:
            desk_request = Need.objects.filter(pk=form.cleaned_data["desk_request"],
                                                  requester=request.user).first()
        return attempt(request, lambda: services.offer_request(actor=request.user, offer=o,
                                                               message=form.cleaned_data["message"],
                                                               desk_request=desk_request),
                       _("Your question is sent to %(office)s.") % {"office": o.office},
                       f"/desk/requests/{desk_request.pk}/" if desk_request else o.get_absolute_url(),
                       refusals=(services.TransferError,))
    messages.error(request, _("Message: at most %(max)d characters.") % {"max": 2000})
    return redirect(o.get_absolute_url())


@login_required
def disclosures(request):
    """The disclosures the user may see: theirs as an inventor, all of their office's as its staff."""
    return render(request, "transfer/disclosures.html", {
        "disclosures": selectors.disclosures_visible_to(request.user),
        "can_submit": permissions.can_submit_disclosure(request.user),
        "office_staff": permissions.is_office_staff(request.user)})


@login_required
def disclosure_new(request):
    if not permissions.can_submit_disclosure(request.user):
        raise PermissionDenied
    form = DisclosureForm(request.POST or None)

    def page(form):
        return render(request, "transfer/disclosure_new.html", {"form": form})

    if request.method != "POST":
        return page(form)
    return attempt_form(
        request, form, lambda data: services.disclosure_submit(actor=request.user, **data),
        lambda created: _("Your disclosure is sent to %(office)s.") % {"office": created.office},
        lambda created: created.get_absolute_url(), page, refusals=(services.TransferError,))


def _disclosure_or_404(user, pk):
    d = InventionDisclosure.objects.select_related("office__organization").filter(pk=pk).first()
    if d is None or not permissions.can_view_disclosure(user, d):
        raise Http404  # the same answer whether it does not exist or is not yours
    return d


@login_required
def disclosure(request, pk):
    d = _disclosure_or_404(request.user, pk)
    manage = permissions.can_manage_disclosure(request.user, d)
    return render(request, "transfer/disclosure.html", {
        "disclosure": d, "form": StatusForm(initial={"status": d.status}) if manage else None})


@login_required
@require_POST
def disclosure_status(request, pk):
    d = _disclosure_or_404(request.user, pk)
    if not permissions.can_manage_disclosure(request.user, d):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if form.is_valid():
        return attempt(request, lambda: services.disclosure_status_set(actor=request.user, disclosure=d,
                                                                       status=form.cleaned_data["status"]),
                       _("Status changed."), d.get_absolute_url(), refusals=(services.TransferError,))
    messages.error(request, _("Status: choose one of the proposed values."))
    return redirect(d.get_absolute_url())


@login_required
def disclosures_csv(request):
    """The disclosures the user may see, nothing more (an inventor's own, an office's all)."""
    columns = [("number", _("Number")), ("office", _("Office")), ("title", _("Title")),
               ("disclosed_on", _("Disclosed on")), ("status", _("Status")), ("inventors", _("Inventors"))]
    rows = ([str(d), d.office.organization.name, d.title, d.disclosed_on, d.get_status_display(),
             " ".join(sorted(u.email for u in d.inventors.all()))]
            for d in selectors.disclosures_visible_to(request.user))
    return exports.csv_response("guichet-disclosures.csv", columns, rows)


@login_required
def office(request):
    """The office's own page: IP families and applications, maturation, offers (published or not), licences
    with their milestones and royalties, and the requests the offers drew. Its staff only."""
    ids = permissions.office_ids(request.user)
    if not ids:
        raise PermissionDenied
    licences = list(selectors.office_licences(request.user).annotate(
        royalties_total=Sum("royalties__amount_eur")))
    return render(request, "transfer/office.html", {
        "families": IPFamily.objects.filter(office_id__in=ids).prefetch_related("applications"),
        "projects": MaturationProject.objects.filter(office_id__in=ids).select_related("family"),
        "offers": TechnologyOffer.objects.filter(office_id__in=ids).annotate(n_requests=Count("requests")),
        "licences": licences,
        "asked": OfferRequest.objects.filter(offer__office_id__in=ids).select_related("offer", "user"),
    })


# --- the office's profile (issue 11) ---
def offices(request):
    """The network's tech-transfer offices: public, like the directory."""
    return render(request, "transfer/offices.html", {"offices": selectors.offices()})


def office_profile(request, pk):
    """An office's profile: what it does and offers, its published offers; its staff to members of the network."""
    o = selectors.office_profile(pk)
    if o is None:
        raise Http404
    return render(request, "transfer/office_profile.html", {
        "office": o, "offers": selectors.offers_public().filter(office=o),
        "staff": services.office_staff(o) if permissions.can_see_office_staff(request.user) else None,
        "can_edit": permissions.can_edit_office(request.user, o),
        "is_staff_of": o.pk in permissions.office_ids(request.user)})


@login_required
def office_edit(request, pk):
    o = selectors.office_profile(pk)
    if o is None:
        raise Http404
    if not permissions.can_edit_office(request.user, o):
        raise PermissionDenied
    form = OfficeProfileForm(request.POST if request.method == "POST" else None, instance=o)

    def page(form):
        return render(request, "transfer/office_edit.html", {"office": o, "form": form})

    if request.method != "POST":
        return page(form)
    return attempt_form(request, form, lambda data: services.office_update(actor=request.user, office=o, **data),
                        _("The office's profile is saved."), lambda saved: redirect("transfer:office_profile",
                                                                                     saved.pk), page,
                        refusals=(services.TransferError,))
