from django.db.models import Q

from .models import Assessment


def assessments_visible_to(user):
    """The owner's own, and those shared with an organization the user belongs to: no one else, staff included."""
    if not user or not user.is_authenticated or not user.is_active:
        return Assessment.objects.none()
    return Assessment.objects.filter(
        Q(owner=user) | Q(shared_with_organization=True, organization__memberships__user=user)).distinct()
