"""Pages of the hosting spaces: occupancy and contracts for the buildings' managers, rooms for members (booked
on the bookings engine's own calendar)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guichet.accounts.permissions import member_required
from guichet.core import params
from guichet.core.actions import attempt, attempt_form, form_errors_text
from guichet.core.errors import visible_or_404

from . import permissions, selectors, services
from .forms import ContractEndForm, ContractForm, SpaceForm


def _staff_only(request):
    if not permissions.can_view_hosting(request.user):
        raise PermissionDenied


def _managed_building(request, key):
    _staff_only(request)
    building = visible_or_404(selectors.building_get(key))
    if not permissions.can_manage_building(request.user, building):
        raise PermissionDenied
    return building


@login_required
@require_GET
def buildings(request):
    _staff_only(request)
    day = params.day_param(request.GET, "on", label=_("Date")) or timezone.localdate()
    return render(request, "hosting/buildings.html", {"rows": selectors.occupancy(day), "day": day})


def _building_page(request, building, *, space_form=None, contract_form=None, status=200):
    day = params.day_param(request.GET, "on", label=_("Date")) or timezone.localdate()
    return render(request, "hosting/building.html", {
        "building": building, "day": day, "spaces": selectors.building_spaces(building, day),
        "contracts": selectors.building_contracts(building),
        "occupancy": selectors.occupancy(day, [building])[0],
        "space_form": space_form or SpaceForm(), "contract_form": contract_form or ContractForm(building=building),
        "end_form": ContractEndForm()}, status=status)


@login_required
@require_GET
def building(request, key):
    return _building_page(request, _managed_building(request, key))


@login_required
@require_POST
def space_new(request, key):
    building = _managed_building(request, key)
    return attempt_form(
        request, SpaceForm(request.POST),
        lambda data: services.space_create(actor=request.user, building=building, key=data["key"], name=data["name"],
                                           kind=data["kind"], surface_m2=data["surface_m2"], seats=data["seats"],
                                           **{f: data[f] or 0 for f in ("hourly_academic", "hourly_startup",
                                                                        "hourly_industry")}),
        lambda space: _("Space added: %(name)s.") % {"name": space}, redirect("hosting:building", building.key),
        lambda form: _building_page(request, building, space_form=form, status=400),
        refusals=(services.HostingError,))


@login_required
@require_POST
def contract_new(request, key):
    building = _managed_building(request, key)
    return attempt_form(
        request, ContractForm(request.POST, building=building),
        lambda data: services.contract_create(actor=request.user, space=data["space"], company=data["company"],
                                              start=data["start"], end=data["end"], surface_m2=data["surface_m2"],
                                              monthly_price=data["monthly_price"]),
        lambda contract: _("Contract recorded: %(contract)s.") % {"contract": contract},
        redirect("hosting:building", building.key),
        lambda form: _building_page(request, building, contract_form=form, status=400),
        refusals=(services.HostingError,))


def _managed_contract(request, pk):
    _staff_only(request)
    contract = visible_or_404(selectors.contract_get(pk))
    if not permissions.can_manage_building(request.user, contract.space.building):
        raise Http404
    return contract


@login_required
@require_POST
def contract_end(request, pk):
    contract = _managed_contract(request, pk)
    back = redirect("hosting:building", contract.space.building.key)
    form = ContractEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return back
    return attempt(request, lambda: services.contract_end(actor=request.user, contract=contract,
                                                          on=form.cleaned_data["on"]),
                   _("Contract ended early."), back)


@login_required
@require_POST
def contract_cancel(request, pk):
    contract = _managed_contract(request, pk)
    return attempt(request, lambda: services.contract_cancel(actor=request.user, contract=contract),
                   _("Contract cancelled: the space is free."), redirect("hosting:building", contract.space.building.key))


@member_required
@require_GET
def rooms(request):
    return render(request, "hosting/rooms.html", {"rooms": selectors.rooms()})


@member_required
@require_GET
def ours(request):
    """The spaces let to the member's organizations, their contracts, and the way to their invoices."""
    return render(request, "hosting/ours.html", {"contracts": list(selectors.contracts_of_member(request.user)),
                                                 "today": timezone.localdate()})
