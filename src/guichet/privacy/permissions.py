from guichet.accounts.models import Role


def can_export_person(user, person) -> bool:
    """A member downloads their own data; staff answer other people's requests through the erasure page."""
    return user.is_authenticated and user.pk == person.pk


def can_erase_person(user, person) -> bool:
    """Cluster staff erase members; only an administrator erases staff or administrators; nobody themselves."""
    if not (user.is_authenticated and user.is_staff) or user.pk == person.pk:
        return False
    if person.role in (Role.STAFF, Role.ADMIN):
        return user.role == Role.ADMIN
    return True
