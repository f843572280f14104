from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Meeting, Participant


class JoinForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["offers", "seeks"]
        widgets = {"offers": forms.Textarea(attrs={"rows": 3}), "seeks": forms.Textarea(attrs={"rows": 3})}


class OutcomeForm(forms.Form):
    held = forms.TypedChoiceField(label=_("Did the meeting take place?"), coerce=lambda v: v == "1",
                                  choices=[("1", _("Yes")), ("0", _("No"))])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Meeting.Outcome.choices, required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
