from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from guichet.accounts.permissions import member_required
from guichet.core import bounds
from guichet.core.actions import attempt, attempt_form

from . import services
from .models import FundingRound, Headcount, Startup
from .permissions import can_edit_startup, can_validate_figures
from .selectors import funding_rounds_to_validate, headcounts_to_validate, startups_visible_to


class DeclareForm(forms.Form):
    headcount_on = forms.DateField(label=gettext_lazy("Headcount on"), required=False,
                                   validators=[bounds.past_date_validator],
                                   widget=forms.DateInput(attrs={"type": "date"}))
    headcount = forms.IntegerField(label=gettext_lazy("Headcount"), min_value=0, max_value=bounds.MAX_HEADCOUNT,
                                   required=False)
    round_on = forms.DateField(label=gettext_lazy("Funding round on"), required=False,
                               validators=[bounds.past_date_validator],
                               widget=forms.DateInput(attrs={"type": "date"}))
    round_amount = forms.DecimalField(label=gettext_lazy("Amount (EUR)"), min_value=0,
                                      max_value=bounds.MAX_FUNDING_ROUND_EUR, max_digits=14, decimal_places=2,
                                      required=False)
    round_kind = forms.CharField(label=gettext_lazy("Round"), max_length=40, required=False)
    investors = forms.CharField(label=gettext_lazy("Investors"), max_length=300, required=False)
    milestone_on = forms.DateField(label=gettext_lazy("Milestone on"), required=False,
                                   validators=[bounds.planned_date_validator],
                                   widget=forms.DateInput(attrs={"type": "date"}))
    milestone = forms.CharField(label=gettext_lazy("Milestone"), max_length=200, required=False)


@member_required
def startup_list(request):
    qs = startups_visible_to(request.user).select_related("organization")
    return render(request, "startups/list.html", {"startups": qs})


@login_required
def startup_detail(request, key):
    startup = get_object_or_404(Startup.objects.select_related("organization").prefetch_related(
        "rounds", "milestones", "support", "founders"), organization__key=key)
    editable = can_edit_startup(request.user, startup)
    if not editable:
        raise PermissionDenied
    form = DeclareForm(request.POST or None)

    def page(form):
        return render(request, "startups/detail.html", {
            "startup": startup, "form": form, "headcounts": startup.organization.headcounts.order_by("on")})

    if request.method != "POST":
        return page(form)
    return attempt_form(request, form, lambda data: services.startup_declare(actor=request.user, startup=startup, **data),
                        _("Figures recorded."), redirect("startups:detail", key), page,
                        refusals=(services.FigureRefused,))


def _validator(request):
    if not can_validate_figures(request.user):
        raise PermissionDenied


@login_required
def rounds_to_validate(request):
    """The team's queue: founders' funding rounds that count nowhere until validated (issue 11)."""
    _validator(request)
    return render(request, "startups/rounds_to_validate.html", {
        "rounds": funding_rounds_to_validate()[:500]})


@login_required
@require_POST
def round_validate(request, pk):
    _validator(request)
    item = get_object_or_404(FundingRound, pk=pk)
    return attempt(request, lambda: services.funding_round_validate(actor=request.user, rounds=[item]),
                   lambda n: _("Validated: this round now counts in the funds raised.") if n
                   else _("This round was already validated or returned."), "startups:rounds_to_validate")


@login_required
@require_POST
def round_return(request, pk):
    _validator(request)
    item = get_object_or_404(FundingRound, pk=pk)
    return attempt(request, lambda: services.funding_round_return(actor=request.user, funding_round=item,
                                                                  reason=request.POST.get("reason", "")),
                   _("Returned: the founders see what to correct on their page."), "startups:rounds_to_validate")


# --- headcounts to validate (issue 11): the same queue as the rounds' ---

@login_required
def headcounts_queue(request):
    """The team's queue: founders' headcounts that count nowhere until validated."""
    _validator(request)
    return render(request, "startups/headcounts_to_validate.html", {
        "headcounts": headcounts_to_validate()[:500]})


@login_required
@require_POST
def headcount_validate(request, pk):
    _validator(request)
    item = get_object_or_404(Headcount.objects.select_related("organization"), pk=pk)
    return attempt(request, lambda: services.headcount_validate(actor=request.user, headcounts=[item]),
                   lambda n: _("Validated: this headcount now counts in the jobs.") if n
                   else _("This headcount was already validated or returned."), "startups:headcounts_to_validate")


@login_required
@require_POST
def headcount_return(request, pk):
    _validator(request)
    item = get_object_or_404(Headcount.objects.select_related("organization"), pk=pk)
    return attempt(request, lambda: services.headcount_return(actor=request.user, headcount=item,
                                                              reason=request.POST.get("reason", "")),
                   _("Returned: the founders see what to correct on their page."), "startups:headcounts_to_validate")
