from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.core.uploads import MultipleFileField

from .models import (
    AMOUNT_FIGURES,
    COUNT_FIGURES,
    MAX_FUNDS_EUR,
    SATISFACTION_MAX,
    SATISFACTION_MIN,
    Campaign,
    Declaration,
)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year declared"), min_value=bounds.EARLIEST_DATE.year,
                              max_value=bounds.LATEST_DATE.year)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    # capfirst: the label is the field's verbose name, lower case ("cluster's own funding…" on the trial's form)
    cluster_funding_eur = forms.DecimalField(label=capfirst(Campaign._meta.get_field("cluster_funding_eur").verbose_name),
                                             required=False, min_value=0, max_value=MAX_FUNDS_EUR, max_digits=16,
                                             decimal_places=2,
                                             help_text=Campaign._meta.get_field("cluster_funding_eur").help_text)
    ask_satisfaction = forms.BooleanField(label=_("Ask the partner satisfaction survey"), required=False,
                                          initial=True)
    message = forms.CharField(label=_("Message to the organizations"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class DeclarationForm(forms.Form):
    """The organization's figures: each bounded here and again by the service and the database."""

    def __init__(self, *args, satisfaction=True, **kwargs):
        super().__init__(*args, **kwargs)
        for name, maximum in COUNT_FIGURES.items():
            label = Declaration._meta.get_field(name).verbose_name
            self.fields[name] = forms.IntegerField(label=label[:1].upper() + label[1:], required=False,
                                                   min_value=0, max_value=maximum)
        for name, maximum in AMOUNT_FIGURES.items():
            label = Declaration._meta.get_field(name).verbose_name
            self.fields[name] = forms.DecimalField(label=label[:1].upper() + label[1:], required=False, min_value=0,
                                                   max_value=maximum, max_digits=16, decimal_places=2)
        self.fields["implanted"] = forms.BooleanField(
            label=_("Set up in the territory this year"), required=False,
            help_text=_("Tick if the organization settled in the cluster's territory during the year declared."))
        if satisfaction:
            self.fields["satisfaction"] = forms.TypedChoiceField(
                label=_("Satisfaction with the cluster (1 to 5)"), required=False, coerce=int, empty_value=None,
                choices=[("", _("no answer"))] + [(n, str(n)) for n in range(SATISFACTION_MIN, SATISFACTION_MAX + 1)],
                help_text=_("The partner satisfaction survey: 1 not satisfied, 5 very satisfied."))
        self.fields["comment"] = forms.CharField(label=_("Comment"), required=False, max_length=4000,
                                                 widget=forms.Textarea(attrs={"rows": 3}))
        self.fields["evidence"] = MultipleFileField(
            label=_("Evidence"), required=False,
            help_text=_("Reports, lists of publications, payroll summaries: PDF, office documents, spreadsheets."))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("What to correct"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
