from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds

from .models import AnnualReport, ReportTemplate


class AnnualReportForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Funder's template"), queryset=ReportTemplate.objects.all())
    year = forms.IntegerField(label=_("Year reported"), min_value=bounds.EARLIEST_DATE.year,
                              max_value=bounds.LATEST_DATE.year)
    language = forms.ChoiceField(label=_("Language"), choices=AnnualReport.Language.choices)
    as_of = forms.DateField(label=_("Figures as of"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Empty: today (a year's declarations are validated during the next one)."))
