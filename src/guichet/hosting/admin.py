"""Staff's screens for the hosting spaces. Buildings are saved through the generic audited service; a
space is changed through space_admin_save (added from the building's page, which creates its resource);
contracts are shown only, and cancelled by the action, through contract_cancel."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from guichet.bookings.admin import ServiceTransactionAdmin
from guichet.core.admin import ReadOnlyAdmin, ServiceBackedAdmin
from guichet.core.errors import Refused

from . import services
from .models import Building, Contract, Space


@admin.register(Building)
class BuildingAdmin(ServiceBackedAdmin):
    list_display = ("name", "site", "platform")
    search_fields = ("name", "key", "site")
    prepopulated_fields = {"key": ("name",)}


@admin.register(Space)
class SpaceAdmin(ServiceBackedAdmin):
    list_display = ("__str__", "building", "kind", "surface_m2", "seats")
    list_filter = ("building", "kind")
    search_fields = ("resource__name", "resource__key")
    fields = ("building", "resource", "kind", "surface_m2", "seats")
    readonly_fields = ("building", "resource", "kind")
    save_service = services.space_admin_save

    def has_add_permission(self, request):
        return False  # from the building's page: space_create makes the bookable resource with it

    def has_delete_permission(self, request, obj=None):
        return False  # its resource holds its bookings and contracts: a space is kept


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin, ServiceTransactionAdmin):
    list_display = ("space", "company", "start", "end", "surface_m2", "monthly_price", "cancelled_at")
    list_filter = ("space__building",)
    search_fields = ("company__name", "company__key", "space__resource__name")
    actions = ["cancel"]

    @admin.action(description=_("Cancel the selected contracts (entered by mistake)"))
    def cancel(self, request, queryset):
        count = 0
        for contract in queryset.filter(cancelled_at__isnull=True).select_related("space__building__platform",
                                                                                  "hold"):
            try:
                services.contract_cancel(actor=request.user, contract=contract)
                count += 1
            except Refused as exc:
                messages.error(request, f"{contract}: {exc}")
        if count:
            messages.success(request, _("%(n)d contracts cancelled.") % {"n": count})
