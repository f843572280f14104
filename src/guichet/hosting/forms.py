from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.directory.models import Organization

from .models import Space


class SpaceForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=40, help_text=_("Short, unique in the building (e.g. b12)."))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Space.Kind.choices)
    surface_m2 = forms.DecimalField(label=_("Surface (m²)"), min_value=0.01, max_value=bounds.MAX_SURFACE_M2,
                                    decimal_places=2)
    seats = forms.IntegerField(label=_("Seats"), required=False, min_value=1, max_value=10_000)
    hourly_academic = forms.DecimalField(label=_("Hourly rate, academic (EUR)"), required=False, min_value=0,
                                         max_value=bounds.MAX_UNIT_PRICE_EUR, decimal_places=2)
    hourly_startup = forms.DecimalField(label=_("Hourly rate, start-up (EUR)"), required=False, min_value=0,
                                        max_value=bounds.MAX_UNIT_PRICE_EUR, decimal_places=2)
    hourly_industry = forms.DecimalField(label=_("Hourly rate, industry (EUR)"), required=False, min_value=0,
                                         max_value=bounds.MAX_UNIT_PRICE_EUR, decimal_places=2)


class ContractForm(forms.Form):
    space = forms.ModelChoiceField(label=_("Space"), queryset=Space.objects.none())
    company = forms.CharField(label=_("Company (directory key)"), max_length=80,
                              help_text=_("The organization's key in the directory, e.g. innate-pharma."))
    start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("End (last day)"), widget=forms.DateInput(attrs={"type": "date"}))
    surface_m2 = forms.DecimalField(label=_("Surface (m²)"), min_value=0.01, max_value=bounds.MAX_SURFACE_M2,
                                    decimal_places=2)
    monthly_price = forms.DecimalField(label=_("Monthly price (EUR)"), min_value=0,
                                       max_value=bounds.MAX_MONTHLY_RENT_EUR, decimal_places=2)

    def __init__(self, *args, building=None, **kwargs):
        super().__init__(*args, **kwargs)
        if building is not None:
            self.fields["space"].queryset = (building.spaces.filter(kind__in=Space.BY_CONTRACT)
                                             .select_related("resource"))

    def clean_company(self):
        key = self.cleaned_data["company"].strip()
        company = Organization.objects.filter(key=key).first()
        if company is None:
            raise forms.ValidationError(_("No organization of the directory has this key."))
        return company


class ContractEndForm(forms.Form):
    on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
