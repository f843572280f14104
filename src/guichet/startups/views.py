from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.accounts.permissions import member_required
from guichet.core import bounds

from . import services
from .models import Startup
from .permissions import can_edit_startup
from .selectors import startups_visible_to


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
    if request.method == "POST" and form.is_valid():
        try:
            services.startup_declare(actor=request.user, startup=startup, **form.cleaned_data)
        except services.FigureRefused as exc:
            form.add_error(exc.field or None, str(exc))
        else:
            messages.success(request, _("Figures recorded."))
            return redirect("startups:detail", key)
    return render(request, "startups/detail.html", {
        "startup": startup, "form": form, "headcounts": startup.organization.headcounts.order_by("on")})
