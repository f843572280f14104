from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.groups.models import Project
from guichet.platforms.models import RULE_FIELDS, Instrument

from . import selectors


class InstrumentRulesForm(forms.ModelForm):
    class Meta:
        model = Instrument
        fields = list(RULE_FIELDS)
        widgets = {"opens_at": forms.TimeInput(attrs={"type": "time"}),
                   "closes_at": forms.TimeInput(attrs={"type": "time"})}

    def clean_open_weekdays(self):
        value = "".join(sorted(set(self.cleaned_data["open_weekdays"])))
        if not value or any(c not in "1234567" for c in value):
            raise forms.ValidationError(_("Use the digits 1 (Monday) to 7 (Sunday)."))
        return value


class TrainingForm(forms.Form):
    """Grant a training: the person is found among the network's members by e-mail address or name."""

    person = forms.CharField(label=_("Person (e-mail address or name)"), max_length=254)
    expires_at = forms.DateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def clean_person(self):
        query = self.cleaned_data["person"].strip()
        matches = list(selectors.members_matching(query)[:selectors.MEMBER_MATCHES_SHOWN + 1])
        if not matches:
            raise forms.ValidationError(_("No member of the network matches “%(q)s”.") % {"q": query})
        if len(matches) > 1:
            shown = ", ".join(f"{u.get_full_name()} <{u.email}>" for u in matches[:selectors.MEMBER_MATCHES_SHOWN])
            raise forms.ValidationError(_("Several members match: give the e-mail address of one of them (%(who)s).")
                                        % {"who": shown})
        self.cleaned_data["user"] = matches[0]
        return query

    def clean_expires_at(self):
        day = self.cleaned_data["expires_at"]
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("A training expires after today."))
        if day is not None and (message := bounds.date_error(day, planned=True)):
            raise forms.ValidationError(message)
        return day


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class BlackoutForm(forms.Form):
    start = forms.DateTimeField(label=_("From (Paris time)"),
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(label=_("To (Paris time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name in ("start", "end"):
            if data.get(name) and (message := bounds.date_error(data[name].date(), planned=True)):
                self.add_error(name, message)
        if start and end and end <= start:  # said, next to the field: never swapped nor replaced
            self.add_error("end", _("The end must be after the start."))
        return data


class OrderForm(forms.Form):
    description = forms.CharField(label=_("Work to do"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0.01, max_value=bounds.MAX_ORDER_QUANTITY,
                                  max_digits=10, decimal_places=2)
    cost_centre = forms.CharField(label=_("Cost centre"), max_length=60, required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)
    # --- groups (issue 12) --- offered only to those who may charge a project for this service
    project = forms.ModelChoiceField(label=_("Project that pays"), queryset=Project.objects.none(), required=False,
                                     empty_label=_("No project (cost centre only)"))

    def __init__(self, *args, projects=None, sample_inputs=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A project posted though none is offered (a forged id, or one on a platform the member may not charge
        # on) is refused under the field, not dropped: the order would otherwise go out on the cost centre alone.
        posted = bool(self.is_bound and self.data.get("project"))
        if projects is None or (not projects.exists() and not posted):
            del self.fields["project"]
        else:
            self.fields["project"].queryset = projects
            self.fields["project"].error_messages["invalid_choice"] = _(
                "Choose a project you may charge for this platform.")
        # --- sample forms (issue 13, item 5) --- the service's questions (facility.forms.sample_inputs); their
        # answers are checked by the service (facility.samples.answers_check), which names the question
        self.sample_names = list(sample_inputs or {})
        self.fields.update(sample_inputs or {})

    def order_values(self) -> dict:
        """What order_create takes from the form: its own fields, the sample answers apart."""
        values = {k: v for k, v in self.cleaned_data.items() if k not in self.sample_names}
        values["samples"] = {k: self.cleaned_data.get(k) for k in self.sample_names}
        return values
