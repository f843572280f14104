"""Named actors and data shared by every test."""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings

from guichet.accounts.models import Role, User

# Parallel runs (pytest-xdist, `make test`): each worker process (gw0, gw1...) gets its own data directory
# and its own Redis databases, so that no file or key written by one test meets another's. pytest-django
# suffixes the test database (test-guichet.sqlite3_gw0, test_<name>_gw0 on PostgreSQL) by itself.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") and WORKER[2:].isdigit() else 0
REDIS_DATABASES = 16  # Redis's default; worker k uses database (n + k) % 16 for each database n a test names


def worker_redis_url(url: str) -> str:
    """The Redis URL `url` for this test worker: its database number shifted by the worker's index."""
    if not WORKER_INDEX:
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database + WORKER_INDEX) % REDIS_DATABASES}"))


def _moved(value, old: str, new: str):
    """`value` with every path under `old` moved under `new` (dicts and lists in place)."""
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _moved(item, old, new)
        return value
    if isinstance(value, list):
        value[:] = [_moved(item, old, new) for item in value]
        return value
    if isinstance(value, Path | str) and (str(value) == old or str(value).startswith(old + os.sep)):
        return type(value)(new + str(value)[len(old):])
    return value


def _isolate_worker() -> None:
    """Every setting under GUICHET_DATA_DIR (databases, media, static, caches) moves to DATA_DIR/<worker>, and
    so does the variable, which the subprocesses that tests start (workers, gunicorn) inherit."""
    old = str(django_settings.DATA_DIR)
    new = str(Path(old) / WORKER)
    for name in dir(django_settings._wrapped):
        if name.isupper():
            setattr(django_settings, name, _moved(getattr(django_settings, name), old, new))
    os.environ["GUICHET_DATA_DIR"] = new
    for queue in django_settings.RQ_QUEUES.values():
        queue["URL"] = worker_redis_url(queue["URL"])
    for cache in django_settings.CACHES.values():
        if "redis" in cache["BACKEND"].lower():
            cache["LOCATION"] = worker_redis_url(cache["LOCATION"])
    if django_settings.REDIS_URL:
        django_settings.REDIS_URL = worker_redis_url(django_settings.REDIS_URL)
    if os.environ.get("GUICHET_REDIS_URL"):
        os.environ["GUICHET_REDIS_URL"] = worker_redis_url(os.environ["GUICHET_REDIS_URL"])


if WORKER:
    _isolate_worker()

if django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The settings create no directory when imported (config/settings.py); the test database's is made here.
    Path(django_settings.DATABASES["default"]["TEST"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GUICHET_SHARED_DIR", ROOT.parent / "shared"))
FORMATS = SHARED / "formats"
# A copy of the format's examples ships with the tests, so they also run where ../shared is absent.
EXAMPLES = FORMATS / "examples" if (FORMATS / "examples").is_dir() else ROOT / "tests" / "data" / "examples"


def load_example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def immediate_jobs(settings):
    # Jobs run when their transaction commits, in the test's own process: deterministic. The tests of the
    # queues themselves (tests/test_jobs.py) switch back to the database and RQ backends with real workers.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.GUICHET_TASKS_BACKEND = "immediate"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Argon2 stays the production hasher (see test_accounts); tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(email, role, password="correct-horse-battery"):
    return User.objects.create_user(email, password, full_name=email.split("@")[0].title(), role=role)


# --- The cast: one named actor per kind of visitor, the same in every test file ---------------------------
# anonymous  nobody logged in (AnonymousUser; `logged_in(client, anonymous)` leaves the client logged out)
# guest      a visitor whose e-mail is confirmed (Role.GUEST): logged in, not a member of the network
# member     a member of the network (Role.MEMBER), of no organization until a test gives them one
# outsider   another member, party to nothing the test builds: who must not see or do what member may
# provider   a member who answers for an organization (contact of `provider_organization`, "Laboratoire
#            fournisseur"): told of the desk requests routed to it, answers them
# manager    a platform manager (Role.PLATFORM_MANAGER); a test makes them manager of its platform
#            (`PlatformFactory(managers=[manager])`, `platform.managers.add(manager)`)
# staff      the cluster team (Role.STAFF); admin: an administrator (Role.ADMIN; also `admin_user`)
# `cast` is all of them by name, for tests that loop over the roles. Each is made when first asked for.
CAST = ("anonymous", "guest", "member", "outsider", "provider", "manager", "staff", "admin")


def logged_in(client, actor):
    """`client` logged in as `actor` (the anonymous visitor stays logged out); returns the client."""
    client.logout()
    if actor is not None and actor.is_authenticated:
        client.force_login(actor)
    return client


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def staff(db):
    return make_user("staff@test.example", Role.STAFF)


@pytest.fixture
def admin_user(db):
    return make_user("admin@test.example", Role.ADMIN)


@pytest.fixture
def admin(admin_user):
    return admin_user


@pytest.fixture
def manager(db):
    return make_user("manager@test.example", Role.PLATFORM_MANAGER)


@pytest.fixture
def member(db):
    return make_user("member@test.example", Role.MEMBER)


@pytest.fixture
def guest(db):
    """A visitor whose e-mail is confirmed (Role.GUEST): logged in, but not a member of the network."""
    return make_user("guest@test.example", Role.GUEST)


@pytest.fixture
def outsider(db):
    return make_user("outsider@test.example", Role.MEMBER)


@pytest.fixture
def provider_organization(db):
    from .factories import OrganizationFactory

    return OrganizationFactory(key="provider-lab", name="Laboratoire fournisseur")


@pytest.fixture
def provider(provider_organization):
    from .factories import MembershipFactory

    user = make_user("provider@test.example", Role.MEMBER)
    MembershipFactory(user=user, organization=provider_organization, is_contact=True)
    return user


@pytest.fixture
def cast(request):
    """Every actor of the cast by name: {"anonymous": AnonymousUser, "guest": ..., "admin": ...}."""
    return {name: request.getfixturevalue(name) for name in CAST}


@pytest.fixture
def small_directory(db):
    from guichet.directory.services import directory_import

    return directory_import(actor=None, payload=load_example("valid-small.json"))


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture(autouse=True)
def empty_django_cache():
    # Rate-limit counters live in the cache (local memory here, for the whole test process): each test
    # starts with none, so a test never meets the limit another one reached.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language_after():
    # A request through the test client leaves LocaleMiddleware's language active in the thread, and so does a
    # test's own `activate`: reset after each test, so the next one starts in settings.LANGUAGE_CODE whatever
    # ran before it (an English assertion passing only after an English request was a leak, not a fact).
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_matching_caches():
    # The vocabulary and rarity caches are per process; each test's database starts afresh.
    from guichet.matching.engine import reset_cache

    reset_cache()
    yield
    reset_cache()


@pytest.fixture(autouse=True)
def seeded_vocabulary(request):
    """Transactional tests flush every table between tests, the vocabulary seeded by migration included:
    put it back, as a fresh installation has it."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from guichet.matching.models import Concept
    from guichet.matching.services import vocabulary_load_seed

    if not Concept.objects.exists():
        vocabulary_load_seed()


@pytest.fixture
def database_queue(settings):
    """Jobs on the database queue (django-tasks' DatabaseBackend), whatever the run's settings say."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GUICHET_TASKS_BACKEND = "database"
    return settings
