"""Who counts as what in the network: the one statement every app asks."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role, User


def is_signed_in(user) -> bool:
    """Logged in with an active account: a member, or a guest (a visitor who only confirmed an e-mail)."""
    return bool(user and user.is_authenticated and user.is_active)


def is_member(user) -> bool:
    """A member of the network: logged in, active, and not a guest (a visitor who only confirmed an e-mail)."""
    return is_signed_in(user) and user.role != Role.GUEST


def is_cluster_team(user) -> bool:
    """The cluster team: an active staff account."""
    return is_signed_in(user) and user.is_staff


def members():
    """The same rule as a query: the users who are members of the network."""
    return User.objects.filter(is_active=True).exclude(role=Role.GUEST)


def member_required(view):
    """Members-only pages: anonymous visitors go to the login page, a logged-in guest is refused (403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
