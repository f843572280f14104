from django.db.models import Q

from guichet.accounts.permissions import is_member, is_signed_in

from .models import Partnership

NOBODY = Q(pk__in=[])


def partnership_scope(user) -> Q:
    """The one statement of who sees a partnership: staff every one, a member of the network those their
    organizations are party to, nobody else any (a guest is not a member). Board, page and API read it."""
    if not is_member(user):
        return NOBODY
    if user.is_staff:
        return Q()
    return Q(parties__memberships__user=user)


def can_see_partnership(user, partnership: Partnership) -> bool:
    return Partnership.objects.filter(partnership_scope(user), pk=partnership.pk).exists()


def can_record_partnership(user) -> bool:
    return is_member(user)


def confirmable_organizations(user, partnership: Partnership) -> list:
    """The parties this user may confirm for, not yet confirmed: those they are a contact of."""
    if not is_signed_in(user) or partnership.confirmed_at is not None:
        return []
    done = partnership.confirmations.values_list("organization_id", flat=True)
    return list(partnership.parties.filter(memberships__user=user, memberships__is_contact=True)
                .exclude(pk__in=done).distinct())


def can_confirm_partnership(user, partnership: Partnership) -> bool:
    if partnership.confirmed_at is not None or not user or not user.is_authenticated:
        return False
    return user.is_staff or bool(confirmable_organizations(user, partnership))
