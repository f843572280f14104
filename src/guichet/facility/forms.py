from datetime import datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.core.workdays import PARIS

from . import recurrence

WEEKDAY_CHOICES = [("1", _("Monday")), ("2", _("Tuesday")), ("3", _("Wednesday")), ("4", _("Thursday")),
                   ("5", _("Friday")), ("6", _("Saturday")), ("7", _("Sunday"))]


class SeriesForm(forms.Form):
    """A weekly series as people say it: from a day and time, every N weeks on some days, until a date or N times."""

    day = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Start time (Paris)"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=24 * 60)
    interval = forms.IntegerField(label=_("Every how many weeks"), min_value=1, max_value=recurrence.MAX_INTERVAL,
                                  initial=1)
    weekdays = forms.MultipleChoiceField(label=_("On"), choices=WEEKDAY_CHOICES,
                                         widget=forms.CheckboxSelectMultiple)
    until = forms.DateField(label=_("Until (included)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label=_("Or number of occurrences"), required=False, min_value=1,
                               max_value=recurrence.MAX_OCCURRENCES)
    cost_centre = forms.CharField(label=_("Cost centre"), required=False, max_length=60)

    def __init__(self, *args, instrument=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instrument is not None:
            self.fields["duration"].initial = instrument.min_duration
            self.fields["time"].initial = instrument.opens_at

    def _bounded(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not bounds.EARLIEST_DATE <= value <= bounds.LATEST_DATE:
            raise forms.ValidationError(_("Give a date between %(first)s and %(last)s.") % {
                "first": bounds.EARLIEST_DATE.isoformat(), "last": bounds.LATEST_DATE.isoformat()})
        return value

    def clean_day(self):
        return self._bounded("day")

    def clean_until(self):
        return self._bounded("until")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("until") and data.get("count"):
            self.add_error("count", _("End the series on a date or after a number of occurrences, not both."))
            return data
        if data.get("until") and data["until"] < data["day"]:
            self.add_error("until", _("The last day comes after the first one."))
            return data
        try:
            data["rule"] = recurrence.build_rule(interval=data["interval"], weekdays=data["weekdays"],
                                                 until=data.get("until"), count=data.get("count"))
        except recurrence.RuleError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))
        return data

    @property
    def first_start(self) -> datetime:
        value: time = self.cleaned_data["time"]
        return datetime.combine(self.cleaned_data["day"], value.replace(second=0, microsecond=0), PARIS)


class BillingRuleForm(forms.ModelForm):
    class Meta:
        from .models import BillingRule

        model = BillingRule
        fields = ["mode", "minimum_minutes", "release_after_minutes", "late_cancel_hours", "late_cancel_fee_percent",
                  "no_show_fee_percent"]
        widgets = {name: forms.NumberInput(attrs={"min": 0}) for name in fields[1:]}

    def clean(self):
        data = super().clean()
        for name in ("late_cancel_fee_percent", "no_show_fee_percent"):
            if (data.get(name) or 0) > 100:
                self.add_error(name, _("At most 100%."))
        for name in ("minimum_minutes", "release_after_minutes"):
            if (data.get(name) or 0) > 24 * 60:
                self.add_error(name, _("At most one day (1440 minutes)."))
        return data


class UsageForm(forms.Form):
    booking = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    checked_in_at = forms.DateTimeField(label=_("Checked in (Paris)"),
                                        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    checked_out_at = forms.DateTimeField(label=_("Checked out (Paris)"),
                                         widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_checked_in_at(self):
        return self._paris("checked_in_at")

    def clean_checked_out_at(self):
        return self._paris("checked_out_at")

    def _paris(self, name):
        value = self.cleaned_data[name]
        if not bounds.EARLIEST_DATE <= value.date() <= bounds.LATEST_DATE:
            raise forms.ValidationError(_("Give a date between %(first)s and %(last)s.") % {
                "first": bounds.EARLIEST_DATE.isoformat(), "last": bounds.LATEST_DATE.isoformat()})
        return value.replace(tzinfo=None).replace(tzinfo=PARIS)
