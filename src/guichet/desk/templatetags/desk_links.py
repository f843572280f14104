from django import template

from guichet.desk.links import follow_path

register = template.Library()


@register.simple_tag
def desk_follow_path(request, recipient):
    """The path of the link that lets `recipient` follow `request` (signed, bound to them, expiring)."""
    return follow_path(request, recipient)
