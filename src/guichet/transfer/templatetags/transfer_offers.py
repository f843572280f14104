from django import template

from .. import permissions, selectors
from ..forms import AskForm

register = template.Library()


@register.inclusion_tag("transfer/_offers_for_request.html", takes_context=True)
def offers_for_request(context, desk_request):
    """On a desk request's page, for its requester and the cluster team: the public technology offers that
    may answer the need (selectors.offers_for_need); the requester may ask the office from there."""
    user = context["request"].user
    show = user.is_authenticated and (user.is_staff or desk_request.requester_id == user.pk)
    found = selectors.offers_for_need(f"{desk_request.title} {desk_request.text}") if show else []
    return {"found": found, "desk_request": desk_request, "csrf_token": context.get("csrf_token"),
            "can_ask": desk_request.requester_id == user.pk and permissions.can_ask_about_offer(user),
            "form": AskForm}
