"""Account writes: tokens and memberships, each audited in its own transaction."""

from django.db import transaction
from django.utils import timezone

from guichet.core.audit import audit_record

from .models import ApiToken, Membership, User, hash_token


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the actor; returns it with the raw value, which is never stored."""
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(user=actor, name=name.strip()[:100] or "API", prefix=raw[3:9],
                                    token_hash=hash_token(raw))
    audit_record(actor=actor, action="api_token.create", entity_type="api_token", entity_key=str(token.pk),
                 entity_label=token.name, changes={"name": [None, token.name]})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    updated = ApiToken.objects.filter(pk=token.pk, user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    if updated:
        audit_record(actor=actor, action="api_token.revoke", entity_type="api_token", entity_key=str(token.pk),
                     entity_label=token.name, changes={"revoked": [False, True]})


def api_token_authenticate(raw: str) -> User | None:
    token = (ApiToken.objects.select_related("user")
             .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True).first())
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def password_set(*, actor, form, action: str) -> User:
    """Save a password form (change, or reset by the e-mailed link) and audit it, in one transaction."""
    with transaction.atomic(durable=True):
        user = form.save()
        audit_record(actor=actor if getattr(actor, "is_authenticated", False) else user, action=action,
                     entity_type="user", entity_key=user.email, entity_label=str(user),
                     changes={"password": ["…", "…"]})
    return user


@transaction.atomic
def membership_add(*, actor, user: User, organization, is_contact: bool = False) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"is_contact": is_contact})
    if created:
        audit_record(actor=actor, action="membership.create", entity_type="membership",
                     entity_key=f"{user.email}@{organization.key}", entity_label=str(membership),
                     changes={"organization": [None, organization.key], "is_contact": [None, is_contact]})
    return membership
