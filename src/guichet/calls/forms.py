from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.core.uploads import MultipleFileField

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


class ProgrammeFromAwardForm(forms.Form):
    """What an awarded proposal needs to become a programme; proposed from it (`programmes.services`), completed by
    staff. The service checks every field again (it is the rule); the form only carries them."""

    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    target = forms.CharField(label=_("Target antigen"), max_length=120)
    format = forms.ChoiceField(label=_("Format"))
    stage = forms.ChoiceField(label=_("Stage at the start"))
    visibility = forms.ChoiceField(label=_("Visibility"))
    budget = forms.CharField(label=_("Budget (EUR)"), max_length=30)
    milestones = forms.CharField(label=_("Milestones (one per line: date — milestone)"),
                                 widget=forms.Textarea(attrs={"rows": 5}), max_length=6000)

    def __init__(self, *args, **kwargs):
        from guichet.programmes.models import Format, ProgrammeStage, Visibility

        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [("", "—"), *Format.choices]
        self.fields["stage"].choices = [c for c in ProgrammeStage.choices if c[0] != ProgrammeStage.STOPPED]
        self.fields["visibility"].choices = Visibility.choices
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"programme-{name}")
