from django.contrib import admin
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services as core_services
from .audit_labels import action_label, change_rows, record_type_label
from .mail import outbox_resend
from .models import AuditEvent, OutboxMessage
from .text import fold


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through their services (which check and audit): shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordTypeFilter(admin.SimpleListFilter):
    """The audit log's record types by their names ("Réservation"), not their codes ("booking")."""

    title = _("record type")
    parameter_name = "entity_type"

    def lookups(self, request, model_admin):
        types = AuditEvent.objects.order_by().values_list("entity_type", flat=True).distinct()
        return sorted(((code, record_type_label(code)) for code in types), key=lambda item: fold(str(item[1])))

    def queryset(self, request, queryset):
        return queryset.filter(entity_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log for staff: each action by the label the audit page shows ("Réservation — annulée"), its code
    kept beside it in the record's page and searchable, for whoever reads the log's rows elsewhere."""

    list_display = ("at", "actor_label", "action_name", "record_type", "entity_key")
    list_filter = (RecordTypeFilter,)
    search_fields = ("entity_key", "actor_label", "action")
    date_hierarchy = "at"
    fields = ("at", "actor", "actor_label", "action_name", "action_code", "record_type", "entity_key",
              "entity_label", "changes_read")
    readonly_fields = ("action_name", "action_code", "record_type", "changes_read")

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, event):
        return format_html('<span title="{}">{}</span>', event.action, action_label(event.action))

    @admin.display(description=_("action code"))
    def action_code(self, event):
        return format_html("<code>{}</code>", event.action)

    @admin.display(description=_("record type"), ordering="entity_type")
    def record_type(self, event):
        return format_html('<span title="{}">{}</span>', event.entity_type, record_type_label(event.entity_type))

    @admin.display(description=_("changes"))
    def changes_read(self, event):
        """The changes as the audit page reads them (each field by its name, each code by its label)."""
        return render_to_string("core/_audit_diff.html", {"rows": change_rows(event)})


class ServiceBackedInline:
    """An inline whose rows are saved and deleted through services (generic ones unless the inline names its own)."""

    save_service = None  # (*, actor, record, is_new)
    delete_service = None  # (*, actor, record)


class ServiceBackedAdmin(admin.ModelAdmin):
    """Admin edits go through the app's services, so they are audited like every other change.

    Every door of the admin is covered: the record (save_model), its many-to-many sets and inline rows
    (save_related), single and bulk deletes. A model without services of its own gets the generic, audited
    ones of core.services.
    """

    save_service = None  # (*, actor, record, is_new)
    delete_service = None  # (*, actor, record)
    relation_services: dict = {}  # many-to-many field -> its app's service (*, actor, record, values)

    def save_model(self, request, obj, form, change):
        service = type(self).save_service or core_services.record_save
        service(actor=request.user, record=obj, is_new=not change)

    def delete_model(self, request, obj):
        service = type(self).delete_service or core_services.record_delete
        service(actor=request.user, record=obj)

    def delete_queryset(self, request, queryset):
        # The bulk action is all or nothing, one audit entry per record.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_relation(self, request, record, field: str, values) -> None:
        """One many-to-many set: through the app's service named in `relation_services`, else the generic one."""
        service = type(self).relation_services.get(field)
        if service is not None:
            service(actor=request.user, record=record, values=values)
        else:
            core_services.record_relation_set(actor=request.user, record=record, field=field, values=values)

    def save_related(self, request, form, formsets, change):
        # Instead of form.save_m2m(), which writes every set without a trace.
        record = form.instance
        for field in record._meta.many_to_many:
            if field.name in form.cleaned_data and field.name in form.fields:
                self.save_relation(request, record, field.name, form.cleaned_data[field.name])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _inline_for(self, request, formset):
        for inline in self.get_inline_instances(request, formset.instance):
            if inline.model is formset.model:
                return inline
        return None

    def save_formset(self, request, form, formset, change):
        inline = self._inline_for(request, formset)
        save = getattr(type(inline), "save_service", None) or core_services.record_save
        delete = getattr(type(inline), "delete_service", None) or core_services.record_delete
        changed = formset.save(commit=False)  # sets deleted_objects; writes nothing
        for obj in formset.deleted_objects:
            delete(actor=request.user, record=obj)
        for obj in changed:
            save(actor=request.user, record=obj, is_new=obj.pk is None)
        if any(f.many_to_many for f in formset.model._meta.get_fields()):
            formset.save_m2m()


# django-axes' screens: deleting an attempt unlocks an account, so it is audited like any other write.
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin  # noqa: E402
from axes.models import AccessAttempt, AccessFailureLog, AccessLog  # noqa: E402

for _model, _base in ((AccessAttempt, AccessAttemptAdmin), (AccessLog, AccessLogAdmin),
                      (AccessFailureLog, AccessFailureLogAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    # The clean-up action deletes outside any service: bulk delete (audited) does the same job.
    admin.site.register(_model, type(f"Audited{_base.__name__}", (ServiceBackedAdmin, _base), {"actions": []}))



@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Outgoing e-mails: read here, resent through the outbox service (audited), never edited."""

    list_display = ("created_at", "recipients", "subject", "status", "attempts", "next_attempt_at")
    list_filter = ("status", "template")
    search_fields = ("subject", "to")
    date_hierarchy = "created_at"
    actions = ["resend"]

    @admin.display(description=_("to"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.action(description=_("Resend the selected failed e-mails"))
    def resend(self, request, queryset):
        done = 0
        for message in queryset.filter(status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.RETRYING]):
            outbox_resend(actor=request.user, message=message)
            done += 1
        self.message_user(request, _("%(n)d e-mail(s) queued again.") % {"n": done})
