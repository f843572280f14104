from django.db.models import Q

from guichet.accounts.permissions import is_member, is_signed_in

from .models import Programme, Visibility


def programmes_visible_to(user, queryset=None):
    """Public programmes for everyone; members-only ones for members; private ones for their owner and staff."""
    qs = queryset if queryset is not None else Programme.objects.all()
    if user and user.is_authenticated and user.is_staff:
        return qs
    visible = Q(visibility=Visibility.PUBLIC)
    if is_signed_in(user):
        if is_member(user):
            visible |= Q(visibility=Visibility.MEMBERS)
        visible |= Q(owner__memberships__user=user)
    return qs.filter(visible).distinct()
