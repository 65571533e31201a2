"""Django settings for Jiandu. Everything that differs between machines comes from the environment
(see jiandu.config); production hardening lives in jiandu.settings_production."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from jiandu import config
from jiandu.core.csp import PERMISSIONS_POLICY, STRICT_CSP

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()
PRODUCTION = False

SECRET_KEY = config.secret("JIANDU_SECRET_KEY")
# Fernet keys (comma-separated, newest first) for personal identifiers at rest; the lookup key makes the
# keyed hash that lets staff find a person by exact 身份证号 without decrypting the table.
JIANDU_ENCRYPTION_KEYS = [k.strip() for k in config.secret("JIANDU_ENCRYPTION_KEY").split(",") if k.strip()]
JIANDU_LOOKUP_KEY = config.secret("JIANDU_LOOKUP_KEY")

DEBUG = config.env_bool("JIANDU_DEBUG", True)
ALLOWED_HOSTS = [
    h for h in os.environ.get("JIANDU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("JIANDU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # django-ninja as an app: /api/docs serves the Swagger UI it ships (static files, no inline
    # script) instead of its CDN page, which the CSP and a closed network would both block.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "jiandu.core",
    "jiandu.orgs",
    "jiandu.accounts",
    "jiandu.audit",
    "jiandu.workdays",
    "jiandu.roster",
    "jiandu.recruitment",
    "jiandu.duties",
    "jiandu.findings",
    "jiandu.training",
    "jiandu.casework",
    "jiandu.allowances",
    "jiandu.assessment",
    "jiandu.notifications",
    "jiandu.portal",
    "jiandu.reports",
    "jiandu.knowledge",
    "jiandu.integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiandu.core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jiandu.core.middleware.RequestContextMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "jiandu.accounts.middleware.AccountPolicyMiddleware",
    # Axes last, as its documentation asks, so it sees the final authentication outcome.
    "axes.middleware.AxesMiddleware",
    "jiandu.core.middleware.SecurityHeadersMiddleware",
]
# The same strict policy everywhere — development, tests (the browser suite fails on a violation) and
# production — so an inline script cannot pass in one and break in the other (jiandu/core/csp.py).
JIANDU_CSP = os.environ.get("JIANDU_CSP", STRICT_CSP)
JIANDU_PERMISSIONS_POLICY = os.environ.get("JIANDU_PERMISSIONS_POLICY", PERMISSIONS_POLICY)

ROOT_URLCONF = "jiandu.urls"
WSGI_APPLICATION = "jiandu.wsgi.application"

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
                "jiandu.core.context_processors.navigation",
            ],
            # {% cite programme "name" as c %} on every page: articles come from the programme's rulebook.
            "builtins": ["jiandu.core.templatetags.rulebooks"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DATA_DIR / 'jiandu.sqlite3'}",
        conn_max_age=int(os.environ.get("JIANDU_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes; IMMEDIATE avoids
    # "database is locked" on upgrade from a read to a write transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
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
# 等保 level 3 defaults (GB/T 22239-2019 8.1.4.1): length, complexity, periodic change; all configurable.
JIANDU_PASSWORD_MIN_LENGTH = config.env_int("JIANDU_PASSWORD_MIN_LENGTH", 8)
JIANDU_PASSWORD_MIN_CLASSES = config.env_int("JIANDU_PASSWORD_MIN_CLASSES", 3)
JIANDU_PASSWORD_MAX_AGE_DAYS = config.env_int("JIANDU_PASSWORD_MAX_AGE_DAYS", 90)
JIANDU_PASSWORD_HISTORY = config.env_int("JIANDU_PASSWORD_HISTORY", 5)  # earlier passwords refused
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": JIANDU_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "jiandu.accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": JIANDU_PASSWORD_MIN_CLASSES},
    },
    {
        "NAME": "jiandu.accounts.passwords.PasswordHistoryValidator",
        "OPTIONS": {"remember": JIANDU_PASSWORD_HISTORY},
    },
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session lives 30 minutes from the last request. The expiry slides forward at most
# once a minute (jiandu.core.middleware.IdleSessionMiddleware) instead of a database write and commit on
# every request (docs/performance.md): an idle session ends between 29 and 30 minutes after the last
# request, never later.
SESSION_COOKIE_AGE = config.env_int("JIANDU_IDLE_TIMEOUT_SECONDS", 30 * 60)
JIANDU_SESSION_REFRESH_SECONDS = config.env_int("JIANDU_SESSION_REFRESH_SECONDS", 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout: 5 failures for one username within 30 minutes.
AXES_FAILURE_LIMIT = config.env_int("JIANDU_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = config.env_int("JIANDU_LOCKOUT_MINUTES", 30) / 60
# Per (username, address): a stranger's failures lock the stranger's address, not the administrator
# (issue 11 #7; the per-account budget is a rate limit that spares known addresses, core.ratelimits).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockout is per username, as issue #2 asks: a bureau's staff share one NAT address, so locking by IP
# would lock out a whole office after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "Jiandu 监督"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start if the folder is missing
# Uploads go through Django's storage API only (no code opens MEDIA_ROOT), so several application
# servers share them by settings alone: JIANDU_STORAGE_BACKEND names an S3-compatible backend (e.g.
# django-storages' "storages.backends.s3.S3Storage", installed beside Jiandu) and JIANDU_STORAGE_OPTIONS
# its options as JSON (bucket, endpoint, …; credentials from that backend's own environment variables).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("JIANDU_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(os.environ.get("JIANDU_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("JIANDU_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get("JIANDU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("JIANDU_FROM_EMAIL", "jiandu@localhost")
JIANDU_SMS_BACKEND = os.environ.get("JIANDU_SMS_BACKEND", "jiandu.notifications.sms.ConsoleSmsBackend")

# Audit events younger than this are never purged (网络安全法 第二十一条: logs kept ≥ 6 months).
# Rate limits (jiandu.core.ratelimits, django-ratelimit): counted in a cache shared by the worker
# processes of one host (a file cache in the data folder; point JIANDU_RATELIMIT_CACHE_DIR at shared
# storage, or swap in Redis, for several hosts).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("JIANDU_RATELIMIT_CACHE_DIR", str(config.data_dir() / "ratelimit-cache")),
    },
}
# Several hosts (docs/deploy.md "Scale out"): one Redis holds the rate-limit counters for all of them.
# The default cache holds nothing shared (sessions are in the database), but goes there too so that
# nothing added to it later is silently per process.
if os.environ.get("JIANDU_REDIS_URL"):
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["JIANDU_REDIS_URL"],
            "KEY_PREFIX": f"jiandu-{alias}",
        }
        for alias in ("default", "ratelimit")
    }
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_VIEW = "jiandu.core.ratelimits.ratelimited"
JIANDU_RATE_API_TOKEN = os.environ.get("JIANDU_RATE_API_TOKEN", "120/m")  # per API token (issue 16)
JIANDU_RATE_LOGIN_IP = os.environ.get("JIANDU_RATE_LOGIN_IP", "30/m")
JIANDU_RATE_LOGIN_ACCOUNT = os.environ.get("JIANDU_RATE_LOGIN_ACCOUNT", "20/h")
JIANDU_RATE_PUBLIC_FORM = os.environ.get("JIANDU_RATE_PUBLIC_FORM", "10/h")
JIANDU_RATE_PUBLIC_LOOKUP = os.environ.get("JIANDU_RATE_PUBLIC_LOOKUP", "30/m")
JIANDU_AUDIT_RETENTION_DAYS = max(180, config.env_int("JIANDU_AUDIT_RETENTION_DAYS", 180))
# The audit trail's keyed layer (docs/security.md "Audit trail"): HMAC keys, comma-separated, newest
# first (rotation), and the Ed25519 key that signs checkpoints (base64 of its 32-byte seed). Both come
# from the environment; in development they are derived from the generated secret key.
JIANDU_AUDIT_KEYS = [
    k.strip()
    for k in (os.environ.get("JIANDU_AUDIT_KEY") or config.derived("audit-mac", SECRET_KEY)).split(",")
    if k.strip()
]
JIANDU_CHECKPOINT_SIGNING_KEY = os.environ.get("JIANDU_CHECKPOINT_SIGNING_KEY") or config.derived(
    "audit-checkpoint", SECRET_KEY
)
# Events from this seq on must carry a MAC (an installation that upgrades sets the first signed seq).
JIANDU_AUDIT_MAC_FROM_SEQ = config.env_int("JIANDU_AUDIT_MAC_FROM_SEQ", 1)
# Where signed checkpoints go besides the public portal: an append-only file (chattr +a, or a WORM
# mount) and/or a syslog server ("host:port", or a socket path such as /dev/log).
JIANDU_AUDIT_CHECKPOINT_FILE = os.environ.get("JIANDU_AUDIT_CHECKPOINT_FILE", "")
JIANDU_AUDIT_SYSLOG = os.environ.get("JIANDU_AUDIT_SYSLOG", "")
JIANDU_AUDIT_CHECKPOINT_INTERVAL_SECONDS = config.env_int("JIANDU_AUDIT_CHECKPOINT_INTERVAL_SECONDS", 3600)
# How an audit event joins the hash chain (docs/security.md "Deferred sealing"): "inline" in the
# writer's own transaction (the head row is locked until it commits: one writer at a time, which is
# what SQLite has anyway), or "deferred": the writer only INSERTs, and a sealer links the committed
# events just after the commits and every JIANDU_AUDIT_SEAL_INTERVAL_SECONDS. An event still unsealed
# after JIANDU_AUDIT_UNSEALED_ALERT_SECONDS is logged as an error.
JIANDU_AUDIT_SEAL = os.environ.get(
    "JIANDU_AUDIT_SEAL",
    "deferred" if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else "inline",
)
if JIANDU_AUDIT_SEAL not in ("inline", "deferred"):
    raise ImproperlyConfigured(f"JIANDU_AUDIT_SEAL must be inline or deferred, not {JIANDU_AUDIT_SEAL!r}")
JIANDU_AUDIT_SEAL_INTERVAL_SECONDS = config.env_int("JIANDU_AUDIT_SEAL_INTERVAL_SECONDS", 10)
# A seal runs after a commit at most once per this many milliseconds on the whole site, whichever
# process committed (0: after every commit).
JIANDU_AUDIT_SEAL_COALESCE_MS = config.env_int("JIANDU_AUDIT_SEAL_COALESCE_MS", 50)
JIANDU_AUDIT_UNSEALED_ALERT_SECONDS = config.env_int("JIANDU_AUDIT_UNSEALED_ALERT_SECONDS", 300)
JIANDU_RULEBOOK_DIR = Path(os.environ.get("JIANDU_RULEBOOK_DIR", config.REPO_DIR / "rulebooks"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JIANDU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
