from guichet.accounts.models import Role


def can_manage_platform(user, platform) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or platform.managers.filter(pk=user.pk).exists()


def can_manage_instrument(user, instrument) -> bool:
    return can_manage_platform(user, instrument.platform)


def can_book(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role != Role.GUEST)


def can_see_booking_owner(user, booking) -> bool:
    """Other users' bookings are anonymous busy slots, except to the instrument's managers."""
    return bool(user and user.is_authenticated and (booking.user_id == user.pk
                                                    or can_manage_instrument(user, booking.instrument)))
