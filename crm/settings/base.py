"""Settings shared by every environment; each value that differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "axes",
    # Before ours: crm's admin then replaces auditlog's admin of the audit entry (crm/platform/admin.py).
    "auditlog",
    "accounts",
    "crm",
    "sales",
    "support",
]

MIDDLEWARE = [
    # First, so that it sees every answer: an error under /api/ is JSON whoever made it (crm/platform/middleware.py).
    "crm.platform.middleware.ApiErrorsAsJsonMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "crm.platform.middleware.ApiBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "crm.platform.middleware.HistoryChangedMiddleware",
    "axes.middleware.AxesMiddleware",
    "crm.platform.middleware.ViewerPreferencesMiddleware",
    # Names the acting user of each audit entry (crm/platform/audit/actor.py).
    "crm.platform.audit.actor.AuditActorMiddleware",
    # Last, so that its process_exception runs first: a lost database answers 503, not 500.
    "crm.platform.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "crm.project.urls"
# A CSRF refusal answers JSON under /api/ and Django's page elsewhere.
CSRF_FAILURE_VIEW = "crm.platform.middleware.csrf_failure"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "crm.platform.navigation.navigation",
            ],
            # {{ value|day }} and {{ value|when }} on every page, without a {% load %}.
            "builtins": ["crm.templatetags.dates"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL session settings (libpq `options`). JIT is off by default: our queries are short, and on the
# scale-1.0 data JIT compiled for 1.9-2.6 s queries that run in 0.1-1.4 s (EXPLAIN ANALYZE, issue 7).
# DATABASE_PG_OPTIONS="" keeps the server's own settings; e.g. "-c jit=off -c random_page_cost=1.1" adds more.
PG_OPTIONS = os.environ.get("DATABASE_PG_OPTIONS", "-c jit=off").strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and PG_OPTIONS:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = PG_OPTIONS
# The embedded SQLite default serves a few users at once without "database is locked": readers never wait
# for the writer (WAL), a writer waits its turn for up to 20 s (the busy timeout), and every transaction
# takes the write lock when it begins (IMMEDIATE). A deferred transaction that reads and then must upgrade
# to write while another one writes fails at once, whatever the timeout: two portal POSTs to one page did.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS | DATABASES["default"].get("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first, so a locked-out username + address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleModelBackend",
    # Object permissions: answers user.has_perm(perm, record) from each context's access policy.
    "accounts.backends.PolicyBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# The portal's date and time formats (crm/formats/<language>/formats.py); a user's time zone is User.time_zone.
FORMAT_MODULE_PATH = ["crm.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security headers that hold in every environment; production.py adds the HTTPS-only ones.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Login throttling: a username + address is locked after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# One answer for every lockout: the page above for the portal, JSON for the API (both 429, with Retry-After).
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The client's address, for lockouts and rate limits: REMOTE_ADDR, or with DJANGO_PROXY_COUNT trusted proxies in
# front, the address the outermost of them saw (from X-Forwarded-For). A client cannot choose it by sending a header.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"

# django-guardian stores the explicit grants; the access policies decide, so its own
# backend and its anonymous user are not used.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
GUARDIAN_MONKEY_PATCH_GROUP = False
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable HTML API needs inline style the CSP refuses; /api/v1/docs/ is the browsable docs.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in as well: a form-encoded or multipart body answers 415; one over DATA_UPLOAD_MAX_MEMORY_SIZE, 413.
    "DEFAULT_PARSER_CLASSES": ["crm.platform.api.parsers.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "crm.platform.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "crm.platform.api.filtering.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "crm.platform.api.errors.api_exception_handler",
    # Rates are read at each request (crm/platform/api/throttling.py); a rate of None switches a scope off.
    "DEFAULT_THROTTLE_CLASSES": [
        "crm.platform.api.throttling.AnonRateThrottle",
        "crm.platform.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/min"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "10/min"),
    },
    "NUM_PROXIES": PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM API",
    "DESCRIPTION": "The v1 REST API. Every endpoint obeys the access policy in docs/ACCESS.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["CACHE_URL"].strip(),
    }
    if os.environ.get("CACHE_URL", "").strip()
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: without a broker, tasks run in-process at once (the laptop default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# In-process, a task that fails is recorded (a TaskFailure, after its retries) as a worker's would be, not raised
# into the request whose committed write enqueued it (crm/platform/background.py).
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}
# Support: record and e-mail SLA breaches every minute (support/tasks.py); a missed run is dropped, not queued up.
CELERY_BEAT_SCHEDULE["support-escalate-breached-tickets"] = {
    "task": "support.tasks.escalate_breached_tickets",
    "schedule": 60.0,
    "options": {"expires": 55},
}
# The portal's address, for links in e-mails (survey links, ticket links).
CRM_SITE_URL = os.environ.get("CRM_SITE_URL", "http://127.0.0.1:8000")


def mailers(default_backend: str) -> dict:
    """The e-mail set-up: DJANGO_EMAIL_BACKEND, else `default_backend`; SMTP options from EMAIL_*."""
    backend = os.environ.get("DJANGO_EMAIL_BACKEND", default_backend)
    smtp_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
    return {"default": {"BACKEND": backend, "OPTIONS": smtp_options if backend.endswith("smtp.EmailBackend") else {}}}


MAILERS = mailers("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "crm@localhost")

CRM_CURRENCY = os.environ.get("CRM_CURRENCY", "EUR")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Audit trail (crm/platform/audit): django-auditlog records every change of the registered models as a
# crm.AuditEntry; AuditActorMiddleware names the acting user (read when the entry is written, so that
# DRF's token users count too).
AUDITLOG_LOGENTRY_MODEL = "crm.AuditEntry"
# auditlog's own LogEntry is swapped out: its migrations would only make an unused table (whose
# foreign keys to users and content types would also stop `flush`); crm's migrations make ours.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_STORE_JSON_CHANGES = False

# CSV import (crm/imports): rows per committed batch, the largest upload, and when a queued or running
# import that shows no progress may be resumed by its user.
CRM_IMPORT_BATCH_SIZE = int(os.environ.get("CRM_IMPORT_BATCH_SIZE", "500"))
CRM_IMPORT_MAX_BYTES = int(os.environ.get("CRM_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
CRM_IMPORT_STALLED_AFTER_SECONDS = int(os.environ.get("CRM_IMPORT_STALLED_AFTER_SECONDS", "300"))
