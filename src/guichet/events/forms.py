from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Registration


class VisitorForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=Registration._meta.get_field("full_name").max_length)
    email = forms.EmailField(label=_("E-mail address"))
    organization_name = forms.CharField(label=_("Organization"), required=False,
                                        max_length=Registration._meta.get_field("organization_name").max_length)


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(label=_("Attended"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(r.pk), r.full_name) for r in registrations]
