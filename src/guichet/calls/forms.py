from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.desk.forms import MultipleFileField

from .models import BudgetLine, Proposal


class StartForm(forms.Form):
    lead = forms.TypedChoiceField(label=_("Lead organization"), coerce=int)
    acronym = forms.CharField(label=_("Acronym"), max_length=Proposal._meta.get_field("acronym").max_length)
    title = forms.CharField(label=_("Title"), max_length=Proposal._meta.get_field("title").max_length)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [(o.pk, o.name) for o in organizations]


class ProposalForm(forms.Form):
    acronym = forms.CharField(label=_("Acronym"), max_length=30)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary (3,000 characters at most)"), widget=forms.Textarea(attrs={"rows": 6}),
                              max_length=3000, required=False)
    objectives = forms.CharField(label=_("Objectives and work plan"), widget=forms.Textarea(attrs={"rows": 8}),
                                 max_length=6000, required=False)
    impact = forms.CharField(label=_("Expected impact"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000,
                             required=False)
    milestones = forms.CharField(label=_("Milestones (one per line: month — deliverable)"),
                                 widget=forms.Textarea(attrs={"rows": 4}), max_length=3000, required=False)
    partners = forms.MultipleChoiceField(label=_("Partner organizations"), required=False,
                                         widget=forms.SelectMultiple(attrs={"size": 8}))
    documents = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].choices = [(str(o.pk), o.name) for o in organizations]


CATEGORIES = BudgetLine.Category.choices
