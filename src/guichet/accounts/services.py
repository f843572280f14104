"""Account writes: tokens and memberships, each audited in its own transaction."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from guichet.core.audit import audit_record

from .models import ApiToken, Membership, User, hash_token


class TokenError(Exception):
    """A refused token action, with a translated message naming the field."""


def api_token_expiry_bounds(today: date | None = None) -> tuple[date, date, date]:
    """(earliest, default, latest) expiry dates a new token may have, in Paris days."""
    today = today or timezone.localdate()
    return (today + timedelta(days=1), today + timedelta(days=settings.GUICHET_API_TOKEN_DAYS),
            today + timedelta(days=settings.GUICHET_API_TOKEN_MAX_DAYS))


def api_token_check_expiry(expires_on: date, today: date | None = None) -> None:
    earliest, _default, latest = api_token_expiry_bounds(today)
    if expires_on < earliest:
        raise TokenError(_("Expiry date: choose a day after today."))
    if expires_on > latest:
        raise TokenError(_("Expiry date: at most %(days)s days from today (%(latest)s).") % {
            "days": settings.GUICHET_API_TOKEN_MAX_DAYS, "latest": date_format(latest, "SHORT_DATE_FORMAT")})


def _end_of_day(day: date) -> datetime:
    """The token works through the whole chosen day, Paris time; stored in UTC."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())


def api_token_create(*, actor: User, name: str, expires_on: date | None = None) -> tuple[ApiToken, str]:
    """Create a token for the actor; returns it with the raw value, which is never stored."""
    expires_on = expires_on or api_token_expiry_bounds()[1]
    api_token_check_expiry(expires_on)
    raw = ApiToken.new_raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name.strip()[:100] or "API", prefix=raw[3:9],
                                        token_hash=hash_token(raw), expires_at=_end_of_day(expires_on))
        audit_record(actor=actor, action="api_token.create", entity_type="api_token", entity_key=str(token.pk),
                     entity_label=token.name,
                     changes={"name": [None, token.name], "expires_at": [None, token.expires_at.isoformat()]})
    return token, raw


def api_token_rotate(*, actor: User, token: ApiToken) -> tuple[ApiToken, str]:
    """A new secret for the same token (name, expiry); the old secret stops working at once."""
    raw = ApiToken.new_raw_token()
    now = timezone.now()
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, user=actor, revoked_at__isnull=True,
                                          expires_at__gt=now).update(
            token_hash=hash_token(raw), prefix=raw[3:9], rotated_at=now)
        if not updated:
            raise TokenError(_("This token is revoked or expired: create a new one."))
        audit_record(actor=actor, action="api_token.rotate", entity_type="api_token", entity_key=str(token.pk),
                     entity_label=token.name, changes={"prefix": [token.prefix, raw[3:9]]})
    token.refresh_from_db()
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    updated = ApiToken.objects.filter(pk=token.pk, user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    if updated:
        audit_record(actor=actor, action="api_token.revoke", entity_type="api_token", entity_key=str(token.pk),
                     entity_label=token.name, changes={"revoked": [False, True]})


def api_token_authenticate(raw: str) -> User | None:
    """The token's user if it is known, not revoked and not expired; None otherwise (the API answers 401)."""
    now = timezone.now()
    token = (ApiToken.objects.select_related("user")
             .filter(token_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now,
                     user__is_active=True).first())
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
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
