"""Settings for icity, read from environment variables.

One file for every environment (healthchecks' hc/settings.py is the model):
safe local defaults, production switched on by DJANGO_DEBUG=0 plus the
variables the README lists. A missing or malformed variable stops start-up
with a message that names it.
"""

import json
import os
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be a boolean (1/0, true/false), got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name} must be an integer, got {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: str | None, schemes: set[str]) -> str | None:
    value = env_str(name, default)
    if not value:
        return default
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"Environment variable {name} must be a URL with scheme {allowed}, got {value!r}.")
    return value


DEBUG = env_bool("DJANGO_DEBUG", True)
TESTING = env_bool("ICITY_TESTING", False)

VAR_DIR = Path(env_str("ICITY_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

_DEV_SECRET_KEY = "django-insecure-dev-only-icity-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Environment variable SECRET_KEY is required when DJANGO_DEBUG=0.")
    SECRET_KEY = _DEV_SECRET_KEY

# Keys that encrypt secrets stored in the database (icity/secrets.py); default: derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "Environment variable FIELD_ENCRYPTION_KEYS must hold Fernet keys (Fernet.generate_key()), comma-separated."
        ) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Environment variable ALLOWED_HOSTS is required when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", {"http", "https"}).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "icity",
    "assets",
    "loans",
    "schools",
    "tickets",
    "knowledge",
    "surveys",
    "kpis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request: paths and query strings with control characters stop here.
    "icity.middleware.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "icity.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "icity.middleware.IntegrityErrorMiddleware",
    # Last, so that it sees every failed login, form and API alike.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icity.urls"
WSGI_APPLICATION = "icity.wsgi.application"

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
                "csp.context_processors.nonce",
                "icity.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ by default, anything dj-database-url reads otherwise.
_default_sqlite = f"sqlite:///{VAR_DIR / 'icity.sqlite3'}"
_database_url = env_url("DATABASE_URL", None, {"sqlite", "postgres", "postgresql", "pgsql"}) or _default_sqlite
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            # A persistent connection is checked before a request reuses it: a restarted database costs no request.
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(f"Environment variable DATABASE_URL is malformed: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Web, worker and beat share the file: take the write lock at BEGIN and
        # wait for it, rather than failing with "database is locked" mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator()) would
# not survive between transactions: DATABASE_PGBOUNCER=1 turns them off (README,
# "Running on several servers"). Nothing else relies on session state.
DATABASE_PGBOUNCER = env_bool("DATABASE_PGBOUNCER", False)
if DATABASE_IS_POSTGRES:
    # An unreachable database fails a request (and /readyz) quickly instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
if DATABASE_PGBOUNCER:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "icity.User"
AUTHENTICATION_BACKENDS = [
    # AxesStandaloneBackend must come first: it refuses locked-out credentials.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "icity:home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Single sign-on through OpenID Connect (Microsoft Entra ID or any provider),
# switched on when the client id is set; local passwords otherwise.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    _oidc_required = [
        "OIDC_RP_CLIENT_SECRET",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    ]
    for _name in _oidc_required:
        if not env_str(_name):
            raise ImproperlyConfigured(f"Environment variable {_name} is required when OIDC_RP_CLIENT_ID is set.")
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_url("OIDC_OP_AUTHORIZATION_ENDPOINT", None, {"https", "http"})
    OIDC_OP_TOKEN_ENDPOINT = env_url("OIDC_OP_TOKEN_ENDPOINT", None, {"https", "http"})
    OIDC_OP_USER_ENDPOINT = env_url("OIDC_OP_USER_ENDPOINT", None, {"https", "http"})
    OIDC_OP_JWKS_ENDPOINT = env_url("OIDC_OP_JWKS_ENDPOINT", None, {"https", "http"})
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", True)
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("icity.oidc.ICityOIDCBackend")

# Login throttling (django-axes): the login form and API token auth alike.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Locked per (username, client address) for the cool-off time, never per username alone:
# a stranger's failures lock out the stranger, not the account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form and the token endpoint both post the email as "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
# Behind reverse proxies the client's address is in X-Forwarded-For; AXES_PROXY_COUNT is how
# many proxies stand in front of Django (1 for the TLS proxy). django-ipware counts only the
# proxies listed inside X-Forwarded-For (the last proxy is REMOTE_ADDR itself), hence N - 1,
# and reads the header strictly: a chain longer than the proxies would send is not believed
# and the request counts under the proxy's address, so a forged header only locks its sender.
_proxy_count = env_int("AXES_PROXY_COUNT", 0)
if _proxy_count > 0:
    AXES_IPWARE_PROXY_COUNT = _proxy_count - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_PROXY_COUNT = None
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Internationalisation: French first, then Dutch and English.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "icity_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"  # private uploads, never served by URL
# Stored files (attachments, imports, photos): local disk by default; an S3-compatible
# bucket (MinIO, Ceph, AWS) when STORAGE_URL=s3://bucket-name is set, via django-storages.
# The bucket stays private: downloads pass the app's permission check, then stream
# (default) or redirect to a presigned URL valid STORAGE_PRESIGNED_SECONDS.
STORAGE_URL = env_url("STORAGE_URL", None, {"s3", "file"})
_storage_url = urlparse(STORAGE_URL) if STORAGE_URL else None
STORAGE_IS_S3 = bool(_storage_url and _storage_url.scheme == "s3")
STORAGE_REDIRECT_DOWNLOADS = STORAGE_IS_S3 and env_bool("STORAGE_REDIRECT_DOWNLOADS", False)
STORAGE_PRESIGNED_SECONDS = env_int("STORAGE_PRESIGNED_SECONDS", 60)
if STORAGE_IS_S3:
    if not _storage_url.netloc:
        raise ImproperlyConfigured("Environment variable STORAGE_URL must name a bucket: s3://bucket-name.")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _storage_url.netloc,
            "location": _storage_url.path.strip("/"),
            "endpoint_url": env_url("S3_ENDPOINT_URL", None, {"http", "https"}),
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", "") or None,
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": STORAGE_PRESIGNED_SECONDS,
            "file_overwrite": False,
        },
    }
