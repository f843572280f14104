from django.db.models import Q

from guichet.accounts.permissions import is_signed_in

from .models import Assessment


def assessments_visible_to(user):
    """The owner's own, and those shared with an organization the user belongs to: no one else, staff included."""
    if not is_signed_in(user):
        return Assessment.objects.none()
    return Assessment.objects.filter(
        Q(owner=user) | Q(shared_with_organization=True, organization__memberships__user=user)).distinct()
