from .models import Partnership


def can_see_partnership(user, partnership: Partnership) -> bool:
    """Staff, and members of one of the parties."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or partnership.parties.filter(memberships__user=user).exists()


def can_record_partnership(user) -> bool:
    from guichet.accounts.models import Role

    return bool(user and user.is_authenticated and user.is_active and user.role != Role.GUEST)
