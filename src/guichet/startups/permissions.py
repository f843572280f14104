from django.db.models import Q

from guichet.accounts.permissions import is_member

from .models import Startup


def startup_scope(user) -> Q:
    """The one statement of whose start-ups a user sees and updates: cluster staff every one, a founder
    (a member of the network) their own, nobody else any. The list, the page and the API read it."""
    if not is_member(user):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    return Q(founders=user)


def can_edit_startup(user, startup) -> bool:
    """Founders update their own company's figures; cluster staff update any."""
    return Startup.objects.filter(startup_scope(user), pk=startup.pk).exists()


def can_validate_figures(user) -> bool:
    """Validate or return the founders' figures (headcounts, funding rounds): the cluster team."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)
