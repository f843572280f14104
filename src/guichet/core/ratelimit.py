"""A fixed-window counter on Django's cache, for limits on anonymous writes (the desk's visitor form).

Small on purpose: two counters, keys our own code normalises (the real client address behind trusted
proxies, the lower-cased e-mail), and `cache.add` + `cache.incr`, which are atomic on Redis and on the
local-memory cache. With several app processes, set GUICHET_REDIS_URL so they share the counts.
"""

import hashlib
import time

from django.core.cache import cache


def hit(scope: str, key: str, *, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count one attempt for (scope, key); False once more than `limit` were counted in this window."""
    bucket = int((now if now is not None else time.time()) // window_seconds)
    # Hashed: safe characters for every cache backend, and no e-mail address kept in clear in the cache.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"guichet:ratelimit:{scope}:{bucket}:{digest}"
    cache.add(cache_key, 0, timeout=window_seconds + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 60)
        count = 1
    return count <= limit
