import functools

from django import template
from django.apps import apps

from guichet.directory.kinds import entry_urls
from guichet.directory.models import RecordKind
from guichet.platforms.models import CustomerCategory, ServiceUnit

register = template.Library()


@register.simple_tag
def entry_url(entry) -> str:
    """The page of a search entry (directory.kinds); a page of results has them read at once (`entry.url`)."""
    return getattr(entry, "url", None) or entry_urls([entry])[entry.pk]


@register.simple_tag
def page_query(query_dict, page) -> str:
    params = query_dict.copy()
    params["page"] = page
    return params.urlencode()


@register.filter
def record_kind_label(kind: str) -> str:
    return dict(RecordKind.choices).get(kind, kind)


@register.filter
def price_list_label(category: str) -> str:
    return dict(CustomerCategory.choices).get(category, category)


@register.filter
def unit_label(unit: str) -> str:
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
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        # A list of codes (areas of a site, of an organization): each read as its label where one is known.
        return ", ".join(str(_choice_labels().get((field, item)) or _code_labels().get(item, item)) for item in value)
    return value


@functools.cache
def _code_labels() -> dict:
    """code → label for codes that mean one thing wherever they are stored (a list field has no choices)."""
    by_code: dict = {}
    for (_field, code), label in _choice_labels().items():
        by_code.setdefault(code, set()).add(str(label))
    return {code: next(iter(labels)) for code, labels in by_code.items() if len(labels) == 1}
