"""Anju settings. Every deployment-specific value comes from the environment.

Two profiles, chosen by ``ANJU_ENV``:

* ``development`` (default): a local SQLite file under ``ANJU_DATA_DIR`` and a
  generated secret key kept beside it, so ``make run`` works on a fresh machine.
* ``production``: ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL`` must be set;
  secure cookies and HSTS are on. See docs/deploy.md.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from anju.lib.env import (
    env_bool,
    env_choice,
    env_database,
    env_dotted_path,
    env_font,
    env_int,
    env_list,
    env_origins,
    env_proxies,
    env_rate,
    env_str,
    env_time_range,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
ANJU_ENV = env_choice("ANJU_ENV", "development", ("development", "production"))
PRODUCTION = ANJU_ENV == "production"
DATA_DIR = Path(env_str("ANJU_DATA_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    if PRODUCTION:
        return env_str("SECRET_KEY")
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names Anju is served under.")
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "anju.privacy",
    "anju.accounts",
    "anju.security",
    "anju.audit",
    "anju.estates",
    "anju.staff",
    "anju.complaints",
    "anju.bus",
    "anju.triage",
    "anju.notify",
    "anju.worker",
    "anju.warnings",
    "anju.sla",
    "anju.routing",
    "anju.portal",
    "anju.console",
    "anju.api",
    "anju.demo",
    "anju.retention",
    "anju.visits",
    "anju.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "anju.security.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anju.lib.language.LanguageMiddleware",
    "anju.security.api_limits.ApiRateLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "anju.security.two_factor_gate.TwoFactorRequiredMiddleware",
    "anju.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "anju.urls"
WSGI_APPLICATION = "anju.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Password sign-in goes through the lock-out check (anju/accounts/backends.py); the plain
# ModelBackend stays listed for sessions it signed in (the portal's code sign-in).
AUTHENTICATION_BACKENDS = [
    "anju.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "console:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "anju" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'anju.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock
    # at BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
    # A local file cannot drop the connection: keep it for the life of the process.
    # Writers queue on a file lock rather than SQLite's sleeping busy handler (anju/lib/sqlite).
    DATABASES["default"]["ENGINE"] = "anju.lib.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ["username", "name", "first_name", "last_name", "email"]}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "anju.accounts.passwords.LettersAndDigitsValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "anju" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Browser libraries come from the npm registry (package.json, scripts/install-assets)
# and are served from here, never from a CDN.
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    (prefix, path)
    for prefix, path in [("vendor/htmx", _NODE / "htmx.org" / "dist"),
                         ("vendor/echarts", _NODE / "echarts" / "dist")]
    if path.exists()
]
MEDIA_ROOT = Path(env_str("ANJU_MEDIA_DIR", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Uploads: photos and documents attached to complaints.
ANJU_UPLOAD_MAX_BYTES = env_int("ANJU_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
ANJU_UPLOAD_MAX_FILES = env_int("ANJU_UPLOAD_MAX_FILES", 9, minimum=1)
# Limits per kind of file (anju/complaints/uploads.py); none exceeds ANJU_UPLOAD_MAX_BYTES,
# the ceiling checked before a file is read. Photos are re-encoded without their metadata,
# turned upright and scaled down to ANJU_IMAGE_MAX_EDGE; larger than ANJU_IMAGE_MAX_PIXELS
# they are refused before decoding (decompression bombs).
ANJU_UPLOAD_LIMITS = {
    kind: min(env_int(f"ANJU_UPLOAD_MAX_{kind.upper()}_BYTES", default, minimum=1024),
              ANJU_UPLOAD_MAX_BYTES)
    for kind, default in (("image", 10 * 1024 * 1024), ("document", 5 * 1024 * 1024),
                          ("video", 10 * 1024 * 1024), ("audio", 5 * 1024 * 1024))
}
ANJU_IMAGE_MAX_EDGE = env_int("ANJU_IMAGE_MAX_EDGE", 4096, minimum=256)
ANJU_IMAGE_MAX_PIXELS = env_int("ANJU_IMAGE_MAX_PIXELS", 50_000_000, minimum=1_000_000)
# How long a process may reuse an estate or category row it looked up (anju/lib/refcache.py).
ANJU_REFERENCE_CACHE_SECONDS = env_int("ANJU_REFERENCE_CACHE_SECONDS", 30, minimum=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = ANJU_UPLOAD_MAX_BYTES * 2

# Background work: django-tasks with the database backend; `anju worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env_dotted_path("ANJU_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The event bus (anju/bus, docs/architecture.md): how long a worker may hold a delivery before
# another worker takes it over, and whether deliveries run right after their change commits
# (tests, a development server without a worker) instead of in `anju worker`.
ANJU_BUS_LEASE_SECONDS = env_int("ANJU_BUS_LEASE_SECONDS", 300, minimum=1, maximum=86_400)
ANJU_BUS_EAGER = env_bool("ANJU_BUS_EAGER", False)

# Outgoing messages: the SMS backend used for notifications and sign-in codes.
ANJU_SMS_BACKEND = env_dotted_path("ANJU_SMS_BACKEND", "anju.notify.channels.console.ConsoleSMS")
ANJU_OTP_TTL_SECONDS = env_int("ANJU_OTP_TTL_SECONDS", 300, minimum=30)

# Notification channels (docs/notifications.md). Provider secrets come only from the
# environment and are never logged.
ANJU_ALIYUN_SMS = {
    "endpoint": env_url("ANJU_ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
    "access_key_id": env_str("ANJU_ALIYUN_SMS_ACCESS_KEY_ID", ""),
    "access_key_secret": env_str("ANJU_ALIYUN_SMS_ACCESS_KEY_SECRET", ""),
    "sign_name": env_str("ANJU_ALIYUN_SMS_SIGN_NAME", ""),
    "template_code": env_str("ANJU_ALIYUN_SMS_TEMPLATE_CODE", ""),
    "region": env_str("ANJU_ALIYUN_SMS_REGION", "cn-hangzhou"),
}
ANJU_TENCENT_SMS = {
    "endpoint": env_url("ANJU_TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com/"),
    "secret_id": env_str("ANJU_TENCENT_SMS_SECRET_ID", ""),
    "secret_key": env_str("ANJU_TENCENT_SMS_SECRET_KEY", ""),
    "sdk_app_id": env_str("ANJU_TENCENT_SMS_SDK_APP_ID", ""),
    "sign_name": env_str("ANJU_TENCENT_SMS_SIGN_NAME", ""),
    "template_id": env_str("ANJU_TENCENT_SMS_TEMPLATE_ID", ""),
    "region": env_str("ANJU_TENCENT_SMS_REGION", "ap-guangzhou"),
}
ANJU_WECOM_WEBHOOK_URL = env_url("ANJU_WECOM_WEBHOOK_URL", "", allow_empty=True)
ANJU_NOTIFY_TIMEOUT_SECONDS = env_int("ANJU_NOTIFY_TIMEOUT_SECONDS", 10, minimum=1)
# Quiet hours for non-urgent SMS, local time (TIME_ZONE): "21:00-08:00"; empty disables.
# Parsed here: (start, end) as datetime.time, or None.
ANJU_SMS_QUIET_HOURS = env_time_range("ANJU_SMS_QUIET_HOURS", "21:00-08:00")
EMAIL_BACKEND = env_dotted_path("ANJU_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("ANJU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ANJU_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("ANJU_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("ANJU_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ANJU_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("ANJU_NOTIFY_TIMEOUT_SECONDS", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("ANJU_EMAIL_FROM", "anju@localhost")

# Retention (anju/retention, docs/security.md): complainants of complaints finished more
# than ANJU_RETENTION_YEARS ago are anonymised; sign-in codes and finished outbox messages
# are deleted after the given number of days. Applied daily by the worker.
ANJU_RETENTION_YEARS = env_int("ANJU_RETENTION_YEARS", 3, minimum=1)
ANJU_RETENTION_CODE_DAYS = env_int("ANJU_RETENTION_CODE_DAYS", 30, minimum=1)
ANJU_RETENTION_MESSAGE_DAYS = env_int("ANJU_RETENTION_MESSAGE_DAYS", 180, minimum=1)
ANJU_SITE_URL = env_url("ANJU_SITE_URL", "http://127.0.0.1:8000")
# The port `anju demo` prints in its links (the one scripts/serve listens on).
ANJU_PORT = env_int("PORT", 8000, minimum=1, maximum=65535)
# A TrueType CJK font for the PDF reports (anju/analytics/report/fonts.py): path, or
# path#index for a face of a .ttc; parsed to (path, index). Unset: the usual system fonts.
ANJU_REPORT_FONT = env_font("ANJU_REPORT_FONT")

# Return visits and the satisfaction survey (anju/visits, docs/visits.md).
ANJU_VISIT_DEFAULT_HOURS = env_int("ANJU_VISIT_DEFAULT_HOURS", 48, minimum=1)
ANJU_VISIT_MAX_ATTEMPTS = env_int("ANJU_VISIT_MAX_ATTEMPTS", 3, minimum=1)
# After the last failed attempt: "close" (closed as unreachable) or "supervisor" (handed over).
ANJU_VISIT_FAILURE_POLICY = env_choice("ANJU_VISIT_FAILURE_POLICY", "close", ("close", "supervisor"))
ANJU_VISIT_LINK_DAYS = env_int("ANJU_VISIT_LINK_DAYS", 7, minimum=1)
ANJU_VISIT_SEND_LINK = env_bool("ANJU_VISIT_SEND_LINK", True)
# The call screen's script; empty: the shipped script in the reader's language.
ANJU_VISIT_SCRIPT = env_str("ANJU_VISIT_SCRIPT", "")

# Personal data at rest (anju/privacy, docs/security.md): AES-GCM data keys, the first
# one current, and the key of the blind indexes. Checked at start-up; in development a
# key file is created under ANJU_DATA_DIR when none is configured.
ANJU_DATA_KEYS = env_str("ANJU_DATA_KEYS", "")
ANJU_DATA_KEY_FILE = env_str("ANJU_DATA_KEY_FILE", "")
ANJU_INDEX_KEY = env_str("ANJU_INDEX_KEY", "")
# Staff roles that see complainants' names and phone numbers unmasked without a logged
# reveal (anju/complaints/access.py). None by default: every reveal is an explicit action.
# Each must be a staff role (checked by anju/staff/checks.py).
ANJU_PII_FULL_ROLES = env_list("ANJU_PII_FULL_ROLES", [])

# Signing in (docs/security.md, "Signing in"). Lock-out after failed sign-ins, counted in
# the database (anju/accounts/lockout.py); per user name and, with a higher limit, per address.
ANJU_LOCKOUT_FAILURES = env_int("ANJU_LOCKOUT_FAILURES", 5, minimum=1)
ANJU_LOCKOUT_IP_FAILURES = env_int("ANJU_LOCKOUT_IP_FAILURES", 20, minimum=1)
ANJU_LOCKOUT_WINDOW_SECONDS = env_int("ANJU_LOCKOUT_WINDOW_SECONDS", 15 * 60, minimum=1)
ANJU_LOCKOUT_SECONDS = env_int("ANJU_LOCKOUT_SECONDS", 15 * 60, minimum=1)
# Which X-Forwarded-For entries to believe (anju/lib/client_ip.py): a number of proxies
# or a list of their addresses/networks. Production runs behind one TLS-terminating proxy.
# Parsed here: an int, or a tuple of ipaddress networks.
ANJU_TRUSTED_PROXIES = env_proxies("ANJU_TRUSTED_PROXIES", "1" if PRODUCTION else "0")
# Rate limits (anju/security/ratelimit.py) as <requests>/<second|minute|hour|day>, parsed
# here into anju.lib.env.Rate.
ANJU_RATES = {
    "api_token": env_rate("ANJU_RATE_API_TOKEN", "1200/minute"),
    "api_address": env_rate("ANJU_RATE_API_ADDRESS", "300/minute"),
    "portal_submit_resident": env_rate("ANJU_RATE_PORTAL_SUBMIT_RESIDENT", "20/hour"),
    "portal_submit_address": env_rate("ANJU_RATE_PORTAL_SUBMIT_ADDRESS", "100/hour"),
}
# Sign-in codes by SMS (anju/portal/otp.py), counted in the database.
ANJU_OTP_PHONE_PER_HOUR = env_int("ANJU_OTP_PHONE_PER_HOUR", 5, minimum=1)
ANJU_OTP_IP_PER_HOUR = env_int("ANJU_OTP_IP_PER_HOUR", 20, minimum=1)


def _cache(url: str) -> dict:
    """The rate limits' counters: per process by default, shared with CACHE_URL=redis://…"""
    if url.startswith(("redis://", "rediss://", "unix://")):
        import importlib.util

        if importlib.util.find_spec("redis") is None:
            raise ImproperlyConfigured("CACHE_URL is a Redis URL: install the `redis` package.")
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url in {"", "locmem://"}:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"CACHE_URL={url!r}; use redis://host:port/db or locmem://.")


CACHES = {"default": _cache(env_str("CACHE_URL", ""))}

# Staff sessions end ANJU_STAFF_SESSION_SECONDS after signing in (one working shift; set at
# sign-in by the console). Residents stay signed in on their own phone for
# SESSION_COOKIE_AGE: a new SMS code at every visit would cost them (and us) more than it
# protects their own complaints.
ANJU_STAFF_SESSION_SECONDS = env_int("ANJU_STAFF_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_COOKIE_AGE = env_int("ANJU_RESIDENT_SESSION_SECONDS", 7 * 86400, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# SQLite cannot enforce a unique constraint whose NULLs count as equal (the SLA policy's
# urgency + category + estate). Model validation, and so the admin, checks it on every
# database; PostgreSQL enforces it in the database too.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a promise about the whole domain that is slow to take back: the
    # domain's owner opts in. Until then the check's reminder is silenced.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS += ["security.W021"]
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Only behind a proxy that sets X-Forwarded-Proto (and drops the client's own).
    if env_bool("ANJU_PROXY_SSL_HEADER", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice(
        "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), case_sensitive=False)},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

ANJU_BRAND = _("安居投诉服务")
