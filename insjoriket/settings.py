"""Django settings for Insjöriket.

Everything that differs between a developer's machine and production comes from the
environment: DATABASE_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS.
"""

import datetime as dt
import os
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from insjoriket.database import app_role_setting, database_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def local_secret_key(path: Path) -> str:
    """The secret key of this checkout when DJANGO_SECRET_KEY is not set: generated once into
    ``var/secret_key`` (git-ignored, mode 0600) and read from there after, so sessions survive a
    restart of ``make run``. Several app servers need one shared key: set DJANGO_SECRET_KEY
    (docs/deployment.md)."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    from django.core.management.utils import get_random_secret_key

    path.parent.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use that one
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


# Production-safe by default: DEBUG only when asked for (DJANGO_DEBUG=1).
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or local_secret_key(
    BASE_DIR / "var" / "secret_key"
)
# With DEBUG off the site is served over HTTPS only (redirect, HSTS, secure cookies).
# DJANGO_HTTPS=0 turns that off for a local demo on http://127.0.0.1 (make run) and the tests.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    # The second factor of a digital justering (decisions.meetings.signing, docs/justering.md).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "insjoriket.axes_app.AxesConfig",
    "csp",
    "ninja",  # the API's interactive page from its bundled static files, not a CDN
    "members",
    "cases",
    "decisions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "insjoriket.middleware.AbsoluteSessionTimeoutMiddleware",
    "insjoriket.middleware.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes wants to be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "insjoriket.urls"

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
            ],
            "builtins": ["insjoriket.template_filters"],
        },
    },
]

WSGI_APPLICATION = "insjoriket.wsgi.application"

DATABASES = {"default": database_settings(BASE_DIR)}
# The role the application's requests run as (SET ROLE on each new connection of the WSGI
# application and the Celery worker; insjoriket/db_roles.py): it owns nothing, so the database's
# guards hold. The embedded server sets it up itself (insjoriket_app); unset with a
# DATABASE_URL, the application runs as the tables' owner and the health page says so.
DATABASE_APP_ROLE = app_role_setting()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
# Dates are typed as ISO (insjoriket/formats/sv/formats.py; insjoriket.dates for the forms).
FORMAT_MODULE_PATH = ["insjoriket.formats"]
LANGUAGES = [("sv", _("Svenska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root before collectstatic
# With DEBUG off WhiteNoise serves the static files (runserver then serves none itself): where
# collectstatic ran (make run, the deployment) the collected files with hashed names and
# far-future caching; where it has not (no staticfiles.json) the plain names through its
# finders, so no page fails on a missing manifest entry (insjoriket/storage.py). The tests use
# the plain storage (tests/settings.py).
STATIC_COLLECTED = not DEBUG and (STATIC_ROOT / "staticfiles.json").exists()
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "insjoriket.storage.CollectedStaticFilesStorage"
        )
    },
}
# Uploaded handlingar live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses a login while its username + IP pair is locked out (django-axes), then the
    # ordinary user table.
    "insjoriket.middleware.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Brute-force lockout: a username from one IP address is locked for 15 minutes after 5
# failures; a success resets the count. By username and IP together, not IP alone, so one
# person's typos do not lock out a whole town hall behind one NAT address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "insjoriket.middleware.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind the reverse proxy the client's address is in X-Forwarded-For; the number of proxies
# in front of the app servers is set per installation (0: REMOTE_ADDR is the client).
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Sessions: logged out after 30 minutes without a request and after 10 hours in all, however
# active (insjoriket.middleware). The idle expiry moves on with a request at most once a
# minute (SESSION_REFRESH_SECONDS), not on every request: saving the session on every page
# view was a database write and a WAL flush per request (docs/benchmarks.md).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT = 10 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "insjoriket.errors.csrf_failure"  # Swedish 403_csrf.html

# Content-Security-Policy (django-csp 4): everything from our own origin, no inline scripts
# or styles, no plug-ins, no framing. The admin of Django 5.2 has no inline scripts either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Where the public asks for a handling (the postlista's "Begär ut handlingen": a mailto: with
# the dnr in the subject, until requests are registered in the product, issue 15).
REGISTRATOR_EMAIL = os.environ.get(
    "INSJORIKET_REGISTRATOR_EMAIL", "registrator@insjoriket.example.se"
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Celery (insjoriket/celery.py): bulk PDF work in a worker. No result backend: the job's state
# is a ProtocolBatch row. acks_late + prefetch 1: a job a worker dies in is delivered again
# (the task is idempotent), and one long render does not hold back queued jobs.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 50 * 60  # a year of protocols: minutes, not an hour
CELERY_TASK_TIME_LIMIT = 60 * 60
# Redis gives an unacknowledged job to another worker after the visibility timeout; keep it
# above the hard time limit so a long render is not started twice while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that enqueues gives up after about a second when the broker is down (then 503).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Reminders of uppdrag from decisions (decisions/tasks/reminders.py): daily at 06:30 through
# Celery beat (`celery -A insjoriket beat`), or `manage.py send_task_reminders` from cron.
CELERY_BEAT_SCHEDULE = {
    "uppdrag-paminnelser": {
        "task": "decisions.send_task_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
}
TASK_REMINDER_DAYS = int(os.environ.get("INSJORIKET_TASK_REMINDER_DAYS", "14"))
# Mail (kallelser, påminnelser): the console in the demo; SMTP settings from the environment.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "insjoriket@localhost")
# The address links in e-mails start with (they leave the request that knows the host).
INSJORIKET_BASE_URL = os.environ.get("INSJORIKET_BASE_URL", "http://127.0.0.1:8000")

if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}

from insjoriket.logging import logging_config  # noqa: E402 - DJANGO_LOG_FORMAT=json

LOGGING = logging_config(LOGGING)

# The organisation's seal on a justerat protocol's frozen original (rule 38,
# decisions/publishing/seal.py): a PKCS#12 file with the organisation's certificate and key,
# its passphrase, and a timestamp server (RFC 3161) that makes the seal PAdES B-T. Without a
# PKCS#12 the demo generates its own self-signed seal certificate once, in var/seal/.
INSJORIKET_SEAL_PKCS12 = os.environ.get("INSJORIKET_SEAL_PKCS12", "")
INSJORIKET_SEAL_PASSPHRASE = os.environ.get("INSJORIKET_SEAL_PASSPHRASE", "")
INSJORIKET_SEAL_TSA_URL = os.environ.get("INSJORIKET_SEAL_TSA_URL", "")
