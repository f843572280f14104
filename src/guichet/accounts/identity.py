"""How a login identifier and a client address are read, the same way by the login form, the lock-out
(django-axes) and the rate limits, so that no spelling or header gives anyone a fresh budget."""

from django.conf import settings


def normalize_login(value) -> str:
    """E-mail logins are case-insensitive (the user manager looks them up with iexact), so the lock-out
    must count `member@x`, `MEMBER@X` and ` Member@x ` as one account."""
    return str(value or "").strip().lower()


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the identifier from the credentials (or the posted form), normalised."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get(settings.AXES_USERNAME_FORM_FIELD)
    # None, not "": axes treats a missing username specially (no record keyed on nothing).
    return normalize_login(value) or None
