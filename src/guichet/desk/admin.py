from django.contrib import admin

from guichet.core.admin import ReadOnlyAdmin

from .models import Message, Need, Routing, StatusChange


class RoutingInline(admin.TabularInline):
    model = Routing
    extra = 0
    readonly_fields = ("record_kind", "record_key", "record_name", "state", "routed_by", "routed_at",
                       "responded_at")
    can_delete = False


class HistoryInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "actor", "at", "note")
    can_delete = False


@admin.register(Need)
class RequestAdmin(ReadOnlyAdmin):
    """Read-only here: transitions go through the desk pages, where each is checked and audited."""

    list_display = ("reference", "title", "status", "confidential", "requester", "created_at", "first_response_at")
    list_filter = ("status", "confidential", "outcome")
    search_fields = ("title", "text", "requester__email")
    inlines = [RoutingInline, HistoryInline]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """Messages are written through the desk (message_post), which checks who may write and audits."""

    list_display = ("request", "author", "created_at")
