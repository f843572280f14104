from django.contrib import admin

from guichet.directory.admin import DirectoryAdmin

from . import services
from .models import Instrument, Platform, Service


@admin.register(Platform)
class PlatformAdmin(DirectoryAdmin):
    list_display = ("name", "key", "organization")
    search_fields = ("name", "key")
    autocomplete_fields = ("organization",)

    relation_services = {"managers": lambda *, actor, record, values: services.platform_managers_set(
        actor=actor, platform=record, managers=values)}


@admin.register(Service)
class ServiceAdmin(DirectoryAdmin):
    list_display = ("name", "key", "platform", "unit", "price_academic", "price_startup", "price_industry")
    search_fields = ("name", "key")


@admin.register(Instrument)
class InstrumentAdmin(DirectoryAdmin):
    list_display = ("name", "key", "platform", "requires_training")
    search_fields = ("name", "key")
