from guichet.bookings.permissions import can_book, can_manage_instrument


def can_book_series(user, instrument) -> bool:
    """Who may book a series: whoever may book a single slot (trained or managing: checked per occurrence)."""
    return can_book(user) and instrument.bookable


def can_see_series(user, series) -> bool:
    """The one who booked it and the instrument's managers; anyone else is answered 404."""
    return bool(user and user.is_authenticated and (series.user_id == user.pk
                                                    or can_manage_instrument(user, series.instrument)))


# --- invoices (issue 13, item 7) ---
def invoices_visible_q(user):
    """Who reads an invoice: staff all; members their organizations'; managers those billing their platforms."""
    from django.db.models import Q

    if not (user and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    return Q(organization__memberships__user=user) | Q(lines__platform__managers=user)


# --- consumables (issue 13, item 6) ---
def can_add_consumable(user, consumable, *, order=None, booking=None) -> bool:
    """The platform's managers add any of its consumables; a member adds one that allows it to their own
    order or booking."""
    from guichet.accounts.permissions import is_member
    from guichet.bookings.permissions import can_manage_platform

    if can_manage_platform(user, consumable.platform):
        return True
    if not (consumable.members_may_add and is_member(user)):
        return False
    owner = order.requester_id if order is not None else booking.user_id if booking is not None else None
    return owner == user.pk
