from datetime import timedelta

from guichet.accounts.permissions import is_member, is_signed_in


def can_manage_platform(user, platform) -> bool:
    if not is_signed_in(user):
        return False
    return user.is_staff or platform.managers.filter(pk=user.pk).exists()


def can_manage_instrument(user, instrument) -> bool:
    return can_manage_platform(user, instrument.platform)


def can_book(user) -> bool:
    return is_member(user)


def is_booking_party(user, booking) -> bool:
    """The one who booked, or a manager of the instrument: who sees whose booking it is and may act on it
    (cancel page and API answer 404 to anyone else)."""
    return bool(user and user.is_authenticated and (booking.user_id == user.pk
                                                    or can_manage_instrument(user, booking.instrument)))


def can_see_booking_owner(user, booking) -> bool:
    """Other users' bookings are anonymous busy slots, except to the instrument's managers."""
    return is_booking_party(user, booking)


def cancel_deadline(booking):
    """The last moment the booker may cancel alone: the instrument's deadline before the start."""
    return booking.start - timedelta(hours=booking.instrument.cancel_deadline_hours)


def can_cancel_booking(user, booking, now) -> bool:
    """The instrument's managers cancel any booking; the booker cancels their own until the deadline."""
    if can_manage_instrument(user, booking.instrument):
        return True
    return is_booking_party(user, booking) and now <= cancel_deadline(booking)
