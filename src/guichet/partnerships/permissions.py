from .models import Partnership


def can_see_partnership(user, partnership: Partnership) -> bool:
    """Staff, and members of one of the parties."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or partnership.parties.filter(memberships__user=user).exists()


def can_record_partnership(user) -> bool:
    from guichet.accounts.models import Role

    return bool(user and user.is_authenticated and user.is_active and user.role != Role.GUEST)


def confirmable_organizations(user, partnership: Partnership) -> list:
    """The parties this user may confirm for, not yet confirmed: those they are a contact of."""
    if not user or not user.is_authenticated or not user.is_active or partnership.confirmed_at is not None:
        return []
    done = partnership.confirmations.values_list("organization_id", flat=True)
    return list(partnership.parties.filter(memberships__user=user, memberships__is_contact=True)
                .exclude(pk__in=done).distinct())


def can_confirm_partnership(user, partnership: Partnership) -> bool:
    if partnership.confirmed_at is not None or not user or not user.is_authenticated:
        return False
    return user.is_staff or bool(confirmable_organizations(user, partnership))
