"""Reads about accounts."""

from .models import Membership


def organization_of(user):
    """The organization a user acts for by default (bookings, orders, requests, assessments): their first
    membership, in the order they joined; None for a user who belongs to none."""
    if not user or not getattr(user, "pk", None):
        return None
    membership = Membership.objects.filter(user=user).select_related("organization").order_by("pk").first()
    return membership.organization if membership else None
