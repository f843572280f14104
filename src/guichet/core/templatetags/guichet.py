import functools

from django import template
from django.apps import apps
from django.urls import reverse

register = template.Library()

_ROUTES = {"organization": "directory:organization", "person": "directory:person",
           "platform": "platforms:detail"}


@register.simple_tag
def entry_url(entry) -> str:
    """The page of a search entry; services and instruments live on their platform's page."""
    if entry.record_kind in _ROUTES:
        return reverse(_ROUTES[entry.record_kind], args=[entry.key])
    from guichet.platforms.models import Instrument, Service

    model = Service if entry.record_kind == "service" else Instrument
    platform_key = model.objects.filter(pk=entry.object_id).values_list("platform__key", flat=True).first()
    return reverse("platforms:detail", args=[platform_key]) + f"#{entry.key}" if platform_key else "#"


@register.simple_tag
def page_query(query_dict, page) -> str:
    params = query_dict.copy()
    params["page"] = page
    return params.urlencode()


@register.filter
def record_kind_label(kind: str) -> str:
    from guichet.directory.models import RecordKind

    return dict(RecordKind.choices).get(kind, kind)


@register.filter
def price_list_label(category: str) -> str:
    from guichet.platforms.models import CustomerCategory

    return dict(CustomerCategory.choices).get(category, category)


@register.filter
def unit_label(unit: str) -> str:
    from guichet.platforms.models import ServiceUnit

    return dict(ServiceUnit.choices).get(unit, unit)


@functools.cache
def _choice_labels() -> dict:
    """(field name, code) → label, for every field with choices in every model: how the audit log reads a code."""
    labels = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for code, label in getattr(field, "choices", None) or []:
                if isinstance(code, str):
                    labels.setdefault((field.name, code), label)
    return labels


@register.filter
def audit_value(value, field: str):
    """A recorded value as a reader knows it: a choice code becomes its label; anything else is shown as stored."""
    if isinstance(value, str):
        return _choice_labels().get((field, value), value)
    return value
