from django.contrib import admin

from guichet.core.admin import ServiceBackedAdmin

from . import services
from .models import Target


@admin.register(Target)
class TargetAdmin(ServiceBackedAdmin):
    list_display = ("label", "label_en", "value", "year", "key")
    save_service = services.target_save
    delete_service = services.target_delete
