from django import template

from guichet.desk.links import follow_path, provider_path

register = template.Library()


@register.simple_tag
def desk_follow_path(request, recipient):
    """The path of the link that lets `recipient` follow `request` (signed, bound to them, expiring)."""
    return follow_path(request, recipient)


@register.simple_tag
def desk_provider_path(routing):
    """The path of the link that lets a routing's directory contact answer it without an account."""
    return provider_path(routing)
