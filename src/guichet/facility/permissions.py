from guichet.bookings.permissions import can_book, can_manage_instrument


def can_book_series(user, instrument) -> bool:
    """Who may book a series: whoever may book a single slot (trained or managing: checked per occurrence)."""
    return can_book(user) and instrument.bookable


def can_see_series(user, series) -> bool:
    """The one who booked it and the instrument's managers; anyone else is answered 404."""
    return bool(user and user.is_authenticated and (series.user_id == user.pk
                                                    or can_manage_instrument(user, series.instrument)))
