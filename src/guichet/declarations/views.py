from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.accounts.permissions import member_required
from guichet.core.actions import attempt

from . import permissions, selectors, services
from .forms import CampaignForm, DeclarationForm, ReturnForm
from .models import FIGURES, Campaign, Declaration, Evidence


def _staff(request):
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied


@member_required
def mine(request):
    """The declarations the member's organizations are asked for."""
    return render(request, "declarations/mine.html", {"declarations": selectors.declarations_for(request.user)})


@login_required
def campaigns(request):
    _staff(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.campaign_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The campaign is created as a draft: check it, then open it."))
            return redirect(created)
        except services.DeclarationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    return render(request, "declarations/campaigns.html", {
        "campaigns": selectors.campaigns_with_progress(), "form": form},
        status=400 if request.method == "POST" else 200)


@login_required
def campaign(request, pk):
    _staff(request)
    item = get_object_or_404(Campaign, pk=pk)
    return render(request, "declarations/campaign.html", {"campaign": item, **selectors.board(item),
                                                          "to_ask": selectors.organizations_to_ask().count()})


@login_required
def campaign_edit(request, pk):
    """Staff correct a draft campaign here (title, year, deadline, message, funding, survey) before opening it."""
    _staff(request)
    item = get_object_or_404(Campaign, pk=pk)
    if item.status != Campaign.Status.DRAFT:
        messages.error(request, _("Only a draft campaign can be edited; this one is not a draft any more."))
        return redirect(item)
    initial = {f: getattr(item, f) for f in services.CAMPAIGN_FIELDS}
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=item, **form.cleaned_data)
            messages.success(request, _("The draft campaign is saved."))
            return redirect(item)
        except services.DeclarationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    return render(request, "declarations/campaign_edit.html", {"campaign": item, "form": form},
                  status=400 if request.method == "POST" else 200)


def _campaign_action(request, pk, action, done):
    _staff(request)
    item = get_object_or_404(Campaign, pk=pk)
    return attempt(
        request,
        lambda: action(actor=request.user, campaign=item),
        lambda result: done % {"n": result or 0},
        redirect(item))


@login_required
@require_POST
def campaign_open(request, pk):
    return _campaign_action(request, pk, services.campaign_open,
                            _("The campaign is open: %(n)d organizations are asked for their figures."))


@login_required
@require_POST
def campaign_remind(request, pk):
    return _campaign_action(request, pk, services.campaign_remind,
                            _("A reminder is on its way to the %(n)d organizations that have not answered."))


@login_required
@require_POST
def campaign_close(request, pk):
    return _campaign_action(request, pk, services.campaign_close, _("The campaign is closed."))


def _declaration_or_404(user, pk) -> Declaration:
    item = get_object_or_404(Declaration.objects.select_related("campaign", "organization", "submitted_by",
                                                                "validated_by"), pk=pk)
    if not permissions.can_view_declaration(user, item):
        raise Http404  # not found and not allowed look the same
    return item


@login_required
def declaration(request, pk):
    """The organization answers here; the team reads it here, with its evidence, and validates or returns it."""
    item = _declaration_or_404(request.user, pk)
    can_answer = permissions.can_answer_declaration(request.user, item)
    initial = {f: getattr(item, f) for f in FIGURES} | {"comment": item.comment}
    form = DeclarationForm(request.POST or None, request.FILES or None, initial=initial,
                           satisfaction=item.campaign.ask_satisfaction)
    status = 200
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.declaration_submit(actor=request.user, declaration=item,
                                            figures={f: data.get(f) for f in FIGURES},
                                            comment=data.get("comment", ""),
                                            files=request.FILES.getlist("evidence"))
                messages.success(request, _("Your figures are sent to the cluster team, who will validate them."))
                return redirect(item)
            except services.DeclarationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        status = 400
    figures = [(item._meta.get_field(f).verbose_name, getattr(item, f), f) for f in FIGURES
               if f != "satisfaction" or item.campaign.ask_satisfaction]
    return render(request, "declarations/declaration.html", {
        "declaration": item, "form": form if can_answer else None, "figures": figures,
        "evidence": item.evidence.all(), "can_manage": permissions.can_manage_campaigns(request.user),
        "return_form": ReturnForm()}, status=status)


@login_required
@require_POST
def declaration_validate(request, pk):
    _staff(request)
    item = _declaration_or_404(request.user, pk)
    return attempt(
        request,
        lambda: services.declaration_validate(actor=request.user, declaration=item),
        _("Validated: these figures now count in the indicators."),
        redirect(item))


@login_required
@require_POST
def declaration_return(request, pk):
    _staff(request)
    item = _declaration_or_404(request.user, pk)
    form = ReturnForm(request.POST)
    return attempt(
        request,
        lambda: services.declaration_return(actor=request.user, declaration=item,
                                            reason=form.data.get("reason", "")),
        _("Returned: the organization is told what to correct."),
        redirect(item))


@login_required
def evidence(request, pk):
    item = get_object_or_404(Evidence.objects.select_related("declaration"), pk=pk)
    if not permissions.can_view_declaration(request.user, item.declaration):
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
