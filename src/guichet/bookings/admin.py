"""Staff's screens to find and correct bookings, blackouts, trainings and service orders.

Statuses are never edited as fields: each admin action calls the service a manager's page calls
(booking_cancel, booking_decide, booking_close, order_transition, training_revoke), with the same checks
and audit entries. These services own durable transactions and e-mail after commit, so the add and
change pages here run without the admin's outer transaction.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guichet.core.admin import ServiceBackedAdmin
from guichet.platforms.models import CustomerCategory

from . import orders, services
from .models import Booking, OrderStatusChange, QuoteLine, ServiceOrder, TrainingAuthorization


def when(value) -> str:
    """A stored UTC time, shown in Paris time in the page's language (— when there is none)."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"


class ServiceTransactionAdmin(ServiceBackedAdmin):
    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Each service below is its own (durable) transaction: no outer one around it.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def run_service(self, request, queryset, call, done):
        """Apply a service to each selected record; a refusal is said, record by record."""
        count = 0
        for obj in queryset:
            try:
                call(obj)
                count += 1
            except (services.BookingError, services.NotAllowed) as exc:
                messages.error(request, f"{obj}: {exc}")
        if count:
            messages.success(request, done % {"n": count})


def service_action(name: str, description, done, call):
    """An admin action that applies `call(actor, record)` to each selected record (`run_service`)."""
    def action(self, request, queryset):
        self.run_service(request, queryset, lambda record: call(request.user, record), done)

    action.__name__ = name
    return admin.action(description=description)(action)


