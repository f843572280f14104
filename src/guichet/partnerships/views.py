from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.core import bounds
from guichet.directory.models import Organization

from . import services
from .models import Partnership, PartnershipType, Stage
from .permissions import can_see_partnership


class PartnershipForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=PartnershipType.choices)
    parties = forms.CharField(label=gettext_lazy("Parties (directory keys, separated by ;)"), max_length=1000)
    value_eur = forms.DecimalField(label=gettext_lazy("Value (EUR)"), min_value=0,
                                   max_value=bounds.MAX_PARTNERSHIP_VALUE_EUR, max_digits=14, decimal_places=2,
                                   initial=0)
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=Stage.choices)
    on = forms.DateField(label=gettext_lazy("Date of the stage"), validators=[bounds.past_date_validator],
                         widget=forms.DateInput(attrs={"type": "date"}))

    def clean_parties(self):
        keys = [k.strip() for k in self.cleaned_data["parties"].split(";") if k.strip()]
        found = {o.key: o for o in Organization.objects.filter(key__in=keys)}
        missing = [k for k in keys if k not in found]
        if missing:
            raise forms.ValidationError(_("Unknown organization key(s): %(keys)s") % {"keys": ", ".join(missing)})
        return [found[k] for k in keys]


@login_required
def board(request):
    """Partnerships by stage: staff see all; members see those their organizations are party to."""
    qs = Partnership.objects.prefetch_related("parties", "stage_changes")
    if not request.user.is_staff:
        qs = qs.filter(Q(parties__memberships__user=request.user)).distinct()
    columns = {s: [] for s in Stage.values}
    for p in qs:
        if p.stage:
            columns[p.stage].append(p)
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Partnership recorded."))
            return redirect("partnerships:board")
        except services.PartnershipError as exc:
            form.add_error(exc.field or None, str(exc))
    return render(request, "partnerships/board.html", {
        "columns": [(label, columns[value]) for value, label in Stage.choices], "form": form})


@login_required
def detail(request, pk):
    partnership = get_object_or_404(Partnership.objects.prefetch_related("parties", "stage_changes", "documents"),
                                    pk=pk)
    if not can_see_partnership(request.user, partnership):
        raise Http404
    if request.method == "POST":
        try:
            if request.FILES.get("document"):
                services.document_add(actor=request.user, partnership=partnership, upload=request.FILES["document"])
            elif request.POST.get("stage") in Stage.values:
                services.partnership_move(actor=request.user, partnership=partnership, stage=request.POST["stage"])
            messages.success(request, _("Partnership updated."))
        except services.PartnershipError as exc:
            messages.error(request, str(exc))
        return redirect("partnerships:detail", pk)
    return render(request, "partnerships/detail.html", {"p": partnership, "stages": Stage.choices})


@login_required
def document(request, pk, document_pk):
    partnership = get_object_or_404(Partnership, pk=pk)
    if not can_see_partnership(request.user, partnership):
        raise Http404
    item = get_object_or_404(partnership.documents, pk=document_pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
