from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.core.uploads import MultipleFileField
from guichet.matching.engine import MAX_QUERY_LENGTH

from .models import Outcome


class RequestForm(forms.Form):
    text = forms.CharField(label=_("Describe your need"), max_length=MAX_QUERY_LENGTH, widget=forms.Textarea(
        attrs={"rows": 6, "placeholder": _("e.g. We need to sort CD8 T cells from patient samples…")}))
    title = forms.CharField(label=_("Short title (optional)"), max_length=200, required=False)
    confidential = forms.BooleanField(label=_("Confidential"), required=False, help_text=_(
        "Only you, the cluster team and the providers it is routed to will see it."))
    files = MultipleFileField(label=_("Attachments"), required=False)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Describe the need: the text is empty."))
        return text


class VisitorRequestForm(RequestForm):
    email = forms.EmailField(label=_("Your e-mail address"), help_text=_("We send you a link to confirm it."))
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    files = None


class RouteForm(forms.Form):
    keys = forms.MultipleChoiceField(label=_("Suggested providers"), required=False,
                                     widget=forms.CheckboxSelectMultiple)
    other_keys = forms.CharField(label=_("Other providers (keys, comma-separated)"), required=False)

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = [(s.key, s.name) for s in suggestions]

    def all_keys(self) -> list[str]:
        extra = [k.strip() for k in self.cleaned_data.get("other_keys", "").split(",") if k.strip()]
        return list(dict.fromkeys([*self.cleaned_data.get("keys", []), *extra]))


class RespondForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline")),
                                        ("answer", _("Answer"))])
    message = forms.CharField(label=_("Message to the requester"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Outcome.choices if c[0] != "withdrawn"])
    outcome_key = forms.CharField(label=_("What it produced (key)"), required=False, max_length=120)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
