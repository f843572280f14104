"""Who may see or do what in the directory. HTML views and the API both ask these."""

from guichet.accounts.permissions import is_signed_in


def can_see_contact_details(user) -> bool:
    """E-mail addresses are for logged-in members of the network, never for anonymous visitors."""
    return is_signed_in(user)


def can_import_directory(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def can_export_directory(user) -> bool:
    return can_import_directory(user)


def can_browse_audit(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)