@admin.register(TrainingAuthorization)
class TrainingAuthorizationAdmin(ServiceTransactionAdmin):
    list_display = ("user", "instrument", "granted_by", "granted_at", "expires_at", "revoked_at")
    list_filter = ("instrument__platform", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__full_name", "instrument__name", "instrument__key")
    autocomplete_fields = ("user", "instrument")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # Who was trained on what stays as granted; a correction is a revoke and a new grant.
        return ("user", "instrument", "granted_by", "granted_at", "revoked_at") if obj else (
            "granted_by", "granted_at", "revoked_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        granted = services.training_grant(actor=request.user, user=obj.user, instrument=obj.instrument,
                                          expires_at=obj.expires_at)
        obj.pk, obj.granted_by, obj.granted_at = granted.pk, granted.granted_by, granted.granted_at

    @admin.action(description=_("Revoke the selected trainings"))
    def revoke(self, request, queryset):
        self.run_service(request, queryset.filter(revoked_at__isnull=True),
                         # The action has no form: the reason the trainee reads says who revoked it.
                         lambda t: services.training_revoke(
                             actor=request.user, training=t,
                             reason=str(_("Revoked by the cluster team in the administration."))),
                         _("%(n)d trainings revoked."))


class KindFilter(admin.ChoicesFieldListFilter):
    """The column has no translated name of its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("kind")


class BlackoutForm(forms.ModelForm):
    """The admin adds blackouts (maintenance); bookings are made from the calendar."""

    class Meta:
        model = Booking
        fields = ("instrument", "start", "end", "note")

    def clean(self):
        data = super().clean()
        if data.get("instrument") and data.get("start") and data.get("end"):
            try:
                services.blackout_check(instrument=data["instrument"], start=data["start"], end=data["end"])
            except services.BookingError as exc:
                raise forms.ValidationError({exc.field or "start": str(exc)}) from None
        return data


class ProjectCheckedForm(forms.ModelForm):
    """--- groups (issue 12) --- the project a booking or an order moves to, checked as at booking time before
    the save (which checks it again, under the project's lock): the refusal is said beside the field."""

    def project_check(self, data):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if "project" in self.fields and not self.errors:
            try:
                self.project_check(data)
            except (services.BookingError, services.NotAllowed) as exc:
                raise forms.ValidationError({"project": str(exc)}) from None
        return data


class BookingChangeForm(ProjectCheckedForm):
    def project_check(self, data):
        with transaction.atomic():
            services.booking_project_check(record=self.instance, project=data.get("project"),
                                           organization=data.get("organization"))


@admin.register(Booking)
class BookingAdmin(ServiceTransactionAdmin):
    list_display = ("instrument", "kind_label", "person", "start", "end", "status", "organization", "project")
    list_filter = (("kind", KindFilter), "status", "instrument__platform")
    search_fields = ("user__email", "user__full_name", "instrument__name", "instrument__key", "note",
                     "project__key", "project__name", "project__grant_number")
    date_hierarchy = "start"
    autocomplete_fields = ("instrument", "project")
    save_service = services.booking_admin_update
    actions = ["approve", "refuse", "cancel", "complete", "no_show"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = BlackoutForm if obj is None else BookingChangeForm
        kwargs["labels"] = {"instrument": capfirst(_("instrument")), "organization": capfirst(_("organization"))}
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return obj.get_kind_display()

    @admin.display(description=_("user"), ordering="user__email")
    def person(self, obj):
        return obj.user

    @admin.display(description=_("decided by"))
    def decider(self, obj):
        return obj.decided_by or "—"

    @admin.display(description=_("cancelled"))
    def cancelled(self, obj):
        return when(obj.cancelled_at)

    @admin.display(description=_("reminder sent"))
    def reminded(self, obj):
        return when(obj.reminder_sent_at)

    @admin.display(description=_("created"))
    def created(self, obj):
        return when(obj.created_at)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("instrument", "start", "end", "note")
        return ("instrument", "kind_label", "person", "start", "end", "status", "organization", "project",
                "cost_centre", "note", "decider", "cancelled", "reminded", "created")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("instrument", "kind_label", "person", "start", "end", "status", "decider", "cancelled", "reminded",
                "created")

    def has_delete_permission(self, request, obj=None):
        # A booking is cancelled, never deleted (statements count it); a blackout may go.
        if obj is not None and obj.kind != Booking.Kind.BLACKOUT:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.filter(kind=Booking.Kind.BLACKOUT))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        blackout = services.blackout_create(actor=request.user, instrument=obj.instrument, start=obj.start,
                                            end=obj.end, reason=obj.note)
        obj.pk = blackout.pk

    # The managers' actions, through the same services as their pages (bookings/services.py).
    approve = service_action("approve", _("Approve the selected bookings"), _("%(n)d bookings approved."),
                             lambda actor, b: services.booking_decide(actor=actor, booking=b, approve=True))
    refuse = service_action("refuse", _("Refuse the selected bookings"), _("%(n)d bookings refused."),
                            lambda actor, b: services.booking_decide(actor=actor, booking=b, approve=False))
    cancel = service_action("cancel", _("Cancel the selected bookings"), _("%(n)d bookings cancelled."),
                            lambda actor, b: services.booking_cancel(actor=actor, booking=b))
    complete = service_action("complete", _("Mark the selected bookings completed"),
                              _("%(n)d bookings marked completed."),
                              lambda actor, b: services.booking_close(actor=actor, booking=b))
    no_show = service_action("no_show", _("Mark the selected bookings as no-shows"),
                             _("%(n)d bookings marked as no-shows."),
                             lambda actor, b: services.booking_close(actor=actor, booking=b, no_show=True))


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuoteLineInline(ReadOnlyInline):
    """Quote lines are written by the 'quote' step (order_transition), never by hand."""

    model = QuoteLine
    fields = readonly_fields = ("label", "quantity", "unit_price", "amount")
    verbose_name = _("quote line")
    verbose_name_plural = _("quote lines")


class OrderHistoryInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = readonly_fields = ("from_label", "to_label", "by", "on")
    verbose_name = _("step")
    verbose_name_plural = _("history")

    @admin.display(description=_("from"))
    def from_label(self, obj):
        return ServiceOrder.Status(obj.from_status).label if obj.from_status in ServiceOrder.Status.values else "—"

    @admin.display(description=_("to"))
    def to_label(self, obj):
        return obj.get_to_status_display()

    @admin.display(description=_("by"))
    def by(self, obj):
        return obj.actor

    @admin.display(description=_("on"))
    def on(self, obj):
        return when(obj.at)


class ServiceOrderChangeForm(ProjectCheckedForm):
    def project_check(self, data):
        with transaction.atomic():
            orders.order_project_check(record=self.instance, project=data.get("project"))


@admin.register(ServiceOrder)
class ServiceOrderAdmin(ServiceTransactionAdmin):
    list_display = ("reference", "service", "requester_name", "organization", "project", "status", "created",
                    "total")
    list_filter = ("status", "service__platform")
    search_fields = ("description", "requester__email", "requester__full_name", "service__name",
                     "service__key", "cost_centre", "project__key", "project__name", "project__grant_number")
    autocomplete_fields = ("project",)
    form = ServiceOrderChangeForm
    date_hierarchy = "created_at"
    readonly_fields = ("reference", "service", "requester_name", "price_list", "quantity", "status",
                       "created", "delivered", "desk_link", "attached", "total")
    fields = ("reference", "service", "requester_name", "organization", "project", "cost_centre", "price_list",
              "description", "quantity", "status", "created", "delivered", "desk_link", "attached", "total")
    inlines = [QuoteLineInline, OrderHistoryInline]
    save_service = orders.order_admin_update
    actions = ["quote", "start", "deliver", "decline"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # An order's history is part of the statements: it is declined or cancelled, never deleted.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The model's columns have no translated names of their own (changing them needs a migration).
        kwargs["labels"] = {"organization": capfirst(_("organization"))}
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("reference"))
    def reference(self, obj):
        return obj.reference

    @admin.display(description=_("requester"), ordering="requester__email")
    def requester_name(self, obj):
        return obj.requester

    @admin.display(description=_("price list"))
    def price_list(self, obj):
        return CustomerCategory(obj.customer_category).label if obj.customer_category in CustomerCategory.values \
            else obj.customer_category

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj):
        return when(obj.created_at)

    @admin.display(description=_("delivered"), ordering="delivered_at")
    def delivered(self, obj):
        return when(obj.delivered_at)

    @admin.display(description=_("desk request"))
    def desk_link(self, obj):
        return obj.desk_request or "—"

    @admin.display(description=_("attachment"))
    def attached(self, obj):
        return obj.attachment.name.rsplit("/", 1)[-1] if obj.attachment else "—"

    @admin.display(description=_("total"))
    def total(self, obj):
        return formats.number_format(obj.total, 2, use_l10n=True) + " €"

    def _step(self, request, queryset, action, done):
        self.run_service(request, queryset,
                         lambda o: orders.order_transition(actor=request.user, order=o, action=action), done)

    @admin.action(description=_("Quote the selected orders at the price list"))
    def quote(self, request, queryset):
        self._step(request, queryset, "quote", _("%(n)d orders quoted."))

    @admin.action(description=_("Start the work on the selected orders"))
    def start(self, request, queryset):
        self._step(request, queryset, "start", _("%(n)d orders started."))

    @admin.action(description=_("Mark the selected orders delivered"))
    def deliver(self, request, queryset):
        self._step(request, queryset, "deliver", _("%(n)d orders delivered."))

    @admin.action(description=_("Decline the selected orders"))
    def decline(self, request, queryset):
        self._step(request, queryset, "decline", _("%(n)d orders declined."))
