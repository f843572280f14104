"""`Idempotency-Key` for API writes (IETF draft-ietf-httpapi-idempotency-key-header): a retried request gets the
answer of the first one, never a second write, never a conflict with its own result.

The API asks `replay()` first (a finished request with this key: its stored answer; the same key with another
body: `KeyReused`, 422). Otherwise it hands a `Claim` to the service, which calls `claim.begin()` as the first
write of its transaction and `claim.complete()` before it commits. Two concurrent requests with one key: the
second one's insert waits on the unique constraint, then fails; the service raises `AlreadyClaimed` and the API
replays the first one's answer. A refused request (4xx) rolls back and stores nothing: its retry is evaluated
again. Keys expire after `TTL`; an expired key is as if it had never been used.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyKey

TTL = timedelta(hours=24)  # as Stripe's API: long enough for any client's retries, short enough to stay small
HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"  # visible ASCII, as a header value can carry it unchanged


class KeyReused(Exception):
    """The key was used by this user for a different request."""


class AlreadyClaimed(Exception):
    """A concurrent request with the same key committed first: replay its answer."""


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()


def replay(*, user, scope: str, key: str, fingerprint: str, now=None) -> tuple[int, object] | None:
    now = now or timezone.now()
    done = IdempotencyKey.objects.filter(user=user, scope=scope, key=key, expires_at__gt=now).first()
    if done is None:
        return None
    if done.fingerprint != fingerprint:
        raise KeyReused(key)
    return done.status_code, done.response


def start(*, user, scope: str, key: str | None, payload: dict, render: Callable[[object], object]):
    """An API write's first step, (answer, claim): no key, (None, None); a finished request with this key, its
    stored answer and no claim; else no answer and the `Claim` to hand to the service."""
    if not key:
        return None, None
    given = fingerprint(payload)
    done = replay(user=user, scope=scope, key=key, fingerprint=given)
    if done is not None:
        return done, None
    return None, Claim(user=user, scope=scope, key=key, fingerprint=given, render=render)


def raced(claim: "Claim") -> tuple[int, object]:
    """The answer when the service raised AlreadyClaimed: the same request sent twice at once gets the first one's.
    A committed key always holds its answer; only an expiry in between could leave none."""
    done = replay(user=claim.user, scope=claim.scope, key=claim.key, fingerprint=claim.fingerprint)
    return done or (409, {"detail": _("This Idempotency-Key was already used for a different request."),
                          "field": HEADER})


@dataclass
class Claim:
    user: object
    scope: str
    key: str
    fingerprint: str
    render: Callable[[object], object]  # the service's result -> the response body the API sends
    row: IdempotencyKey | None = field(default=None, init=False)

    def begin(self, now=None):
        """The first write of the service's transaction: takes the key, or raises AlreadyClaimed."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Claim.begin() runs inside the service's transaction.")
        now = now or timezone.now()
        # An expired key is free again (and this user's other expired keys go with it: the table stays small).
        IdempotencyKey.objects.filter(user=self.user, expires_at__lte=now).delete()
        try:
            with transaction.atomic():
                self.row = IdempotencyKey.objects.create(user=self.user, scope=self.scope, key=self.key,
                                                         fingerprint=self.fingerprint, created_at=now,
                                                         expires_at=now + TTL)
        except IntegrityError:
            raise AlreadyClaimed(self.key) from None

    def complete(self, status_code: int, result):
        """Store the answer in the same transaction as the write: a committed key always has one."""
        self.row.status_code = status_code
        self.row.response = json.loads(json.dumps(self.render(result), cls=DjangoJSONEncoder))
        self.row.save(update_fields=["status_code", "response"])
