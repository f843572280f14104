from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.accounts.permissions import member_required
from guichet.core import bounds
from guichet.core.actions import attempt, attempt_form
from guichet.directory.models import Organization

from . import services
from .models import FIRST_STAGES, TRANSITIONS, Partnership, PartnershipType, Stage
from .permissions import can_confirm_partnership, can_see_partnership
from .selectors import partnerships_visible_to


class PartnershipForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=PartnershipType.choices)
    parties = forms.CharField(label=gettext_lazy("Parties (directory keys, separated by ;)"), max_length=1000)
    value_eur = forms.DecimalField(label=gettext_lazy("Value (EUR)"), min_value=0,
                                   max_value=bounds.MAX_PARTNERSHIP_VALUE_EUR, max_digits=14, decimal_places=2,
                                   initial=0)
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=[(s.value, s.label) for s in FIRST_STAGES])
    on = forms.DateField(label=gettext_lazy("Date of the stage"), validators=[bounds.past_date_validator],
                         widget=forms.DateInput(attrs={"type": "date"}))

    def clean_parties(self):
        keys = [k.strip() for k in self.cleaned_data["parties"].split(";") if k.strip()]
        if len(set(keys)) != len(keys):
            raise forms.ValidationError(_("Name each party once."))
        found = {o.key: o for o in Organization.objects.filter(key__in=keys)}
        missing = [k for k in keys if k not in found]
        if missing:
            raise forms.ValidationError(_("Unknown organization key(s): %(keys)s") % {"keys": ", ".join(missing)})
        return [found[k] for k in keys]


@member_required
def board(request):
    """Partnerships by stage: staff see all; members see those their organizations are party to."""
    qs = partnerships_visible_to(request.user).prefetch_related("parties", "stage_changes")
    columns = {s: [] for s in Stage.values}
    for p in qs:
        # A partnership recorded without a stage yet is a lead: it must not vanish from the board.
        columns[p.stage or Stage.LEAD].append(p)
    form = PartnershipForm(request.POST or None)

    def page(form):
        return render(request, "partnerships/board.html", {
            "columns": [(label, columns[value]) for value, label in Stage.choices], "form": form,
            "outlier_threshold": bounds.PARTNERSHIP_VALUE_OUTLIER_EUR})

    if request.method != "POST":
        return page(form)
    return attempt_form(request, form, lambda data: services.partnership_create(actor=request.user, **data),
                        _("Partnership recorded."), "partnerships:board", page,
                        refusals=(services.PartnershipError,))


def _detail_post(request, partnership) -> str:
    """The one write a detail page's POST asks for (a document, a confirmation, a stage); what to say of it."""
    if request.FILES.get("document"):
        services.document_add(actor=request.user, partnership=partnership, upload=request.FILES["document"])
        return _("Document added.")
    if request.POST.get("action") == "confirm":
        counted = services.partnership_confirm(actor=request.user, partnership=partnership)
        return (_("Partnership confirmed: it now counts in the figures.") if counted
                else _("Confirmation recorded; the other parties have still to confirm."))
    if request.POST.get("stage") in Stage.values:
        try:
            on = date.fromisoformat(request.POST.get("on") or timezone.localdate().isoformat())
        except ValueError:
            raise services.PartnershipError(_("Give the date of the stage (YYYY-MM-DD)."), "on") from None
        services.partnership_move(actor=request.user, partnership=partnership, stage=request.POST["stage"], on=on)
        return _("Partnership updated.")
    raise services.PartnershipError(_("Choose a stage, a document or a confirmation."))


@login_required
def detail(request, pk):
    partnership = get_object_or_404(Partnership.objects.prefetch_related(
        "parties", "stage_changes__actor", "documents", "confirmations__organization"), pk=pk)
    if not can_see_partnership(request.user, partnership):
        raise Http404
    if request.method == "POST":
        return attempt(request, lambda: _detail_post(request, partnership), lambda said: said,
                       redirect("partnerships:detail", pk), refusals=(services.PartnershipError,))
    current = partnership.stage
    confirmed_ids = {c.organization_id for c in partnership.confirmations.all()}
    return render(request, "partnerships/detail.html", {
        "partnership": partnership, "next_stages": [(s, label) for s, label in Stage.choices
                                          if s in TRANSITIONS.get(current, FIRST_STAGES)],
        "awaiting": [o for o in partnership.parties.all() if o.pk not in confirmed_ids],
        "can_confirm": can_confirm_partnership(request.user, partnership), "today": timezone.localdate(),
        "outlier_threshold": bounds.PARTNERSHIP_VALUE_OUTLIER_EUR})


@login_required
def document(request, pk, document_pk):
    partnership = get_object_or_404(Partnership, pk=pk)
    if not can_see_partnership(request.user, partnership):
        raise Http404
    item = get_object_or_404(partnership.documents, pk=document_pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
