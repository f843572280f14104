"""Account writes: tokens and memberships, each audited in its own transaction."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.services import record_save

from .models import ApiToken, Membership, User, hash_token


class TokenError(Refused):
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


# --- the admin's writes ------------------------------------------------------------------------------
# `is_contact` decides who reads a confidential request, and the role what a person may do at all: each
# change is its own audited step, whichever door it came through.


def user_role_change(*, actor, user: User, role: str) -> None:
    """Give a user another role (what they may do), audited with the role before and after."""
    with transaction.atomic():
        # Locked: two changes at once each audit the role the other left, not the same "before".
        before = User.objects.select_for_update().filter(pk=user.pk).values_list("role", flat=True).first()
        if before == role:
            return
        User.objects.filter(pk=user.pk).update(role=role)
        user.role = role
        audit_record(actor=actor, action="user.role_change", entity_type="user", entity_key=user.email,
                     entity_label=str(user), changes={"role": [before, role]})


def user_admin_save(*, actor, record: User, is_new: bool) -> None:
    """A user saved from the admin: the role goes through user_role_change, the rest is audited field by field."""
    with transaction.atomic():
        new_role = record.role
        if not is_new:
            record.role = User.objects.filter(pk=record.pk).values_list("role", flat=True).first()
        record_save(actor=actor, record=record, is_new=is_new)
        if not is_new:
            user_role_change(actor=actor, user=record, role=new_role)


def password_admin_set(*, actor, user: User, password: str | None) -> None:
    """An administrator sets a user's password (None: the account can no longer log in with one)."""
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor, action="user.password_set_by_admin", entity_type="user", entity_key=user.email,
                     entity_label=str(user), changes={"password": ["…", "…" if password else None]})


def _membership_key(membership: Membership) -> str:
    return f"{membership.user.email}@{membership.organization.key}"


def membership_set_contact(*, actor, membership: Membership, is_contact: bool) -> None:
    """Make a member a contact of their organization (or no longer): contacts read its confidential requests."""
    with transaction.atomic():
        if Membership.objects.filter(pk=membership.pk).exclude(is_contact=is_contact).update(is_contact=is_contact):
            audit_record(actor=actor, action="membership.set_contact", entity_type="membership",
                         entity_key=_membership_key(membership), entity_label=str(membership),
                         changes={"is_contact": [not is_contact, is_contact]})
        membership.is_contact = is_contact


def membership_remove(*, actor, record: Membership) -> None:
    with transaction.atomic():
        key, label = _membership_key(record), str(record)
        record.delete()
        audit_record(actor=actor, action="membership.delete", entity_type="membership", entity_key=key,
                     entity_label=label, changes={"is_contact": [record.is_contact, None]})


def membership_admin_save(*, actor, record: Membership, is_new: bool) -> None:
    """A membership row of the admin's user page: added, moved to another organization, or made a contact."""
    with transaction.atomic():
        if is_new:
            record.save()
            audit_record(actor=actor, action="membership.create", entity_type="membership",
                         entity_key=_membership_key(record), entity_label=str(record),
                         changes={"organization": [None, record.organization.key],
                                  "is_contact": [None, record.is_contact]})
            return
        is_contact = record.is_contact
        record.is_contact = Membership.objects.get(pk=record.pk).is_contact
        record_save(actor=actor, record=record, is_new=False)
        membership_set_contact(actor=actor, membership=record, is_contact=is_contact)