else:
    if _storage_url:
        MEDIA_ROOT = Path(_storage_url.path)
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: SMTP in production; files under var/mail/ in development.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "icity <helpdesk@icity.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Seconds for the SMTP connect and for every command after it (a socket timeout):
# a relay that accepts and never answers costs one message this long, not a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport
# under var/, so that a worker and beat still run as separate processes.
REDIS_URL = env_url("REDIS_URL", None, {"redis", "rediss"})
BROKER_DIR = VAR_DIR / "broker"
# Publishing gives up within a second when the broker is down: the request that
# queued a message must not hang; the periodic drain sends it later.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # kombu's Redis transport, but a worker that loses Redis reconnects instead of exiting (icity/celery.py).
    CELERY_BROKER_TRANSPORT = "icity.celery:RedisTransport"
    # acks_late with Redis: an unacknowledged task comes back after this long.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        **_PUBLISH_RETRY,
    }
    # Cache (API throttles, results caches) and sessions shared by every node. A Redis outage
    # reads as a miss (icity/cache.py): pages get slower, never fail; sessions fall back to the DB.
    CACHES = {
        "default": {
            "BACKEND": "icity.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "icity",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # One scheduler across a cluster (BEAT_REDBEAT=1): every beat process competes for RedBeat's
    # lock in Redis and only its holder sends due tasks; another takes over within the lock
    # timeout. Off by default: a RedBeat beat exits when Redis restarts empty (its lock and
    # schedule are gone), so it needs a supervisor that restarts it; one beat with its local
    # schedule file rides out a Redis outage on its own (make faults).
    if env_bool("BEAT_REDBEAT", False):
        CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX = env_str("REDBEAT_KEY_PREFIX", "icity:redbeat")
    CELERY_REDBEAT_LOCK_TIMEOUT = env_int("REDBEAT_LOCK_TIMEOUT", 30)
    CELERY_BEAT_MAX_LOOP_INTERVAL = 5
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # The exchange tables (kombu's default is ./control, in the working directory) live under var/ too.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        **_PUBLISH_RETRY,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker (and beat) waits out a broker outage of any length rather than exiting after
# Celery's default 100 attempts (about 50 minutes); the outbox rows wait in PostgreSQL meanwhile.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A drain still running when the broker goes away finishes its message rather than being
# cancelled mid-send (which could send it twice): it claims rows in PostgreSQL, not in the broker.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "icity")
# Sending mail has its own queue, so that a slow or hung relay never delays the
# heartbeat and the sweeps; a worker consumes both (`-Q icity,icity-mail`).
OUTBOX_QUEUE = env_str("OUTBOX_QUEUE", f"{CELERY_TASK_DEFAULT_QUEUE}-mail")
CELERY_TASK_ROUTES = {"icity.tasks.outbox_drain": {"queue": OUTBOX_QUEUE}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The reviewed list of periodic work. Sweeps ask the database what is due, so
# a missed run catches up on the next one; nothing relies on exact timing.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "icity.tasks.record_heartbeat", "schedule": 15.0},
    # The safety net: pokes after commit do the fast path; this catches what a broker outage dropped.
    "outbox-drain": {"task": "icity.tasks.outbox_drain", "schedule": float(env_int("OUTBOX_DRAIN_EVERY", 60))},
    "outbox-purge": {"task": "icity.tasks.outbox_purge_sent", "schedule": crontab(hour=3, minute=30)},
    # surveys: open/close campaigns, invitations in batches, reminders.
    "surveys-sweep": {"task": "surveys.tasks.campaigns_sweep", "schedule": 300.0},
    # surveys: post-ticket CSAT invitations for tickets closed long enough ago.
    "surveys-csat-sweep": {"task": "surveys.tasks.csat_sweep", "schedule": 900.0},
    # knowledge: remind owners of articles past their review date (once per date, outbox dedupe).
    "knowledge-review-sweep": {
        "task": "knowledge.tasks.review_reminders_sweep",
        "schedule": crontab(hour=7, minute=15),
    },
}

# The notification outbox.
# One drain sends at most this many messages and claims none after this many
# seconds (then queues the next drain); its task is stopped at the soft limit.
# Worst case with a slow relay: budget + one message (a few EMAIL_TIMEOUTs) < soft limit.
OUTBOX_DRAIN_LIMIT = env_int("OUTBOX_DRAIN_LIMIT", 500)
OUTBOX_DRAIN_SECONDS = env_int("OUTBOX_DRAIN_SECONDS", 60)
OUTBOX_TASK_SOFT_TIME_LIMIT = env_int("OUTBOX_TASK_SOFT_TIME_LIMIT", 150)
# A claimed message is not taken again before this (a process killed mid-send).
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 120)
# At most one drain queued per interval, however many messages a burst creates.
OUTBOX_POKE_INTERVAL = env_int("OUTBOX_POKE_INTERVAL", 2)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
# Backoff after a failed send: this many seconds, doubling per attempt, at most six hours.
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_POKE_ON_COMMIT = env_bool("OUTBOX_POKE_ON_COMMIT", True)
OUTBOX_KEEP_SENT_DAYS = env_int("OUTBOX_KEEP_SENT_DAYS", 90)
HEALTH_HEARTBEAT_MAX_AGE = env_int("HEALTH_HEARTBEAT_MAX_AGE", 120)
HEALTH_OUTBOX_MAX_AGE = env_int("HEALTH_OUTBOX_MAX_AGE", 300)
# The relay failing this many times in a row on one message makes /healthz say 503 (minutes, with backoff).
HEALTH_OUTBOX_RELAY_FAILURES = env_int("HEALTH_OUTBOX_RELAY_FAILURES", 3)
# /healthz shows its figures to staff, or to a caller sending "Authorization: Bearer <token>"; others get "ok".
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN", "")

# surveys: how many invitations (and reminders) one sweep queues per campaign.
SURVEYS_INVITATION_BATCH = env_int("SURVEYS_INVITATION_BATCH", 200)
# surveys: how long the answer tallies of a closed campaign (which cannot change) stay cached.
SURVEYS_RESULTS_CACHE_SECONDS = env_int("SURVEYS_RESULTS_CACHE_SECONDS", 60 * 60 * 24)
# surveys: post-ticket CSAT — invite the requester this long after a ticket is closed,
# a deterministic share of tickets (percent), at most once per person per repeat interval.
SURVEYS_CSAT_DELAY_HOURS = env_int("SURVEYS_CSAT_DELAY_HOURS", 24)
SURVEYS_CSAT_SAMPLING_PERCENT = env_int("SURVEYS_CSAT_SAMPLING_PERCENT", 100)
SURVEYS_CSAT_REPEAT_DAYS = env_int("SURVEYS_CSAT_REPEAT_DAYS", 30)
# surveys: tickets closed longer ago than this are never considered (e.g. at first deployment).
SURVEYS_CSAT_MAX_AGE_DAYS = env_int("SURVEYS_CSAT_MAX_AGE_DAYS", 14)
# surveys: how long a CSAT link works, and how many tickets one sweep considers.
SURVEYS_CSAT_VALID_DAYS = env_int("SURVEYS_CSAT_VALID_DAYS", 14)
SURVEYS_CSAT_BATCH = env_int("SURVEYS_CSAT_BATCH", 500)
# surveys: a month x team/category/agent cell with fewer ratings than this is hidden.
SURVEYS_CSAT_MIN_GROUP_SIZE = env_int("SURVEYS_CSAT_MIN_GROUP_SIZE", 5)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "icity.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "icity.pagination.StandardPagination",
    # Every text value arrives without control characters (icity/text.py).
    "DEFAULT_PARSER_CLASSES": [
        "icity.parsers.JSONParser",
        "icity.parsers.FormParser",
        "icity.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
    # IntegrityError becomes 409 with a message (icity/errors.py).
    "EXCEPTION_HANDLER": "icity.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "icity API",
    "DESCRIPTION": "Service desk and equipment logistics for a city IT department.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for signed-in people (session or token): the API is
    # not public, and its map need not be either (README, Security).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps name a choice field "status" or "kind": give each enum its own name.
    "ENUM_NAME_OVERRIDES": {
        "TicketKindEnum": "tickets.models.Kind",
        "TicketStatusEnum": "tickets.models.Status",
        "TicketLevelEnum": "tickets.models.Level",
        "AssetStatusEnum": "assets.models.assets.AssetStatus",
        "ConditionEnum": "assets.models.assets.Condition",
        "LoanStatusEnum": "loans.models.loans.Loan.Status",
        "LoanLineStateEnum": "loans.models.loans.LoanLine.State",
        "EquipmentRequestStatusEnum": "loans.models.requests.EquipmentRequest.Status",
        "DeliveryRunStatusEnum": "loans.models.deliveries.DeliveryRun.Status",
        "DeliveryRunKindEnum": "loans.models.deliveries.DeliveryRun.Kind",
        "PupilStatusEnum": "schools.models.Pupil.Status",
        "AppointmentStatusEnum": "schools.models.Appointment.Status",
        "QuestionKindEnum": "surveys.models.Question.Kind",
        "ArticleStatusEnum": "knowledge.models.ArticleStatus",
        "ArticleLanguageEnum": "knowledge.models.Language",
        "ArticleAudienceEnum": "knowledge.models.Audience",
    },
}

# Security headers. The Content Security Policy allows no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# assets (inventory): sweeps ask the database what is due, so a missed run catches up.
# The warranty digest runs daily but its dedupe key is per ISO week: one digest a week.
CELERY_BEAT_SCHEDULE |= {
    # kpis: the monthly report's draft, prepared from the 2nd business day of the month (idempotent).
    "kpis-report-draft": {"task": "kpis.reports.tasks.report_draft_sweep", "schedule": crontab(hour=6, minute=40)},
    "assets-low-stock": {"task": "assets.tasks.stock_low_sweep", "schedule": crontab(minute="*/15")},
    "assets-warranty-digest": {"task": "assets.tasks.warranty_digest_sweep", "schedule": crontab(hour=7, minute=5)},
}

# assets (loans and logistics). Policies per category live in the admin (LoanPolicy); these are the defaults.
LOANS_DEFAULT_DAYS = env_int("LOANS_DEFAULT_DAYS", 365)
LOANS_DEFAULT_MAX_EXTENSIONS = env_int("LOANS_DEFAULT_MAX_EXTENSIONS", 2)
LOANS_DEFAULT_EXTENSION_DAYS = env_int("LOANS_DEFAULT_EXTENSION_DAYS", 30)
# Categories whose returned units always go to reconditioning (a laptop must be wiped before anyone else gets it).
LOANS_ALWAYS_RECONDITION = ("laptop",)
# Quantity-tracked categories handed out for good (consumables) rather than lent.
LOANS_GIVEN_CATEGORIES = ("mouse", "keyboard", "cable")
# Reminder stages, in days relative to the due date (negative: before). Each is sent once per due date.
LOANS_REMINDER_OFFSETS = (-7, -1, 0, 1, 7, 30)
LOANS_OVERDUE_MANAGER_DAYS = 7  # from this stage on, the borrower's manager gets a copy
LOANS_OVERDUE_LEAD_DAYS = 30  # from this stage on, the logistics lead is told
LOANS_LOGISTICS_LEAD_EMAIL = env_str("LOANS_LOGISTICS_LEAD_EMAIL", "")
LOANS_PICKUP_REMINDER_DAYS = 3  # ready for pick-up and not collected after this many days
LOANS_APPROVAL_NUDGE_WORKING_DAYS = 2
CELERY_BEAT_SCHEDULE |= {
    "loans-reminders": {"task": "assets.tasks.loan_reminder_sweep", "schedule": crontab(minute=10)},
    "loans-logistics-digest": {"task": "assets.tasks.logistics_digest_sweep", "schedule": crontab(hour=7, minute=30)},
    "loans-recovery": {"task": "assets.tasks.recovery_sweep", "schedule": crontab(minute="*/30")},
}
# schools (school PC programme): retention of pupils' personal data, guardian links, no-shows.
SCHOOLS_RETENTION_DAYS = env_int("SCHOOLS_RETENTION_DAYS", 90)
SCHOOLS_LINK_VALID_DAYS = env_int("SCHOOLS_LINK_VALID_DAYS", 30)
SCHOOLS_NO_SHOW_GRACE_HOURS = env_int("SCHOOLS_NO_SHOW_GRACE_HOURS", 24)
SCHOOLS_BOOKING_DAYS_AHEAD = env_int("SCHOOLS_BOOKING_DAYS_AHEAD", 21)
SCHOOLS_YEAR_END = (6, 30)  # pupils' loans are due at the end of the school year (month, day)
CELERY_BEAT_SCHEDULE |= {
    "schools-reminders": {"task": "schools.tasks.appointment_reminder_sweep", "schedule": crontab(minute=10)},
    "schools-no-shows": {"task": "schools.tasks.no_show_sweep", "schedule": crontab(minute=20)},
    "schools-anonymise": {"task": "schools.tasks.anonymise_sweep", "schedule": crontab(hour=3, minute=30)},
    "schools-returns": {"task": "schools.tasks.return_reminder_sweep", "schedule": crontab(hour=8, minute=15)},
}
# Helpdesk (tickets app). Durations in business hours/days are counted on the
# Brussels working calendar (tickets/sla.py); plain "days" are calendar days.
TICKETS_WORKDAY_START = env_str("TICKETS_WORKDAY_START", "08:00")
TICKETS_WORKDAY_END = env_str("TICKETS_WORKDAY_END", "17:00")
TICKETS_HOLIDAY_COUNTRY = env_str("TICKETS_HOLIDAY_COUNTRY", "BE")
# Extra days the service desk is closed (ISO dates), e.g. the City's "pont" days.
TICKETS_CLOSURE_DAYS = env_list("TICKETS_CLOSURE_DAYS", [])
# Impact x urgency -> priority (1 = P1, most urgent). Keys: low, medium, high.
TICKETS_PRIORITY_MATRIX = {
    "high": {"high": 1, "medium": 2, "low": 3},
    "medium": {"high": 2, "medium": 3, "low": 3},
    "low": {"high": 3, "medium": 4, "low": 4},
}
# Fallback SLA targets in business minutes per priority, when no SlaPolicy row exists.
TICKETS_DEFAULT_SLA_MINUTES = {
    1: {"first_response": 30, "resolution": 4 * 60},
    2: {"first_response": 60, "resolution": 9 * 60},
    3: {"first_response": 4 * 60, "resolution": 3 * 9 * 60},
    4: {"first_response": 9 * 60, "resolution": 5 * 9 * 60},
}
TICKETS_SLA_WARNING_PERCENT = env_int("TICKETS_SLA_WARNING_PERCENT", 75)
TICKETS_WAITING_REMINDER_BUSINESS_DAYS = env_int("TICKETS_WAITING_REMINDER_BUSINESS_DAYS", 3)
TICKETS_WAITING_AUTORESOLVE_BUSINESS_DAYS = env_int("TICKETS_WAITING_AUTORESOLVE_BUSINESS_DAYS", 10)
TICKETS_AUTOCLOSE_DAYS = env_int("TICKETS_AUTOCLOSE_DAYS", 5)
TICKETS_REOPEN_WINDOW_DAYS = env_int("TICKETS_REOPEN_WINDOW_DAYS", 5)
TICKETS_ATTACHMENT_MAX_BYTES = env_int("TICKETS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
TICKETS_AUTO_ASSIGN = env_bool("TICKETS_AUTO_ASSIGN", True)
CELERY_BEAT_SCHEDULE |= {
    "tickets-sla-sweep": {"task": "tickets.tasks.tickets_sla_sweep", "schedule": 300.0},
    "tickets-waiting-sweep": {"task": "tickets.tasks.tickets_waiting_sweep", "schedule": crontab(minute=10)},
    "tickets-autoclose-sweep": {"task": "tickets.tasks.tickets_autoclose_sweep", "schedule": crontab(minute=20)},
}

# Email channel (tickets/mail/: intake.py, imap.py): tickets from email, replies by email.
# Unknown senders: "create" a contact requester, or "reject" (reply with instructions, create nothing).
EMAIL_INTAKE_UNKNOWN_SENDERS = env_str("EMAIL_INTAKE_UNKNOWN_SENDERS", "create")
# Automatic acknowledgements (ticket opened, instructions) per sender per hour; more are cancelled, not sent.
EMAIL_INTAKE_ACKS_PER_HOUR = env_int("EMAIL_INTAKE_ACKS_PER_HOUR", 5)
# Reply-To of ticket emails when the ticket's team has no mailbox.
EMAIL_HELPDESK_ADDRESS = env_str("EMAIL_HELPDESK_ADDRESS", "") or parseaddr(DEFAULT_FROM_EMAIL)[1]
# IMAP passwords by mailbox address, as JSON ({"helpdesk@icity.example": "..."}), when not set in the admin.
EMAIL_IMAP_PASSWORDS = json.loads(env_str("EMAIL_IMAP_PASSWORDS", "") or "{}")
EMAIL_IMAP_PROCESSED_FOLDER = env_str("EMAIL_IMAP_PROCESSED_FOLDER", "Processed")
EMAIL_IMAP_BATCH_SIZE = env_int("EMAIL_IMAP_BATCH_SIZE", 50)
EMAIL_IMAP_TIMEOUT = env_int("EMAIL_IMAP_TIMEOUT", 30)
# A PEM file of the certificate authorities to trust for IMAP over TLS (a city's internal CA),
# instead of the system's; empty: the system's.
EMAIL_IMAP_CA_FILE = env_str("EMAIL_IMAP_CA_FILE", "")
if EMAIL_IMAP_CA_FILE and not os.path.isfile(EMAIL_IMAP_CA_FILE):
    raise ImproperlyConfigured(f"Environment variable EMAIL_IMAP_CA_FILE names no file: {EMAIL_IMAP_CA_FILE!r}.")
CELERY_BEAT_SCHEDULE |= {
    "tickets-email-poll": {
        "task": "tickets.email_tasks.email_poll",
        "schedule": env_int("EMAIL_IMAP_POLL_SECONDS", 60),
    },
}

# KPIs (kpis app, docs/kpis.md): the month just ended is snapshotted as final on
# the 1st (Europe/Brussels, CELERY_TIMEZONE); the month in progress is refreshed
# hourly so the dashboard reads stored rows.
CELERY_BEAT_SCHEDULE |= {
    "kpis-snapshot-last-month": {
        "task": "kpis.tasks.kpis_snapshot_last_month",
        "schedule": crontab(day_of_month=1, hour=1, minute=30),
    },
    "kpis-refresh": {"task": "kpis.tasks.kpis_refresh", "schedule": crontab(minute=7)},
}
# Prometheus scrape token for /metrics; unset: the endpoint answers 404.
METRICS_TOKEN = env_str("METRICS_TOKEN", "") or ""
