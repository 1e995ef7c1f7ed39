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

from anju.lib.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
ANJU_ENV = env_str("ANJU_ENV", "development")
if ANJU_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"ANJU_ENV={ANJU_ENV!r}; use 'development' or 'production'.")
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
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "anju.accounts",
    "anju.estates",
    "anju.staff",
    "anju.complaints",
    "anju.notify",
    "anju.worker",
    "anju.portal",
    "anju.console",
    "anju.api",
    "anju.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anju.lib.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "anju.urls"
WSGI_APPLICATION = "anju.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
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
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
# How long a process may reuse an estate or category row it looked up (anju/lib/refcache.py).
ANJU_REFERENCE_CACHE_SECONDS = env_int("ANJU_REFERENCE_CACHE_SECONDS", 30, minimum=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = ANJU_UPLOAD_MAX_BYTES * 2

# Background work: django-tasks with the database backend; `anju worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env_str("ANJU_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Outgoing messages: the SMS backend used for notifications and sign-in codes.
ANJU_SMS_BACKEND = env_str("ANJU_SMS_BACKEND", "anju.notify.channels.console.ConsoleSMS")
ANJU_OTP_TTL_SECONDS = env_int("ANJU_OTP_TTL_SECONDS", 300, minimum=30)
ANJU_SITE_URL = env_str("ANJU_SITE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

ANJU_BRAND = _("安居投诉服务")
