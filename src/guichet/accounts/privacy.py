"""What the accounts app holds about a person: the account, memberships, API tokens (never their hashes)."""

from guichet.privacy.registry import eraser, exporter, when

from .models import ApiToken, Membership


@exporter("accounts")
def export_account(user):
    return {
        "account": {"email": user.email, "full_name": user.full_name, "role": user.role,
                    "language": user.language, "is_active": user.is_active,
                    "date_joined": when(user.date_joined), "last_login": when(user.last_login)},
        "memberships": [{"organization": m.organization.key, "organization_name": m.organization.name,
                         "is_contact": m.is_contact, "since": when(m.created_at)}
                        for m in Membership.objects.filter(user=user).select_related("organization")
                        .order_by("created_at", "pk")],
        "api_tokens": [{"name": t.name, "prefix": t.prefix, "created_at": when(t.created_at),
                        "last_used_at": when(t.last_used_at), "revoked_at": when(t.revoked_at)}
                       for t in ApiToken.objects.filter(user=user).order_by("created_at", "pk")],
    }


@eraser("accounts")
def erase_account(*, user, actor):
    """Runs last: the other erasers may still need the address. The account stays (bookings point at it)."""
    from guichet.privacy.services import erased_email

    tokens, _ = ApiToken.objects.filter(user=user).delete()
    memberships, _ = Membership.objects.filter(user=user).delete()
    user.email = erased_email(user)
    user.full_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "full_name", "is_active", "password"])
    return {"account": 1, "api_tokens": tokens, "memberships": memberships}
