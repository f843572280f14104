from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from guichet.core.audit_labels import (
    AUDIT_INLINE_CHANGES,
    AUDIT_VALUE_CHARS,
    action_label,
    change_rows,
    value_text,
)
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


@register.filter
def audit_changes(event) -> list:
    """An audit event's changes as (field label, before, after), read from the model it is about (core.audit_labels)."""
    return change_rows(event)


@register.filter
def audit_action(code) -> str:
    """An audit event's action code by its label ("Réservation — création"; core.audit_labels.action_label)."""
    return action_label(code)


@register.filter
def audit_folded(rows) -> bool:
    """Whether an audit event's changes fold under a <details> (more than AUDIT_INLINE_CHANGES of them)."""
    return len(rows) > AUDIT_INLINE_CHANGES


@register.filter
def audit_value(value) -> str:
    """One recorded value of an audit event: cut at AUDIT_VALUE_CHARS, the whole of it in a <details> to open."""
    from django.utils.text import Truncator

    text = value_text(value)
    if len(text) <= AUDIT_VALUE_CHARS:
        return conditional_escape(text)
    short = Truncator(text).chars(AUDIT_VALUE_CHARS)
    return mark_safe(f'<details class="audit-value"><summary>{conditional_escape(short)}</summary>'
                     f'<span class="audit-full">{conditional_escape(text)}</span></details>')


@register.filter
def join_list(items) -> str:
    """Items joined by the language's list separator ("a ; b" in French, with its no-break space; "a; b")."""
    separator = conditional_escape(pgettext("list separator", "; "))
    return mark_safe(separator.join(conditional_escape(item) for item in items))


@register.filter
def truncate_words(text, count: int) -> str:
    """Django's truncatewords, keeping the no-break spaces of French typography (core.text.truncate_words)."""
    from guichet.core.text import truncate_words as truncate

    return truncate(str(text or ""), int(count))


@register.filter
def month_label(value) -> str:
    """A month stored as "2026-11" (or a month closing) read as people say it: "novembre 2026", "November 2026"."""
    import datetime

    from django.utils.dateformat import format as date_format

    text = str(value or "")
    try:
        year, month = (int(part) for part in text.split("-")[:2])
        return date_format(datetime.date(year, month, 1), "F Y")
    except ValueError:
        return text


@register.filter
def figure(value) -> str:
    """A dashboard figure printed as the annual report prints it (impact.annual.figure_text): a leverage of 0.04
    reads 0,04, not 0,0; "—" when there is none."""
    from guichet.impact.annual import figure_text

    try:
        return figure_text(value)
    except (TypeError, ValueError):  # not a number: shown as it is
        return str(value)
