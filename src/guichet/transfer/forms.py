from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DisclosureStatus, Office


class DisclosureForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Tech-transfer office"), queryset=Office.objects.select_related(
        "organization"))
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Description of the invention"), max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 8}))
    co_inventors = forms.CharField(label=_("Co-inventors (e-mail addresses of their accounts, separated by ;)"),
                                   max_length=2000, required=False)
    disclosed_on = forms.DateField(label=_("Disclosed on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def clean_co_inventors(self):
        return [e.strip() for e in self.cleaned_data["co_inventors"].split(";") if e.strip()]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DisclosureStatus.choices)


class AskForm(forms.Form):
    message = forms.CharField(label=_("Message for the office"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    desk_request = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)





# --- the office's profile (issue 11) ---
class OfficeProfileForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ("summary", "services", "territory", "contact_email")
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}), "services": forms.Textarea(attrs={"rows": 4})}
