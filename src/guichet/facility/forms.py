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


# --- invoices (issue 13, item 7) ---
class MonthCloseForm(forms.Form):
    month = forms.CharField(label=_("Month"), widget=forms.TextInput(attrs={"type": "month"}), max_length=7)

    def clean_month(self):
        from guichet.core import params

        try:
            asked = params.month_param(self.cleaned_data, "month", label=str(_("Month")))
        except params.BadParameter as exc:
            raise forms.ValidationError(str(exc)) from None
        if asked is None:
            raise forms.ValidationError(_("Choose a month."))
        return asked


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class InvoicingSettingsForm(forms.Form):
    """The VAT of each price list, the export's column mapping, each platform's accounting codes."""

    columns = forms.CharField(label=_("Columns of the accounting export (one “Header = field” a line)"),
                              widget=forms.Textarea(attrs={"rows": 12}), max_length=4000)

    def __init__(self, *args, platforms=(), initial_vat=None, initial_codes=None, **kwargs):
        super().__init__(*args, **kwargs)
        from guichet.platforms.models import CustomerCategory

        self.platforms, self.code_fields = list(platforms), []
        for value, label in CustomerCategory.choices:
            self.fields[f"vat_{value}"] = forms.DecimalField(
                label=_("VAT for the price list “%(list)s” (percent)") % {"list": label}, min_value=0, max_value=100,
                decimal_places=2, max_digits=5, initial=(initial_vat or {}).get(value))
        for platform in self.platforms:
            for value, label in CustomerCategory.choices:
                name = f"code_{platform.pk}_{value}"
                self.fields[name] = forms.CharField(
                    label=_("Accounting code: %(platform)s, %(list)s") % {"platform": platform.name, "list": label},
                    required=False, max_length=30, initial=(initial_codes or {}).get((platform.pk, value), ""))
                self.code_fields.append((platform, value, name))

    def clean_columns(self):
        from .invoicing import InvoiceError, parse_columns

        try:
            parse_columns(self.cleaned_data["columns"])
        except InvoiceError as exc:
            raise forms.ValidationError(str(exc)) from None
        return self.cleaned_data["columns"]

    def vat(self):
        from guichet.platforms.models import CustomerCategory

        return {value: self.cleaned_data[f"vat_{value}"] for value in CustomerCategory.values}

    def codes(self):
        return {(platform, value): self.cleaned_data[name].strip() for platform, value, name in self.code_fields}


# --- incidents (issue 13, item 4) ---
class IncidentForm(forms.Form):
    description = forms.CharField(label=_("What happened"), max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    back_day = forms.DateField(label=_("Expected back on"), widget=forms.DateInput(attrs={"type": "date"}))
    back_time = forms.TimeField(label=_("at (Paris time)"), widget=forms.TimeInput(attrs={"type": "time"}))

    def clean_back_day(self):
        value = self.cleaned_data["back_day"]
        if not bounds.EARLIEST_DATE <= value <= bounds.LATEST_DATE:
            raise forms.ValidationError(_("Give a date between %(first)s and %(last)s.") % {
                "first": bounds.EARLIEST_DATE.isoformat(), "last": bounds.LATEST_DATE.isoformat()})
        return value

    @property
    def expected_back_at(self):
        return datetime.combine(self.cleaned_data["back_day"], self.cleaned_data["back_time"], PARIS)


# --- sample submission forms (issue 13, item 5) ---
def sample_inputs(service) -> dict:
    """The service's questions as inputs of the order's form: typed widgets for the browser, every answer
    checked by facility.samples.answers_check (which names the question), so no rule is stated twice."""
    from .models import SampleField
    from .samples import form_of, input_name

    inputs = {}
    for field in form_of(service):
        attrs = {"required": True} if field.required else {}
        if field.kind == SampleField.Kind.FILE:
            widget = forms.ClearableFileInput(attrs=attrs)
            inputs[input_name(field)] = forms.FileField(label=field.shown_label, required=False, help_text=field.shown_help,
                                                        widget=widget)
            continue
        if field.kind in (SampleField.Kind.INTEGER, SampleField.Kind.DECIMAL):
            attrs.update({"step": "1" if field.kind == SampleField.Kind.INTEGER else "any", "inputmode": "decimal"})
            attrs.update({k: format(v.normalize(), "f") for k, v in (("min", field.min_value),
                                                                      ("max", field.max_value)) if v is not None})
            widget = forms.NumberInput(attrs=attrs)
        elif field.kind == SampleField.Kind.CHOICE:
            widget = forms.Select(attrs=attrs, choices=[("", "—")] + [(c, c) for c in field.choice_list])
        else:
            widget = forms.TextInput(attrs={**attrs, "maxlength": 1000})
        inputs[input_name(field)] = forms.CharField(label=field.shown_label, required=False, help_text=field.shown_help,
                                                    widget=widget)
    return inputs


class SampleFieldForm(forms.Form):
    """A question of a service's sample form, as its managers write it (checked by samples.sample_field_save)."""

    # --- bilingual questions (issue 13) --- French, English or both; the reader sees theirs, else the other
    label = forms.CharField(label=_("Question (French)"), max_length=200, required=False)
    label_en = forms.CharField(label=_("Question (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Type of answer"), choices=[])
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(label=_("Choices in French (for a list: one a line)"), required=False,
                              max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    choices_en = forms.CharField(label=_("Choices in English (one a line, in the order of the French ones)"),
                                 required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    min_value = forms.DecimalField(label=_("Smallest value (numbers)"), required=False, max_digits=12,
                                   decimal_places=2)
    max_value = forms.DecimalField(label=_("Largest value (numbers)"), required=False, max_digits=12,
                                   decimal_places=2)
    help_text = forms.CharField(label=_("Help shown under the question (French)"), required=False, max_length=300)
    help_text_en = forms.CharField(label=_("Help shown under the question (English)"), required=False,
                                   max_length=300)

    def __init__(self, *args, **kwargs):
        from .models import SampleField

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SampleField.Kind.choices


# --- consumables (issue 13, item 6) ---
class ConsumableForm(forms.Form):
    """A platform's consumable as its managers write it (checked by consumables.consumable_save); the stock is
    given once, at creation, then moves by restocking and uses."""

    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(label=_("Unit (tube, box, chip…)"), max_length=10, initial="unit")
    price_academic = forms.DecimalField(label=_("Academic price (EUR)"), required=False, min_value=0,
                                        max_value=bounds.MAX_UNIT_PRICE_EUR, max_digits=12, decimal_places=2)
    price_startup = forms.DecimalField(label=_("Start-up price (EUR)"), required=False, min_value=0,
                                       max_value=bounds.MAX_UNIT_PRICE_EUR, max_digits=12, decimal_places=2)
    price_industry = forms.DecimalField(label=_("Industry price (EUR)"), required=False, min_value=0,
                                        max_value=bounds.MAX_UNIT_PRICE_EUR, max_digits=12, decimal_places=2)
    stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=1000000, initial=0)
    alert_below = forms.IntegerField(label=_("E-mail the managers when the stock falls below"), min_value=0,
                                     max_value=1000000, initial=0)
    members_may_add = forms.BooleanField(label=_("Members may add it to their own orders and bookings"),
                                         required=False)
    active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["stock"]
