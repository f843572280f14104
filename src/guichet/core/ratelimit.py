"""A fixed-window counter, for limits on anonymous writes (the desk's visitor form, password reset e-mails).

Small on purpose: counters keyed by what our own code normalises (the real client address behind trusted
proxies, the lower-cased e-mail), hashed. They must be shared by every app process, or each gunicorn worker
would give an address its own budget: in Redis (`cache.add` + `cache.incr`, atomic) when GUICHET_REDIS_URL
makes Django's cache a shared one, else in the database (`RateCount`: one row per window, incremented in
place), which the processes share in every setup.
"""

import hashlib
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction

# Caches that live inside one process: counting there would not hold across gunicorn workers.
PROCESS_LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache",
                        "django.core.cache.backends.dummy.DummyCache")


def shared_cache() -> bool:
    return settings.CACHES["default"]["BACKEND"] not in PROCESS_LOCAL_CACHES


def hit(scope: str, key: str, *, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count one attempt for (scope, key); False once more than `limit` were counted in this window."""
    now = now if now is not None else time.time()
    bucket = int(now // window_seconds)
    # Hashed: safe characters for every cache backend, and no e-mail address kept in clear.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    if shared_cache():
        return _cache_count(f"guichet:ratelimit:{scope}:{bucket}:{digest}", window_seconds) <= limit
    return _database_count(scope, digest, bucket, window_seconds, now) <= limit


def _cache_count(cache_key: str, window_seconds: int) -> int:
    cache.add(cache_key, 0, timeout=window_seconds + 60)
    try:
        return cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 60)
        return 1


def _database_count(scope: str, digest: str, bucket: int, window_seconds: int, now: float) -> int:
    from .models import RateCount

    at = datetime.fromtimestamp(now, tz=UTC)
    expires = datetime.fromtimestamp((bucket + 1) * window_seconds, tz=UTC) + timedelta(seconds=60)
    row = {"scope": scope, "digest": digest, "window": bucket}
    with transaction.atomic():
        # Insert-or-nothing, then an increment in place: two processes counting at once both count (the row
        # lock on PostgreSQL, the write lock taken at BEGIN on SQLite), and each reads its own result.
        RateCount.objects.bulk_create([RateCount(**row, count=0, expires_at=expires)], ignore_conflicts=True)
        RateCount.objects.filter(**row).update(count=models.F("count") + 1)
        count = RateCount.objects.filter(**row).values_list("count", flat=True).get()
        RateCount.objects.filter(expires_at__lt=at).delete()
    return count
