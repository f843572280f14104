"""Rate limits hold across app processes in the default setup (no GUICHET_REDIS_URL): each gunicorn worker
has its own local-memory cache, so the counters live in the database (core.RateCount), which they share."""

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection

from guichet.core import ratelimit
from guichet.core.models import RateCount

from .conftest import ROOT


def test_the_default_setup_counts_in_the_database(settings):
    assert not ratelimit.shared_cache()  # local memory: the default without GUICHET_REDIS_URL
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/0"}}
    assert ratelimit.shared_cache()


@pytest.mark.django_db
def test_password_reset_limit_holds_when_each_post_lands_on_another_worker(client, member):
    """Seen from outside: with several workers each one had its own budget of 3 e-mails for one address."""
    for i in range(6):
        cache.clear()  # the next post lands on another worker, whose cache never saw the earlier ones
        response = client.post("/accounts/password/reset/", {"email": member.email}, REMOTE_ADDR=f"192.0.2.{i}")
        assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 3
    assert RateCount.objects.get(scope="password-reset-email").count == 6
    assert member.email not in str(list(RateCount.objects.values_list()))  # hashed, never in clear


@pytest.mark.django_db
def test_visitor_address_limit_holds_when_each_post_lands_on_another_worker(client, settings):
    settings.GUICHET_DESK_VISITOR_PER_ADDRESS_HOUR = 2
    statuses = []
    for i in range(4):
        cache.clear()
        statuses.append(client.post("/desk/", {"text": "Nous cherchons un tri cellulaire", "full_name": "V",
                                               "email": f"v{i}@visitor.example"},
                                    REMOTE_ADDR="198.51.100.7").status_code)
    assert statuses == [200, 200, 429, 429]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_budget():
    """A second Python process (its own cache, its own connection) counts in the same window as this one."""
    code = ("import django; django.setup(); from guichet.core import ratelimit; "
            "print([ratelimit.hit('two-processes', 'k', limit=3, window_seconds=3600) for _ in range(2)])")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GUICHET_DATABASE_URL": _database_url(),
           "DJANGO_SETTINGS_MODULE": "guichet.config.settings"}
    env.pop("GUICHET_REDIS_URL", None)
    other = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert other.returncode == 0, other.stderr[-2000:]
    assert other.stdout.strip().splitlines()[-1] == "[True, True]"
    assert [ratelimit.hit("two-processes", "k", limit=3, window_seconds=3600) for _ in range(3)] == [
        True, False, False]
    assert RateCount.objects.get(scope="two-processes").count == 5


@pytest.mark.django_db
def test_windows_end_and_old_counters_go():
    assert [ratelimit.hit("w", "k", limit=1, window_seconds=60, now=1_000_000.0) for _ in range(2)] == [True, False]
    assert ratelimit.hit("w", "k", limit=1, window_seconds=60, now=1_000_060.0)  # the next window
    assert ratelimit.hit("w", "k", limit=1, window_seconds=60, now=1_000_200.0)
    # The first two windows are over (and past their minute of grace): their rows were deleted.
    assert list(RateCount.objects.values_list("window", flat=True)) == [1_000_200 // 60]
