"""Staff's screens for facility operations. Every write goes through the service a manager's page calls
(series_cancel_rest, waitlist_remove, usage_correct, billing_rule_save), with the same checks and audit entries;
invoices and month closings are shown only (an invoice is never edited: a credit note cancels it, on its page)."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.bookings.admin import ServiceTransactionAdmin
from guichet.bookings.models import Booking
from guichet.core.admin import ReadOnlyAdmin, ServiceBackedAdmin

from . import consumables, samples, series, usage, waitlist
from .models import (
    AccountingCode,
    BillingProfile,
    BillingRule,
    BookingSeries,
    Consumable,
    ConsumableUse,
    Invoice,
    InvoiceLine,
    MonthClosing,
    SampleField,
    Usage,
    VatRate,
    WaitlistEntry,
)


class ActionsOnlyAdmin(ReadOnlyAdmin, ServiceTransactionAdmin):
    """Shown, never edited as fields; the actions call the services."""


@admin.register(BookingSeries)
class BookingSeriesAdmin(ActionsOnlyAdmin):
    list_display = ("instrument", "user", "rule", "first_start", "duration_minutes", "created_at")
    list_filter = ("instrument__platform",)
    search_fields = ("user__email", "instrument__name", "instrument__key")
    actions = ["cancel_rest"]

    @admin.action(description=_("Cancel the coming occurrences of the selected series"))
    def cancel_rest(self, request, queryset):
        def call(found):
            first = (Booking.objects.filter(series_occurrence__series=found, status__in=Booking.LIVE,
                                            start__gt=timezone.now()).order_by("start").first())
            if first is None:
                raise series.SeriesError(_("No occurrence to come."), "status")
            series.series_cancel_rest(actor=request.user, series=found, from_booking=first)
        self.run_service(request, queryset.select_related("instrument__platform", "user"), call,
                         _("%(n)d series cancelled from now on."))


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ActionsOnlyAdmin):
    list_display = ("instrument", "user", "start", "end", "status", "offer_expires_at")
    list_filter = ("status", "instrument__platform")
    search_fields = ("user__email", "instrument__name")
    actions = ["remove"]

    @admin.action(description=_("Take the selected places out of line"))
    def remove(self, request, queryset):
        self.run_service(request, queryset.filter(status__in=WaitlistEntry.LIVE).select_related("instrument"),
                         lambda entry: waitlist.waitlist_remove(actor=request.user, entry=entry),
                         _("%(n)d places taken out of line."))


@admin.register(Usage)
class UsageAdmin(ServiceTransactionAdmin):
    """A usage is corrected with a reason (usage_correct); it is never added or deleted here."""

    list_display = ("booking", "checked_in_at", "checked_out_at", "correction_reason")
    search_fields = ("booking__user__email", "booking__instrument__name")
    fields = ("booking", "checked_in_at", "checked_out_at", "correction_reason")
    readonly_fields = ("booking",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            usage.usage_correct(actor=request.user, booking=obj.booking, checked_in_at=obj.checked_in_at,
                                checked_out_at=obj.checked_out_at or obj.checked_in_at,
                                reason=obj.correction_reason)
        except usage.BookingError as exc:
            messages.error(request, str(exc))


@admin.register(BillingRule)
class BillingRuleAdmin(ServiceTransactionAdmin):
    list_display = ("instrument", "mode", "minimum_minutes", "release_after_minutes", "no_show_fee_percent")
    list_filter = ("mode", "instrument__platform")
    autocomplete_fields = ("instrument",)

    def save_model(self, request, obj, form, change):
        saved = usage.billing_rule_save(actor=request.user, instrument=obj.instrument,
                                        **{name: getattr(obj, name) for name in usage.RULE_FIELDS})
        obj.pk = saved.pk


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ("position", "kind", "label", "quantity", "unit_price", "net", "vat_percent", "accounting_code")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "customer_name", "period", "issued_at", "gross")
    list_filter = ("kind", "year", "category")
    search_fields = ("number", "customer_name", "purchase_order")
    inlines = [InvoiceLineInline]


@admin.register(MonthClosing)
class MonthClosingAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "closed_at", "closed_by")


@admin.register(VatRate)
class VatRateAdmin(ServiceBackedAdmin):
    list_display = ("category", "percent")


@admin.register(AccountingCode)
class AccountingCodeAdmin(ServiceBackedAdmin):
    list_display = ("platform", "category", "code")
    list_filter = ("category",)


@admin.register(BillingProfile)
class BillingProfileAdmin(ServiceBackedAdmin):
    list_display = ("organization", "language", "purchase_order")
    search_fields = ("organization__name", "purchase_order")
    autocomplete_fields = ("organization",)


# --- sample submission forms (issue 13, item 5) ---
class SampleFieldAdminForm(forms.ModelForm):
    def clean(self):
        values = super().clean()
        try:
            samples.field_values_check(service=values.get("service"), **{
                name: values.get(name) for name in samples.VALUE_NAMES})
        except samples.SampleError as exc:
            raise forms.ValidationError({exc.field if exc.field in self.fields else "__all__": str(exc)}) from None
        return values


@admin.register(SampleField)
class SampleFieldAdmin(ServiceTransactionAdmin):
    """A service's questions, saved through samples.sample_field_save (checked and audited like the page)."""

    list_display = ("service", "position", "label", "kind", "required")
    list_filter = ("kind", "service__platform")
    search_fields = ("label", "service__name", "service__key")
    autocomplete_fields = ("service",)
    fields = ("service", "label", "label_en", "kind", "required", "choices", "choices_en", "min_value", "max_value",
              "help_text", "help_text_en")
    form = SampleFieldAdminForm
    save_service = staticmethod(samples.sample_field_admin_save)

    def get_readonly_fields(self, request, obj=None):
        return ("service",) if obj is not None else ()


# --- consumables (issue 13, item 6) ---
@admin.register(Consumable)
class ConsumableAdmin(ServiceTransactionAdmin):
    """Saved through consumables.consumable_save (checked, audited); the stock is set once, at creation, then
    moves by restocking (the platform's page) and uses, never by an edit that could overwrite a take."""

    list_display = ("name", "platform", "unit", "stock", "alert_below", "active")
    list_filter = ("active", "platform")
    search_fields = ("name", "platform__name")
    fields = ("platform", "name", "unit", "price_academic", "price_startup", "price_industry", "stock", "alert_below",
              "members_may_add", "active")
    save_service = staticmethod(consumables.consumable_admin_save)

    def get_readonly_fields(self, request, obj=None):
        return ("platform", "stock") if obj is not None else ()


@admin.register(ConsumableUse)
class ConsumableUseAdmin(ReadOnlyAdmin):
    """What was taken, for what, at what price: shown only (the stock and the bills were written with it)."""

    list_display = ("consumable", "quantity", "amount", "order", "booking", "added_at", "added_by")
    list_filter = ("consumable__platform",)
