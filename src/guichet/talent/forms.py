from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Application, Posting


class PostingForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=Posting.Kind.choices)
    contract = forms.ChoiceField(label=_("Contract"), choices=Posting.Contract.choices)
    language = forms.ChoiceField(label=_("Language of the posting"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=Posting._meta.get_field("title").max_length)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 10}),
                                  max_length=Posting._meta.get_field("description").max_length)
    location = forms.CharField(label=_("Location"), required=False,
                               max_length=Posting._meta.get_field("location").max_length)
    starts_on = forms.DateField(label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("Open until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organizations=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
        if editing:
            del self.fields["organization"]


class ApplicationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=Application._meta.get_field("full_name").max_length)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    letter = forms.CharField(label=_("Cover letter"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                             max_length=Application._meta.get_field("letter").max_length)
    cv = forms.FileField(label=_("CV (PDF, Word or OpenDocument)"))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[(Posting.Status.FILLED, _("Filled")),
                                                             (Posting.Status.WITHDRAWN, _("Withdrawn"))])
    hired = forms.TypedChoiceField(label=_("Hired"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hired"].choices = [("", "—")] + [(a.pk, a.full_name) for a in applications]
