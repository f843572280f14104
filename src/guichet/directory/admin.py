from django.contrib import admin

from guichet.core.admin import ServiceBackedAdmin

from . import services
from .models import ImportBatch, Organization, Person


class DirectoryAdmin(ServiceBackedAdmin):
    save_service = services.directory_record_save
    delete_service = services.directory_record_delete


@admin.register(Organization)
class OrganizationAdmin(DirectoryAdmin):
    list_display = ("name", "key", "kind", "city", "updated_at")
    list_filter = ("kind", "city")
    search_fields = ("name", "key", "description")


@admin.register(Person)
class PersonAdmin(DirectoryAdmin):
    list_display = ("name", "key", "organization", "title")
    search_fields = ("name", "key", "expertise")
    autocomplete_fields = ("organization",)


@admin.register(ImportBatch)
class ImportBatchAdmin(ServiceBackedAdmin):
    """Uploads are shown; deleting one (a pending upload nobody will confirm) is audited."""
    list_display = ("filename", "created_by", "created_at", "status")
    readonly_fields = ("created_by", "created_at", "filename", "payload", "status", "applied_at")

    def has_add_permission(self, request):
        return False
