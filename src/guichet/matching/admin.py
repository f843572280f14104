from django.contrib import admin

from guichet.core.admin import ServiceBackedAdmin

from . import services
from .models import Concept


@admin.register(Concept)
class ConceptAdmin(ServiceBackedAdmin):
    list_display = ("key", "category", "first_fr", "first_en", "is_active", "updated_at")
    list_filter = ("category", "is_active")
    search_fields = ("key", "labels_fr", "labels_en", "purposes_fr", "purposes_en")
    filter_horizontal = ("broader",)
    fields = ("key", "category", "labels_fr", "labels_en", "purposes_fr", "purposes_en", "broader", "is_active")
    delete_service = services.concept_delete

    @admin.display(description="FR")
    def first_fr(self, obj):
        return obj.label("fr")

    @admin.display(description="EN")
    def first_en(self, obj):
        return obj.label("en")

    def save_model(self, request, obj, form, change):
        # Audited, and the directory entries the labels touch are re-tagged at once.
        services.concept_save(actor=request.user, concept=obj, is_new=not change)

    relation_services = {"broader": lambda *, actor, record, values: services.concept_broader_set(
        actor=actor, concept=record, broader=values)}
