"""The team sets a Partnering Day's slots and tables here (audited, core.services); requests, meetings and
availability change only through partnering.services, from the day's pages."""

from django.contrib import admin

from guichet.core.admin import ServiceBackedAdmin

from .models import Slot, Table


@admin.register(Slot)
class SlotAdmin(ServiceBackedAdmin):
    list_display = ("event", "start", "end")
    list_filter = ("event",)


@admin.register(Table)
class TableAdmin(ServiceBackedAdmin):
    list_display = ("event", "number")
    list_filter = ("event",)
