"""Django settings, all read from the environment (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from tribune.core.env import ConfigError, env_bool, env_int, env_list, env_str
from tribune.core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("TRIBUNE_DATA_DIR") or BASE_DIR / "var")

DEBUG = env_bool("TRIBUNE_DEBUG", False)
_secret = env_str("SECRET_KEY")
if not _secret:
    if not (DEBUG or env_bool("TRIBUNE_DEV_SECRET", True)):
        raise ConfigError("SECRET_KEY is required in production (or SECRET_KEY_FILE).")
    # Development and the embedded demo: a stable key stored beside the data.
    from tribune.core.devsecret import dev_secret_key

    _secret = dev_secret_key(DATA_DIR)
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("TRIBUNE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("TRIBUNE_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (env_str("TRIBUNE_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "tribune.core",
    "tribune.accounts",
    "tribune.networks",
    "tribune.networks.sandbox",
    "tribune.worker",
    "tribune.publishing",
    "tribune.web",
    "tribune.analysis",
    "tribune.strategy",
    "tribune.inbox",
    "tribune.listening",
    "ninja",
    "tribune.api",
    "tribune.webhooks",
    "tribune.transfer",
    "tribune.analytics",
    "tribune.community",
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
    "tribune.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tribune.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "tribune.urls"
WSGI_APPLICATION = "tribune.wsgi.application"

FORM_RENDERER = "tribune.core.forms_renderer.FastFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tribune.web.context.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tribune.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("TRIBUNE_DB_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions take the write
    # lock up front so two writers queue instead of failing with "database is locked".
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["CONN_MAX_AGE"] = 0
    # A file (not :memory:) so tests can start real worker/web processes on it; one per
    # test process so parallel runs never share it.
    _db["TEST"] = {
        "NAME": env_str("TRIBUNE_TEST_SQLITE_NAME") or str(DATA_DIR / f"test-{os.getpid()}.sqlite3")
    }
else:
    _db["CONN_HEALTH_CHECKS"] = True
    _db["TEST"] = {"NAME": env_str("TRIBUNE_TEST_PG_NAME") or f"test_{_db['NAME']}_{os.getpid()}"}
DATABASES = {"default": _db}

# --- Cache ----------------------------------------------------------------------------
# A table of the database (created by migration core 0002): every web process, the worker
# and every machine see the same entries, so the dashboards the worker computes after a
# rollup refresh (analytics.pages.warm) are there for whoever opens them. Only computed
# figures are cached, never secrets.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tribune_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("TRIBUNE_CACHE_MAX_ENTRIES", 5000)},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TRIBUNE_TASK_BACKEND") or "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "publishing", "ingest", "alerts"],
    }
}
TRIBUNE_SCHEDULER_TICK = float(env_str("TRIBUNE_SCHEDULER_TICK") or "1.0")
TRIBUNE_WORKER_HEARTBEAT_STALE = env_int("TRIBUNE_WORKER_HEARTBEAT_STALE", 60)

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
TRIBUNE_LOGIN_MAX_FAILURES = env_int("TRIBUNE_LOGIN_MAX_FAILURES", 5)
TRIBUNE_LOGIN_WINDOW_SECONDS = env_int("TRIBUNE_LOGIN_WINDOW_SECONDS", 900)
TRIBUNE_INVITATION_DAYS = env_int("TRIBUNE_INVITATION_DAYS", 7)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
_https = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRIBUNE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Token encryption at rest: comma-separated Fernet keys, first one encrypts (rotation).
TRIBUNE_ENCRYPTION_KEYS = env_list("TRIBUNE_ENCRYPTION_KEYS", [])

# /metrics: open to loopback only, or to anyone presenting this bearer token.
TRIBUNE_METRICS_TOKEN = env_str("TRIBUNE_METRICS_TOKEN") or ""

# Outbound HTTP: user-supplied URLs may not reach private addresses unless allowed.
TRIBUNE_ALLOW_PRIVATE_URLS = env_bool("TRIBUNE_ALLOW_PRIVATE_URLS", False)
TRIBUNE_HTTP_TIMEOUT = float(env_str("TRIBUNE_HTTP_TIMEOUT") or "15")
# OAuth applications used to connect accounts when a workspace has not entered its own
# (docs/configuration.md). Facebook Pages and Instagram share the Meta app.
TRIBUNE_X_CLIENT_ID = env_str("TRIBUNE_X_CLIENT_ID") or ""
TRIBUNE_X_CLIENT_SECRET = env_str("TRIBUNE_X_CLIENT_SECRET") or ""
TRIBUNE_LINKEDIN_CLIENT_ID = env_str("TRIBUNE_LINKEDIN_CLIENT_ID") or ""
TRIBUNE_LINKEDIN_CLIENT_SECRET = env_str("TRIBUNE_LINKEDIN_CLIENT_SECRET") or ""
TRIBUNE_GOOGLE_CLIENT_ID = env_str("TRIBUNE_GOOGLE_CLIENT_ID") or ""
TRIBUNE_GOOGLE_CLIENT_SECRET = env_str("TRIBUNE_GOOGLE_CLIENT_SECRET") or ""
TRIBUNE_META_APP_ID = env_str("TRIBUNE_META_APP_ID") or ""
TRIBUNE_META_APP_SECRET = env_str("TRIBUNE_META_APP_SECRET") or ""
TRIBUNE_OAUTH_ENDPOINTS: dict[str, str] = {}  # tests: fake authorization servers
# Largest video the composer accepts (each network's own limit is checked too).
TRIBUNE_VIDEO_MAX_BYTES = env_int("TRIBUNE_VIDEO_MAX_BYTES", 512 * 1024 * 1024)

# --- Email (Django 6.1 MAILERS) ----------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("TRIBUNE_FROM_EMAIL") or "Tribune <tribune@localhost>"
_smtp_host = env_str("TRIBUNE_SMTP_HOST")
if env_str("TRIBUNE_EMAIL_BACKEND"):
    _mailer: dict = {"BACKEND": env_str("TRIBUNE_EMAIL_BACKEND")}
elif _smtp_host:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _smtp_host,
            "port": env_int("TRIBUNE_SMTP_PORT", 25),
            "username": env_str("TRIBUNE_SMTP_USER") or "",
            "password": env_str("TRIBUNE_SMTP_PASSWORD") or "",
            "use_tls": env_bool("TRIBUNE_SMTP_STARTTLS", False),
            "timeout": 20,
        },
    }
else:
    # No SMTP server configured (embedded demo): emails are printed on the console.
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _mailer}

# --- I18n / time ----------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tribune" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("TRIBUNE_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            # Hashed, compressed files once `tribune collectstatic` has run (production);
            # served straight from the apps otherwise (development, tests, demo).
            if (STATIC_ROOT / "staticfiles.json").exists()
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# Console logs, secrets masked; TRIBUNE_LOG_FORMAT=json for one JSON object per line.
LOGGING = logging_config(
    env_str("TRIBUNE_LOG_LEVEL") or "INFO", env_str("TRIBUNE_LOG_FORMAT") or "plain"
)
TRIBUNE_PROBE_SECONDS = env_int("TRIBUNE_PROBE_SECONDS", 30)
# A publish claimed longer ago than this is considered abandoned by a dead worker.
TRIBUNE_PUBLISH_STUCK_SECONDS = env_int("TRIBUNE_PUBLISH_STUCK_SECONDS", 120)
# Each worker runs a publisher lane claiming posts this long before their time.
TRIBUNE_PUBLISHER_LANE = env_bool("TRIBUNE_PUBLISHER_LANE", True)
# `tribune linkserver`: each process journals its clicks here until they are in the database.
TRIBUNE_LINK_JOURNAL_DIR = Path(env_str("TRIBUNE_LINK_JOURNAL_DIR") or DATA_DIR / "link-journal")
TRIBUNE_PUBLISH_LOOKAHEAD_SECONDS = env_int("TRIBUNE_PUBLISH_LOOKAHEAD_SECONDS", 10)
# Accounts a lane publishes to at once (threads; network calls are I/O).
TRIBUNE_PUBLISH_CONCURRENCY = env_int("TRIBUNE_PUBLISH_CONCURRENCY", 4)
# Public API: requests per token per minute (counted in the database: all processes).
TRIBUNE_API_RATE_LIMIT = env_int("TRIBUNE_API_RATE_LIMIT", 600)
