from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.directory.models import TherapeuticArea

from .models import MAX_PATIENTS, Interest, Phase, Site

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class FeasibilityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    indication = forms.CharField(label=_("Indication"), max_length=200)
    area = forms.ChoiceField(label=_("Therapeutic area"), choices=TherapeuticArea.choices)
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    population = forms.CharField(label=_("Population"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    inclusion_criteria = forms.CharField(label=_("Inclusion criteria"), max_length=5000,
                                         widget=forms.Textarea(attrs={"rows": 4}))
    patients_needed = forms.IntegerField(label=_("Patients needed"), min_value=1, max_value=MAX_PATIENTS)
    recruitment_start = forms.DateField(label=_("Recruitment start"), **DATE)
    recruitment_months = forms.IntegerField(label=_("Recruitment period (months)"), min_value=1, max_value=120)
    deadline = forms.DateField(label=_("Answers due by"), **DATE)
    confidential = forms.BooleanField(label=_("Confidential"), required=False, initial=True, help_text=_(
        "Only you, the cluster team and the sites it is routed to will see it."))


class AnswerForm(forms.Form):
    estimate = forms.IntegerField(label=_("Patients the site expects to include"), min_value=0,
                                  max_value=MAX_PATIENTS)
    interest = forms.ChoiceField(label=_("Interest"), choices=Interest.choices)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class InclusionForm(forms.Form):
    on = forms.DateField(label=_("Counted on"), **DATE)
    total = forms.IntegerField(label=_("Patients included to date"), min_value=0, max_value=MAX_PATIENTS)


# --- site profiles (issue 11) ---
class SiteProfileForm(forms.ModelForm):
    """What a site says it can run. Investigators are shown to members of the network only."""

    areas = forms.MultipleChoiceField(label=_("Therapeutic areas"), choices=TherapeuticArea.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    phases = forms.MultipleChoiceField(label=_("Phases run"), choices=Phase.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Site
        fields = ("kind", "indications", "areas", "phases", "investigators", "beds", "phase_i_beds",
                  "biobank_collections", "certifications")
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in
                   ("indications", "investigators", "biobank_collections", "certifications")}
        help_texts = {"investigators": _("Seen by members of the network only, not by the public."),
                      "phase_i_beds": _("Beds dedicated to phase I studies (0 when the site runs none).")}
