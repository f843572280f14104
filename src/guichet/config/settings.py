"""Guichet settings: one module, driven by the environment.

SQLite in a data directory by default; GUICHET_DATABASE_URL selects another
database (sqlite:///path/to/file.db or postgres://user@host:port/name).
GUICHET_DEBUG=1 is for development only; production must set GUICHET_SECRET_KEY
and GUICHET_ALLOWED_HOSTS.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(int(default))).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("GUICHET_DEBUG")
DATA_DIR = Path(os.environ.get("GUICHET_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("GUICHET_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("GUICHET_ALLOW_INSECURE_KEY"):
        # Fail closed: a production process must be given its own key.
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("GUICHET_SECRET_KEY must be set (or GUICHET_DEBUG=1 for development).")
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("GUICHET_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("GUICHET_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("GUICHET_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "guichet.core",
    "guichet.accounts",
    "guichet.directory",
    "guichet.platforms",
    "guichet.matching",
    "guichet.desk",
    "guichet.bookings",
    "guichet.partnerships",
    "guichet.startups",
    "guichet.programmes",
    "guichet.impact",
    "guichet.antibodies",
    # --- clinical transfer, technology transfer ---
    "guichet.clinical",
    "guichet.transfer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "guichet.config.urls"
WSGI_APPLICATION = "guichet.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guichet.core.navigation.navigation",
            ],
        },
    },
]

# Database: SQLite in the data directory unless GUICHET_DATABASE_URL says otherwise.
DATABASE_URL = os.environ.get("GUICHET_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "guichet.sqlite3")}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not memory, so that threads and the live server really run concurrently.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-guichet.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # Writers take the lock at BEGIN, so concurrent writers queue instead of failing mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login rate limit: 5 failures for one account from one address lock it out for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("GUICHET_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("GUICHET_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# One budget per account whatever its spelling (MEMBER@X is member@x), and per real client address, so
# that behind a proxy one attacker cannot lock an account for everybody.
AXES_USERNAME_CALLABLE = "guichet.accounts.identity.axes_username"
AXES_CLIENT_IP_CALLABLE = "guichet.accounts.identity.client_ip"
# Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs). Empty: nobody's; REMOTE_ADDR is the client.
GUICHET_TRUSTED_PROXIES = env_list("GUICHET_TRUSTED_PROXIES")
for _entry in GUICHET_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"GUICHET_TRUSTED_PROXIES: {_entry!r} is not an IP address or CIDR.") from None

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"
LANGUAGE_COOKIE_NAME = "guichet_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("GUICHET_STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
GUICHET_IMPORT_MAX_BYTES = 20 * 1024 * 1024

# Secure defaults; GUICHET_DEBUG relaxes them for local HTTP only.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_SSL_REDIRECT = env_bool("GUICHET_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("GUICHET_BEHIND_PROXY", True) else None
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("GUICHET_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = os.environ.get(
    "GUICHET_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("GUICHET_FROM_EMAIL", "guichet@localhost")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("GUICHET_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["GUICHET_REDIS_URL"]}}

# GUICHET_LOG_FORMAT=json: one JSON object per line on stdout (for a log collector); text for people.
GUICHET_LOG_FORMAT = os.environ.get("GUICHET_LOG_FORMAT", "text")
if GUICHET_LOG_FORMAT not in {"json", "text"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("GUICHET_LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 # "time": ISO 8601 in UTC, whatever the process's time zone (Django sets Europe/Paris).
                 "fmt": "%(levelname)s %(name)s %(message)s", "timestamp": "time",
                 "rename_fields": {"levelname": "level", "name": "logger"}},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                             "formatter": GUICHET_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("GUICHET_LOG_LEVEL", "WARNING")},
}

GUICHET_PAGE_SIZE = 20

# The desk: first-response target in working days (weekends and French public holidays excluded).
GUICHET_DESK_FIRST_RESPONSE_DAYS = int(os.environ.get("GUICHET_DESK_FIRST_RESPONSE_DAYS", "2"))
GUICHET_DESK_MAX_ATTACHMENT_MB = int(os.environ.get("GUICHET_DESK_MAX_ATTACHMENT_MB", "10"))
# The desk's form for visitors without an account: how many submissions one client address (per hour) and
# one e-mail address (per day) may make; each sends one confirmation e-mail.
GUICHET_DESK_VISITOR_PER_ADDRESS_HOUR = int(os.environ.get("GUICHET_DESK_VISITOR_PER_ADDRESS_HOUR", "5"))
GUICHET_DESK_VISITOR_PER_EMAIL_DAY = int(os.environ.get("GUICHET_DESK_VISITOR_PER_EMAIL_DAY", "3"))
# How long a link e-mailed to a requester (/desk/r/<token>/) opens their request; confidential ones need a login.
GUICHET_DESK_LINK_DAYS = int(os.environ.get("GUICHET_DESK_LINK_DAYS", "30"))
# API tokens: the expiry offered by default, and the latest one may choose, in days from today.
GUICHET_API_TOKEN_DAYS = int(os.environ.get("GUICHET_API_TOKEN_DAYS", "90"))
GUICHET_API_TOKEN_MAX_DAYS = int(os.environ.get("GUICHET_API_TOKEN_MAX_DAYS", "365"))

# Uploaded documents (partnerships) and service-order attachments: largest size, and the accepted types
# (extension and content are both checked, core/uploads.py).
GUICHET_PARTNERSHIP_DOCUMENT_MAX_MB = int(os.environ.get("GUICHET_PARTNERSHIP_DOCUMENT_MAX_MB", "20"))
GUICHET_ORDER_ATTACHMENT_MAX_MB = int(os.environ.get("GUICHET_ORDER_ATTACHMENT_MAX_MB", "10"))
GUICHET_UPLOAD_TYPES = [t.strip().lower() for t in os.environ.get(
    "GUICHET_UPLOAD_TYPES", "pdf,docx,xlsx,pptx,odt,ods,odp,txt,csv,tsv,fasta,png,jpg,jpeg").split(",") if t.strip()]

# --- Operations: health, metrics, structured logs, optional Sentry, Content-Security-Policy, 503s. ---
# The 503 middleware sits after LocaleMiddleware (its page is translated) and before anything that reads
# the user; Prometheus' two middlewares wrap everything so that every response is counted.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1,
                  "guichet.core.middleware.DatabaseUnavailableMiddleware")
MIDDLEWARE = ["django_prometheus.middleware.PrometheusBeforeMiddleware", *MIDDLEWARE,
              "django_prometheus.middleware.PrometheusAfterMiddleware"]
GUICHET_RETRY_AFTER_SECONDS = int(os.environ.get("GUICHET_RETRY_AFTER_SECONDS", "30"))

# /metrics answers direct connections from these addresses only (never through the proxy: a request
# carrying X-Forwarded-For is refused), or anyone presenting GUICHET_METRICS_TOKEN as a bearer token.
GUICHET_METRICS_ALLOWED_IPS = env_list("GUICHET_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
GUICHET_METRICS_TOKEN = os.environ.get("GUICHET_METRICS_TOKEN", "")

# Scripts and styles from our own static files only (htmx is vendored, its inline indicator style is
# turned off in base.html and lives in guichet.css); no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Sentry only when a DSN is given: without it, sentry_sdk is never imported.
if os.environ.get("GUICHET_SENTRY_DSN"):
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=os.environ["GUICHET_SENTRY_DSN"],
        integrations=[DjangoIntegration()],
        environment=os.environ.get("GUICHET_SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("GUICHET_SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,  # no e-mail addresses, cookies or user ids leave for a third party
    )
GUICHET_SENTRY_ENABLED = bool(os.environ.get("GUICHET_SENTRY_DSN"))

# --- Privacy: a member's export, staff erasure, and how long uploaded import files are kept. ---
INSTALLED_APPS += ["guichet.privacy"]
GUICHET_IMPORT_RETENTION_DAYS = int(os.environ.get("GUICHET_IMPORT_RETENTION_DAYS", "30"))
GUICHET_PRIVACY_CONTACT = os.environ.get("GUICHET_PRIVACY_CONTACT", DEFAULT_FROM_EMAIL)

# Background jobs: Django's tasks API (django-tasks backport). The database backend by default (nothing extra
# to run: `guichet worker` runs the jobs on SQLite or PostgreSQL); GUICHET_TASKS_BACKEND=rq puts them on Redis
# (GUICHET_REDIS_URL) for an RQ worker; "immediate" runs them in the request (tests, debugging).
GUICHET_TASKS_BACKEND = os.environ.get("GUICHET_TASKS_BACKEND", "database")
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
RQ_QUEUES = {"default": {"URL": os.environ.get("GUICHET_REDIS_URL", "redis://127.0.0.1:6379/0"),
                         "DEFAULT_TIMEOUT": 3600}}
if GUICHET_TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif GUICHET_TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The worker's own clock: every GUICHET_TICK_SECONDS it sends reminders and recovers lost or interrupted jobs.
GUICHET_TICK_SECONDS = int(os.environ.get("GUICHET_TICK_SECONDS", "60"))
GUICHET_JOB_STALE_SECONDS = int(os.environ.get("GUICHET_JOB_STALE_SECONDS", "600"))  # no heartbeat: retried
GUICHET_JOB_MAX_ATTEMPTS = int(os.environ.get("GUICHET_JOB_MAX_ATTEMPTS", "3"))

# E-mail outbox: every message is a row written in the business transaction, sent by a job through
# GUICHET_EMAIL_BACKEND (SMTP in production), retried with exponential back-off.
GUICHET_EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "guichet.core.mail.OutboxBackend"
EMAIL_TIMEOUT = int(os.environ.get("GUICHET_EMAIL_TIMEOUT", "15"))
GUICHET_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("GUICHET_OUTBOX_MAX_ATTEMPTS", "6"))
GUICHET_OUTBOX_RETRY_SECONDS = int(os.environ.get("GUICHET_OUTBOX_RETRY_SECONDS", "60"))  # doubles each time
EMAIL_HOST = os.environ.get("GUICHET_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("GUICHET_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("GUICHET_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("GUICHET_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("GUICHET_EMAIL_USE_TLS")

# Directory imports: what one file may hold (a larger one gets a translated error, never a 500).
GUICHET_IMPORT_MAX_RECORDS = int(os.environ.get("GUICHET_IMPORT_MAX_RECORDS", "150000"))
GUICHET_IMPORT_MAX_DEPTH = int(os.environ.get("GUICHET_IMPORT_MAX_DEPTH", "16"))
GUICHET_IMPORT_MAX_XLSX_UNPACKED_BYTES = int(os.environ.get("GUICHET_IMPORT_MAX_XLSX_UNPACKED_MB", "200")) * 1024 * 1024

# Antibody assessment: a batch above the threshold runs as a job (progress on its page); larger inputs are
# refused before they are read.
GUICHET_ANTIBODY_JOB_THRESHOLD = int(os.environ.get("GUICHET_ANTIBODY_JOB_THRESHOLD", "20"))
GUICHET_ANTIBODY_MAX_ANTIBODIES = int(os.environ.get("GUICHET_ANTIBODY_MAX_ANTIBODIES", "2000"))
GUICHET_ANTIBODY_MAX_INPUT_BYTES = int(os.environ.get("GUICHET_ANTIBODY_MAX_INPUT_KB", "2048")) * 1024
