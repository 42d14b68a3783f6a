"""Django settings, configured from the environment (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from needlepoint.config.environment import (
    INSECURE_SECRET_KEY,
    data_dir,
    env_bool,
    env_list,
    photo_storage,
)

DATA_DIR: Path = data_dir()
DEBUG = env_bool("NEEDLEPOINT_DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "needlepoint.accounts",
    "needlepoint.clinics",
    "needlepoint.patients",
    "needlepoint.safety",
    "needlepoint.intakes",
    "needlepoint.courses",
    "needlepoint.checkins",
    "needlepoint.outcomes",
    "needlepoint.adverse_events",
    "needlepoint.billing",
    "needlepoint.notify",
    "needlepoint.scheduling",
    "needlepoint.photos",
    "needlepoint.records",
    "needlepoint.interop",
    "needlepoint.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "needlepoint.web.middleware.PrivateResponseMiddleware",
    "needlepoint.web.middleware.RequestIdMiddleware",
    "needlepoint.safety.middleware.ReadAuditMiddleware",
    "needlepoint.api.problems.ProblemMiddleware",
    "needlepoint.api.fhir.responses.OutcomeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "needlepoint.web.middleware.NulInputMiddleware",
    "needlepoint.web.middleware.IdleTimeoutMiddleware",
    "needlepoint.web.middleware.ClinicTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "needlepoint.config.urls"
WSGI_APPLICATION = "needlepoint.config.wsgi.application"
ASGI_APPLICATION = "needlepoint.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "needlepoint.web.context.actor",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'needlepoint.sqlite3'}",
        # Persistent connections, checked before reuse (ADR 26): measured faster than a new
        # connection per request on every page and API read.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing; WAL lets readers run beside one writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# A read replica for reports and analytics (`clinics.replica`); none by default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        # Files under the data directory: one cache for every worker process, so rate limits
        # count a client's requests whichever worker answers them.
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "cache",
        }
    )
}

# Sessions: with Redis, read from the cache and written through to the database (a flushed
# cache signs no one out); a page view writes neither unless the session changed.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "needlepoint.clinics.backends.ActorBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: five failed sign-ins for one account from one client address lock that pair for
# fifteen minutes; the account still signs in from elsewhere, and others behind the same
# address (a clinic's NAT) are not locked out by one attacker.
AXES_FAILURE_LIMIT = int(os.environ.get("NEEDLEPOINT_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("NEEDLEPOINT_LOCKOUT_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form's field (axes would look for the user model's "email" and count nothing).
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Needlepoint"  # the name authenticator apps show beside the code

# API requests per token (or per signed-in user), as "count/period" (s, min, hour, day).
API_RATE_LIMIT = os.environ.get("NEEDLEPOINT_API_RATE_LIMIT", "600/min")

# Idle sign-out: a session unused for this long ends.
IDLE_TIMEOUT_SECONDS = int(os.environ.get("NEEDLEPOINT_IDLE_TIMEOUT_MINUTES", "15")) * 60
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("NEEDLEPOINT_HTTPS", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from the app's own static files: no inline script or event handler runs, so
# injected markup cannot run code. Inline styles stay allowed (HTMX's indicator styles, the
# API docs' Swagger UI, a chart's colour swatches); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if SESSION_COOKIE_SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = env_bool("NEEDLEPOINT_SSL_REDIRECT", default=True)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Patient photos: a private directory (or a private bucket, `NEEDLEPOINT_S3_BUCKET`), never
# served as static or media files; only the authorised, audited photo views read it.
PHOTO_DIR = DATA_DIR / "photos"
# Bulk Data exports ($export): a 0700 directory per export, NDJSON files 0600, served only to
# the clinic's admins by the audited download route, removed when the export is deleted.
BULK_EXPORT_DIR = DATA_DIR / "exports"

STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "photos": photo_storage(),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Needlepoint <no-reply@needlepoint.test>")

# Text messages: Twilio's Messages API when TWILIO_ACCOUNT_SID is set, else one file per text
# in the data directory; SMS_BACKEND names another (e.g. needlepoint.notify.sms.ConsoleBackend).
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_API_KEY = os.environ.get("TWILIO_API_KEY", "")  # an API key SID, else the account SID
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")  # the token, or the key's secret
TWILIO_FROM = os.environ.get("TWILIO_FROM", "")  # the sending number, E.164
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
TWILIO_API_URL = os.environ.get("TWILIO_API_URL", "https://api.twilio.com")
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND",
    "needlepoint.notify.sms.TwilioBackend"
    if TWILIO_ACCOUNT_SID
    else "needlepoint.notify.sms.FileBackend",
)
SMS_FILE_PATH = DATA_DIR / "sms"

# Links in e-mails and calendar addresses are absolute: the address patients reach the app at.
SITE_URL = os.environ.get("NEEDLEPOINT_SITE_URL", "http://127.0.0.1:8000")

# Background jobs (`needlepoint worker`): Redis when REDIS_URL is set, else a SQLite file.
HUEY = {
    "name": "needlepoint",
    "url": REDIS_URL,
    "filename": DATA_DIR / "jobs.sqlite3",
    "immediate": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
