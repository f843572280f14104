from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through their services (which check and audit): shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "entity_type", "entity_key")
    list_filter = ("entity_type",)
    search_fields = ("entity_key", "actor_label", "action")
    date_hierarchy = "at"


class ServiceBackedAdmin(admin.ModelAdmin):
    """Admin edits go through the app's services, so they are audited like every other change."""

    save_service = None
    delete_service = None

    def save_model(self, request, obj, form, change):
        type(self).save_service(actor=request.user, record=obj, is_new=not change)

    def delete_model(self, request, obj):
        type(self).delete_service(actor=request.user, record=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


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
        from .mail import outbox_resend

        done = 0
        for message in queryset.filter(status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.RETRYING]):
            outbox_resend(actor=request.user, message=message)
            done += 1
        self.message_user(request, _("%(n)d e-mail(s) queued again.") % {"n": done})
