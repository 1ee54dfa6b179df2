"""Settings, read from the environment in this one place.

With nothing set, the portal runs on the *embedded default*: SQLite in the project folder, Celery
tasks run eagerly in-process, an in-memory cache. ``ZLAGODA_ENV=production`` switches on the
production mode, which refuses to start without ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``REDIS_URL`` and
``EMAIL_URL`` and passes ``manage.py check --deploy`` with no warnings.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, overload
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from atlas.tiles import tile_origin
from mail.config import parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent


@overload
def env(name: str) -> str | None: ...
@overload
def env(name: str, default: str) -> str: ...
def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value if value else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_duration(name: str, default: str) -> int:
    """Seconds, from ``90``, ``90s``, ``30m``, ``12h`` or ``7d``."""
    value = env(name, default).lower()
    number, unit = (value[:-1], value[-1]) if value[-1:] in DURATION_UNITS else (value, "s")
    if not number.isdigit() or int(number) <= 0:
        raise ImproperlyConfigured(f"{name} must be a duration such as 90s, 30m, 12h or 7d, not {value!r}")
    return int(number) * DURATION_UNITS[unit]


S3_BACKEND = "storages.backends.s3.S3Storage"
S3_QUERY_OPTIONS = {"endpoint_url", "region", "location", "addressing_style", "verify"}


def _s3_private_options(addressing_style: str | None) -> dict[str, Any]:
    """What every S3 media storage gets, whoever configured it: private objects (no ACL: the bucket
    is private; signed URLs that expire in 5 minutes if anything ever asks for one), no overwrite
    (like the folder), and a client that gives up on an unreachable server within seconds (its
    ``Config`` also carries the addressing style, which S3Storage ignores once given a config)."""
    from botocore.config import Config

    return {
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        "client_config": Config(
            signature_version="s3v4",
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": addressing_style} if addressing_style else None,
        ),
    }


def _s3_endpoint(value: str, source: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"{source}: endpoint_url must be an http:// or https:// URL with a host")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ImproperlyConfigured(f"{source}: the port of endpoint_url must be a number from 1 to 65535") from None
    return value


def _s3_bucket_and_credentials(parts: SplitResult) -> dict[str, Any]:
    try:
        port = parts.port
    except ValueError:
        port = -1
    bucket = unquote(parts.hostname or "")
    if not bucket or parts.path not in ("", "/"):
        raise ImproperlyConfigured("MEDIA_STORAGE_URL must name the bucket, e.g. s3://KEY:SECRET@bucket-name")
    if port is not None:
        raise ImproperlyConfigured("MEDIA_STORAGE_URL: the bucket takes no port (give endpoint_url=...)")
    if bool(parts.username) != bool(parts.password):
        raise ImproperlyConfigured("MEDIA_STORAGE_URL: give both the access key and the secret, or neither")
    options: dict[str, Any] = {"bucket_name": bucket}
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return options


def _s3_query_options(query: dict[str, str]) -> dict[str, Any]:
    unknown = sorted(set(query) - S3_QUERY_OPTIONS)
    if unknown:
        known = ", ".join(sorted(S3_QUERY_OPTIONS))
        raise ImproperlyConfigured(f"MEDIA_STORAGE_URL: unknown option {unknown[0]!r} (known: {known})")
    options: dict[str, Any] = {}
    if query.get("endpoint_url"):
        options["endpoint_url"] = _s3_endpoint(query["endpoint_url"], "MEDIA_STORAGE_URL")
    if query.get("region"):
        options["region_name"] = query["region"]
    if query.get("location"):
        options["location"] = query["location"].strip("/")
    style = query.get("addressing_style") or ("path" if "endpoint_url" in options else "")
    if style not in ("", "path", "virtual", "auto"):
        raise ImproperlyConfigured("MEDIA_STORAGE_URL: addressing_style must be path, virtual or auto")
    if style:
        options["addressing_style"] = style
    if "verify" in query:
        if query["verify"].lower() not in ("true", "false"):
            raise ImproperlyConfigured("MEDIA_STORAGE_URL: verify must be true or false")
        options["verify"] = query["verify"].lower() == "true"
    return options


def parse_media_storage_url(url: str) -> dict[str, Any]:
    """The options of django-storages' ``S3Storage`` for ``MEDIA_STORAGE_URL``:
    ``s3://ACCESS_KEY:SECRET@bucket?endpoint_url=http://minio:9000&region=us-east-1`` (key and
    secret percent-encoded; without them boto3 finds its credentials itself, e.g. an instance
    role). Options: ``endpoint_url``, ``region``, ``location`` (a prefix inside the bucket),
    ``addressing_style`` (``path``, the default with an ``endpoint_url``, as MinIO wants, or
    ``virtual``), ``verify`` (``false`` to accept a self-signed certificate). Raises
    ``ImproperlyConfigured``; no message repeats the URL, so the secret never reaches a log."""
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured("MEDIA_STORAGE_URL must start with s3:// (an S3-compatible bucket)")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = dict(pairs)
    if len(query) != len(pairs):
        raise ImproperlyConfigured("MEDIA_STORAGE_URL: an option is given twice")
    options = {**_s3_bucket_and_credentials(parts), **_s3_query_options(query)}
    style = options.pop("addressing_style", None)
    return {**options, **_s3_private_options(style)}


def s3_options_from_aws_environment(bucket: str) -> dict[str, Any]:
    """The options of ``S3Storage`` from the usual ``AWS_*`` variables (``AWS_STORAGE_BUCKET_NAME``
    set): the access key and secret as boto3 reads them (``AWS_ACCESS_KEY_ID``,
    ``AWS_SECRET_ACCESS_KEY``, or an instance role), ``AWS_S3_ENDPOINT_URL``,
    ``AWS_S3_REGION_NAME``, ``AWS_LOCATION``, ``AWS_S3_ADDRESSING_STYLE``; files private as with
    ``MEDIA_STORAGE_URL``."""
    options: dict[str, Any] = {"bucket_name": bucket}
    endpoint = env("AWS_S3_ENDPOINT_URL")
    if endpoint:
        options["endpoint_url"] = _s3_endpoint(endpoint, "AWS_S3_ENDPOINT_URL")
    for name, option in (
        ("AWS_S3_REGION_NAME", "region_name"),
        ("AWS_LOCATION", "location"),
    ):
        value = env(name)
        if value:
            options[option] = value
    style = env("AWS_S3_ADDRESSING_STYLE") or ("path" if endpoint else None)
    return {**options, **_s3_private_options(style)}


def env_required(name: str) -> str:
    value = env(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set when ZLAGODA_ENV=production")
    return value


ZLAGODA_ENV = env("ZLAGODA_ENV", "development")
if ZLAGODA_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"ZLAGODA_ENV must be development or production, not {ZLAGODA_ENV!r}")
PRODUCTION = ZLAGODA_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when ZLAGODA_ENV=production")
else:
    SECRET_KEY = env("SECRET_KEY", "development-only-key-never-use-in-production-0123456789")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Form widgets' templates, for FORM_RENDERER below.
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # Bottom first: the shared machinery (who may do what, the REST API's), then the domains.
    "access",
    "mail",
    "accounts",
    "privacy",
    "api",
    "communities",
    "programmes",
    "negotiators",
    "training",
    "incidents",
    "events",
    "planning",
    "support",
    "casework",
    "reports",
    "sync",
    "imports",
    "dashboard",
    "photos",
    # The edges: the field app's shell mounts the domains' pages.
    "field",
]

MIDDLEWARE = [
    # First: the scheme and client address every later step sees (X-Forwarded-* from
    # TRUSTED_PROXIES only).
    "api.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body (sessions, CSRF, views): too large is refused unread.
    "api.limits.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # Reads the field pages' HTML (so inside GZip) and their final headers: 304 to the field app's
    # service worker when the page it kept is unchanged.
    "negotiators.field.KeptPageVersionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Permissions-Policy and Cache-Control: no-store on personal answers (after authentication,
    # outside the second-factor check so that its redirects carry them too).
    "api.headers.SecurityHeadersMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After authentication and OTPMiddleware: a user who needs a second factor reaches nothing
    # until verified.
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout and absolute lifetime of a signed-in session, by role.
    "accounts.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Names records by number instead of a person's name for viewers who do not read personal data.
    "privacy.visibility.PersonalDataVisibilityMiddleware",
    # Innermost, so that its JSON error bodies are still in the request's language.
    "api.middleware.ApiMiddleware",
    # An outage escaping a view becomes 503 + Retry-After (still logged by ApiMiddleware).
    "api.outages.OutageMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ overrides a widget's template (the admin's date
# and time inputs, labelled for screen readers: templates/admin/widgets/split_datetime.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ---------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
if PRODUCTION and not REDIS_URL and not (CELERY_TASK_ALWAYS_EAGER and env("CELERY_TASK_ALWAYS_EAGER")):
    # In production, reports are built by workers and beat keeps the schedule and the watchdog; a
    # missing broker would quietly build them inside web requests instead.
    raise ImproperlyConfigured(
        "REDIS_URL must be set when ZLAGODA_ENV=production (or CELERY_TASK_ALWAYS_EAGER=true, on purpose)"
    )
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a report must not hang on a broker that is down: connect within 2 s,
# give up a publish after one quick retry, and do not wait on the result store either (the report
# is saved; the watchdog sends it again). Workers keep retrying their own connection at startup.
REDIS_CONNECT_TIMEOUT_SECONDS = 2
REDIS_SOCKET_TIMEOUT_SECONDS = 5
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT_SECONDS
CELERY_BROKER_CONNECTION_MAX_RETRIES = 1
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT_SECONDS
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
}
CELERY_TIMEZONE = "Europe/Kyiv"
CELERY_BEAT_SCHEDULE = {
    # Re-queue reports whose message or worker was lost (see reports.tasks).
    "reports-watchdog": {"task": "reports.watchdog", "schedule": 120.0},
    # Daily: from 1 July the first half-year's reports, from 1 January the second half-year's and
    # the year's, each once (a day beat missed is made up the next day).
    "reports-after-each-half-year": {
        "task": "reports.generate_scheduled_reports",
        "schedule": crontab(minute=0, hour=3),
    },
    "forget-old-idempotency-keys": {
        "task": "negotiators.prune_idempotency_keys",
        "schedule": crontab(minute=30, hour=2),
    },
    "forget-old-api-requests": {"task": "communities.prune_api_requests", "schedule": crontab(minute=40, hour=2)},
    # Daily: anonymise or delete the personal data past its retention period (PRIVACY_RETENTION).
    "enforce-retention": {"task": "privacy.enforce_retention", "schedule": crontab(minute=50, hour=2)},
    # Webhooks behind the change log or due for a retry (sync.tasks); cheap when none is.
    "deliver-webhooks": {"task": "sync.deliver_due_webhooks", "schedule": 30.0},
    "forget-old-webhook-deliveries": {"task": "sync.prune_webhook_deliveries", "schedule": crontab(minute=55, hour=2)},
    # Registrants' reminders a day and an hour before an event (events.tasks), each sent once.
    "event-reminders": {"task": "events.send_reminders", "schedule": 600.0},
    # Spreadsheets checked but never imported are deleted after IMPORT_KEEP_HOURS (imports.tasks).
    "forget-old-import-files": {"task": "imports.forget_old_files", "schedule": crontab(minute=5)},
    # Photo files no photo names (a submission rolled back, a deletion while the storage was away).
    "forget-stray-photo-files": {"task": "photos.forget_stray_files", "schedule": crontab(minute=15)},
}
# How long the log of partners' API requests is kept.
API_REQUEST_LOG_DAYS = int(env("API_REQUEST_LOG_DAYS", "365"))
# How long the log of webhook deliveries keeps those delivered (and test events).
WEBHOOK_DELIVERY_LOG_DAYS = int(env("WEBHOOK_DELIVERY_LOG_DAYS", "90"))
# How long personal data is kept (docs/operations.md, "Personal data"): parties of incidents closed
# more than N years ago are anonymised; personal fields of change-history rows older than N days
# are overwritten; login failures older than N days are deleted (with django-axes installed).
PRIVACY_RETENTION = {
    "incident_parties_years": float(env("RETENTION_INCIDENT_PARTIES_YEARS", "5")),
    "history_personal_fields_days": int(env("RETENTION_HISTORY_PERSONAL_FIELDS_DAYS", "730")),
    "login_failures_days": int(env("RETENTION_LOGIN_FAILURES_DAYS", "90")),
    # Registrants of an event: the consent text they agree to says a year after the event.
    "event_registrants_years": float(env("RETENTION_EVENT_REGISTRANTS_YEARS", "1")),
    # People of case work: anonymised once all their cases have been closed this long.
    "cases_years": float(env("RETENTION_CASES_YEARS", "5")),
    # Photos of outreach events (they may show people); those of incidents go with their parties.
    "event_photos_years": float(env("RETENTION_EVENT_PHOTOS_YEARS", "5")),
}
# The phone's position on incidents and events (privacy.location): decimals of a degree shown to
# those who do not read personal data (2: about 1 km); those who do see the stored point.
LOCATION_DECIMALS_WITHOUT_PERSONAL_DATA = int(env("LOCATION_DECIMALS_WITHOUT_PERSONAL_DATA", "2"))

# --- Authentication -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(env("PASSWORD_MIN_LENGTH", "12"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The portal's name, keyboard walks, repeats, and common words behind digits, years and
    # look-alike letters, from lists shipped in accounts/ (no network).
    {"NAME": "accounts.passwords.PatternPasswordValidator"},
]
# A password reset link works this long (Django's default is 3 days).
PASSWORD_RESET_TIMEOUT = env_duration("PASSWORD_RESET_TIMEOUT", "1h")
# Reset mails to one address per hour; more requests get the same page and no mail.
PASSWORD_RESET_MAILS_PER_HOUR = int(env("PASSWORD_RESET_MAILS_PER_HOUR", "3"))
# Sessions per role: idle timeout (no request for this long) and absolute lifetime (since the
# login), enforced by accounts.sessions; e.g. SESSION_IDLE_STAFF=15m, SESSION_MAX_NEGOTIATOR=14d.
# Staff, programme managers and the data protection officer read personal data or its logs: a
# short session on a shared office computer. Negotiators work from a personal phone in places
# without a connection for days; a week of idleness lets a field trip end with the outbox sent, a
# month bounds a lost phone.
SESSION_LIFETIMES = {
    role: {
        "idle": env_duration(f"SESSION_IDLE_{role.upper()}", idle),
        "absolute": env_duration(f"SESSION_MAX_{role.upper()}", absolute),
    }
    for role, idle, absolute in [
        ("staff", "30m", "12h"),
        ("programme_manager", "30m", "12h"),
        ("data_protection", "30m", "12h"),
        ("partner", "8h", "7d"),
        ("negotiator", "7d", "30d"),
        ("case_worker", "7d", "30d"),
    ]
}
# A signed-in user without a role gets the shortest lifetimes.
SESSION_LIFETIME_DEFAULT_ROLE = "staff"
# The cookie (and the stored session) never outlives the longest absolute lifetime; the middleware
# sets each session's own, shorter expiry.
SESSION_COOKIE_AGE = max(lifetime["absolute"] for lifetime in SESSION_LIFETIMES.values())
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out username+address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Login throttling (django-axes; accounts/lockout.py) ------------------------------------
# After LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, on any of the login
# forms (/accounts/login/, /admin/login/, /field/login/), that pair is refused for
# LOGIN_COOLOFF_MINUTES; `manage.py unlock_login <username>` lifts it sooner.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The client's address as the rest of the portal reads it (REMOTE_ADDR; see accounts.lockout).
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_VERBOSE = False  # accounts.lockout logs each failure to "zlagoda.security" itself

# --- Second factor (django-otp; accounts/two_factor.py) -------------------------------------
# Required for the roles with the REQUIRES_SECOND_FACTOR capability and superusers; others may
# turn it on. A wrong code makes the next try wait 1, 2, 4, 8 ... seconds (django-otp's throttle).
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Zlagoda")
# Staff remove others' devices in the admin, but never see their keys or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# How many one-time recovery codes a user gets when enrolling.
SECOND_FACTOR_RECOVERY_CODES = 10

# --- E-mail (mail/) -------------------------------------------------------------------------
# EMAIL_URL: smtp://user:password@host:587?tls=true, smtps://..., console:// or file:///folder;
# unset, messages are .eml files under MEDIA_ROOT/mail/ (mail/config.py). Required in production:
# a password reset mail quietly written to a folder would leave users locked out.
EMAIL_URL = env("EMAIL_URL")
if PRODUCTION and not EMAIL_URL:
    raise ImproperlyConfigured(
        "EMAIL_URL must be set when ZLAGODA_ENV=production (smtp://..., or console:// / file:///... on purpose)"
    )
_email = parse_email_url(EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "Zlagoda <zlagoda@localhost>")
# The portal's public address, for links in mail sent outside a request (reminders); a page that
# sends mail uses the address it was reached at.
PUBLIC_URL = env("PUBLIC_URL", "http://localhost:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Sending is retried on transient failures after MAIL_RETRY_BACKOFF seconds, doubled each time up to
# MAIL_RETRY_BACKOFF_MAX, at most MAIL_MAX_RETRIES times (30 s ... 1 h: about 4 hours in all).
MAIL_MAX_RETRIES = int(env("MAIL_MAX_RETRIES", "8"))
MAIL_RETRY_BACKOFF = int(env("MAIL_RETRY_BACKOFF", "30"))
MAIL_RETRY_BACKOFF_MAX = int(env("MAIL_RETRY_BACKOFF_MAX", "3600"))
# Attachments of one message at most (they travel through the broker); larger files go as links.
MAIL_ATTACHMENTS_MAX_BYTES = int(env("MAIL_ATTACHMENTS_MAX_BYTES", str(10 * 1024 * 1024)))

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "uk"
LANGUAGES = [
    ("uk", _("Ukrainian")),
    ("en", _("English")),
    ("cs", _("Czech")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", "Europe/Kyiv")
USE_TZ = True

# --- Static files and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media (generated report PDFs) is private: no URL pattern serves it; downloads go through
# authenticated views that read from this storage.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Past one machine, media lives in an S3-compatible bucket (MinIO in docker-compose, or AWS S3):
# MEDIA_STORAGE_URL=s3://KEY:SECRET@bucket?endpoint_url=http://minio:9000&region=us-east-1, or
# the usual AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL... Unset, the MEDIA_ROOT folder.
MEDIA_STORAGE_URL = env("MEDIA_STORAGE_URL")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if MEDIA_STORAGE_URL and AWS_STORAGE_BUCKET_NAME:
    raise ImproperlyConfigured("Set MEDIA_STORAGE_URL or AWS_STORAGE_BUCKET_NAME, not both")
if MEDIA_STORAGE_URL:
    _media_storage = {"BACKEND": S3_BACKEND, "OPTIONS": parse_media_storage_url(MEDIA_STORAGE_URL)}
elif AWS_STORAGE_BUCKET_NAME:
    _media_storage = {"BACKEND": S3_BACKEND, "OPTIONS": s3_options_from_aws_environment(AWS_STORAGE_BUCKET_NAME)}
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The reverse proxy's addresses or networks (e.g. "172.31.240.2" or "10.0.0.0/8,::1"): only from
# them are X-Forwarded-Proto and X-Forwarded-For believed (api.proxies.TrustedProxyMiddleware).
# Empty: the portal is reached directly and believes neither.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The health check is probed over plain HTTP from inside the deployment's network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# Content-Security-Policy (django-csp): everything from the portal itself, no third-party origin,
# and no inline script without the request's nonce (request.csp_nonce, {{ CSP_NONCE }} in templates).
IMG_SRC = ["'self'", "data:"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        # 'unsafe-inline' for styles only, never for scripts: the admin's and Swagger UI's scripts
        # write style attributes, and the error pages (500 renders without a request, so without
        # a nonce) carry a small <style>. A style cannot run code; a nonce here would make browsers
        # ignore 'unsafe-inline'.
        "style-src": ["'self'", "'unsafe-inline'"],
        # data: for the small SVG icons the admin's and Swagger UI's stylesheets embed; the map
        # tiles' origin when MAP_TILE_URL is set (below).
        "img-src": IMG_SRC,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The field app's service worker (/field/sw.js) and its manifest.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
# Maps: an optional raster tile layer the browser lays under the SVG maps (static/js/map_tiles.js),
# e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png with its attribution. Empty (the default):
# no map request leaves the portal's origin. Set, its origin joins img-src.
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")
if MAP_TILE_URL:
    try:
        IMG_SRC.append(tile_origin(MAP_TILE_URL))
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from error
# Permissions-Policy (api.headers): feature -> allowed origins; () denies it to every page. The field
# app's incident and event forms allow geolocation to themselves (api.headers.permissions_policy).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Request bodies larger than this are refused with 413 before they are read (api.limits); the API
# takes only small JSON bodies. The reverse proxy refuses REQUEST_MAX_BODY_BYTES too (deploy/Caddyfile).
# 24 MB: a library document of DOCUMENT_MAX_BYTES (20 MB) with its form around it.
REQUEST_MAX_BODY_BYTES = int(env("REQUEST_MAX_BODY_BYTES", str(24 * 1024 * 1024)))
API_MAX_BODY_BYTES = int(env("API_MAX_BODY_BYTES", str(1024 * 1024)))
# Form fields held in memory, and the size above which an uploaded file goes to a temporary file:
# both within the body limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
if not DATA_UPLOAD_MAX_MEMORY_SIZE <= REQUEST_MAX_BODY_BYTES or API_MAX_BODY_BYTES > REQUEST_MAX_BODY_BYTES:
    raise ImproperlyConfigured(
        "DATA_UPLOAD_MAX_MEMORY_SIZE and API_MAX_BODY_BYTES must not exceed REQUEST_MAX_BODY_BYTES"
    )

# The largest file of the programmes' document library (programmes/documents.py). An upload also
# passes REQUEST_MAX_BODY_BYTES, which must leave room for it (and the proxy's limit).
DOCUMENT_MAX_BYTES = int(env("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
if DOCUMENT_MAX_BYTES >= REQUEST_MAX_BODY_BYTES:
    raise ImproperlyConfigured(
        "DOCUMENT_MAX_BYTES must be below REQUEST_MAX_BODY_BYTES, or no such file can be uploaded"
    )
# The largest spreadsheet to import, and its most data rows (imports/readers.py); a larger file is
# refused before it is read. The upload passes REQUEST_MAX_BODY_BYTES too.
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", "100000"))
if IMPORT_MAX_BYTES >= REQUEST_MAX_BODY_BYTES:
    raise ImproperlyConfigured("IMPORT_MAX_BYTES must be below REQUEST_MAX_BODY_BYTES, or no such file can be uploaded")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Failed logins, lockouts, wrong second-factor codes and failing API keys.
    "loggers": {"zlagoda.security": {"level": "INFO"}},
}

# --- Change history -------------------------------------------------------------------------
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Field app: correcting what was sent ----------------------------------------------------
# Days after sending during which whoever sent an event, an incident or an action from the field
# app may correct it there (staff always may); 0 switches correcting from the phone off.
FIELD_EDIT_DAYS = int(env("FIELD_EDIT_DAYS", "7"))
if FIELD_EDIT_DAYS < 0:
    raise ImproperlyConfigured("FIELD_EDIT_DAYS must be 0 or more days")

# --- Partner REST API (/api/v1/) ------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a request without credentials gets 401 with a Bearer challenge.
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "DEFAULT_FILTER_BACKENDS": ["api.filtering.ApiFilterBackend"],
    # JSON and CSV only: no browsable API, so no HTML ever comes back from /api/v1/.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "api.renderers.CsvRenderer",
        "api.renderers.XlsxRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ApiContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "ORDERING_PARAM": "ordering",
}
# Requests per key (partner and staff keys), per session user, and per address for the public
# schema and docs; e.g. API_THROTTLE_KEY=1000/hour.
API_THROTTLE_RATES = {
    "key": env("API_THROTTLE_KEY", "120/minute"),
    "user": env("API_THROTTLE_USER", "120/minute"),
    "anon": env("API_THROTTLE_ANON", "60/minute"),
}
# After this many wrong, revoked or expired API keys from one address within the window, every
# key from that address is answered 429 with Retry-After until the window ends.
API_KEY_FAILURE_LIMIT = int(env("API_KEY_FAILURE_LIMIT", "20"))
API_KEY_FAILURE_WINDOW_SECONDS = int(env("API_KEY_FAILURE_WINDOW_SECONDS", "900"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Zlagoda API",
    "DESCRIPTION": (
        "Data of the community-safety programme for partner organisations and the NGO's own tools. "
        "Authenticate with `Authorization: Bearer <key>` (a key issued to your organisation); partners "
        "see only the communities they work with and never personal data. Lists are paginated "
        "(`page`, `page_size` up to 500) and filterable; `?format=csv` gives the same rows as CSV. Every "
        'error is `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # In English whatever the request's language, so that clients generated from it get the same
    # names (api.schema.ApiSchemaGenerator).
    "DEFAULT_GENERATOR_CLASS": "api.schema.ApiSchemaGenerator",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs work offline: Swagger UI comes from drf-spectacular-sidecar's static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False},
    "ENUM_NAME_OVERRIDES": {
        "CommunityKindEnum": "communities.models.CommunityKind",
        "EventKindEnum": "negotiators.models.EventKind",
        "NegotiatorStatusEnum": "negotiators.models.NegotiatorStatus",
        "IncidentStatusEnum": "incidents.models.IncidentStatus",
        "ActionKindEnum": "incidents.models.ActionKind",
        "LoggableActionKindEnum": "incidents.models.MANUAL_ACTION_KINDS",
        "DocumentKindEnum": "programmes.models.DocumentKind",
        "DocumentLanguageEnum": "programmes.models.DocumentLanguage",
        "LanguageEnum": "django.conf.settings.LANGUAGES",
        "IndicatorDirectionEnum": "programmes.models.Direction",
        "ResultLevelEnum": "programmes.models.ResultLevel",
        "PlanStatusEnum": "planning.models.PlanStatus",
        "RiskCategoryEnum": "planning.models.RiskCategory",
        "IncidentCategoryEnum": "incidents.models.IncidentCategory",
        "CaseStatusEnum": "casework.models.CaseStatus",
        "ReferralStatusEnum": "casework.models.ReferralStatus",
        "ContactKindEnum": "casework.models.ContactKind",
    },
}
# --- Monitoring reports ---------------------------------------------------------------------
# Languages of the reports Celery beat generates after each period (programme and partner reports).
REPORTS_SCHEDULED_LANGUAGES = env_list("REPORTS_SCHEDULED_LANGUAGES", ["uk", "en"])
if not set(REPORTS_SCHEDULED_LANGUAGES) <= {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured("REPORTS_SCHEDULED_LANGUAGES must list languages of LANGUAGES (uk, en, cs, ru)")
REPORTS_MAX_ATTEMPTS = int(env("REPORTS_MAX_ATTEMPTS", "5"))
# A build gets this long, then SoftTimeLimitExceeded fails it; a minute later the hard limit kills
# the worker's child process.
REPORTS_BUILD_SOFT_TIME_LIMIT = int(env("REPORTS_BUILD_SOFT_TIME_LIMIT", "300"))
REPORTS_BUILD_TIME_LIMIT = REPORTS_BUILD_SOFT_TIME_LIMIT + 60

# --- Spreadsheet import ---------------------------------------------------------------------
# Files with this many rows or more are checked and imported by Celery, the page showing the
# progress; smaller ones in the request.
IMPORT_BACKGROUND_ROWS = int(env("IMPORT_BACKGROUND_ROWS", "1000"))
# An uploaded spreadsheet (it may list people's contacts) is deleted once imported, at once when
# refused, and this many hours after its upload when it was checked but never imported.
IMPORT_KEEP_HOURS = int(env("IMPORT_KEEP_HOURS", "72"))
# The preview lists every rejected row and this many of each other kind (new, updated, unchanged).
IMPORT_PREVIEW_ROWS = int(env("IMPORT_PREVIEW_ROWS", "200"))
# A build message taken by a worker that then died outright (SIGKILL, the machine lost) is given
# back by Redis after this long: just above the longest build, so a live build is never sent twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": REPORTS_BUILD_TIME_LIMIT + 60,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
    "max_retries": 1,
}
# A report queued or running for longer than this was lost (its message too, e.g. Redis restarted
# without it): the watchdog re-queues it. Past the broker's own redelivery, so that comes first.
REPORTS_STUCK_AFTER_SECONDS = int(
    env("REPORTS_STUCK_AFTER_SECONDS", str(CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 60))
)
# Above this many communities, the per-community pages become an annex of tables.
REPORTS_COMMUNITY_PAGES_LIMIT = int(env("REPORTS_COMMUNITY_PAGES_LIMIT", "60"))
# A safety assessment with fewer respondents than this is listed on the report's data-quality page
# as a small sample (its scores say little about the community): 30 is the usual floor for a mean.
REPORT_MIN_RESPONDENTS = int(env("REPORT_MIN_RESPONDENTS", "30"))
# Reports one person may have queued or being built at once; an identical request while one is
# queued or being built returns that one instead of a new report.
REPORTS_MAX_ACTIVE_PER_USER = int(env("REPORTS_MAX_ACTIVE_PER_USER", "3"))

# --- Photos of incidents and events (photos/) ----------------------------------------------
# Each photo is stored re-encoded as a JPEG of at most PHOTO_MAX_BYTES and PHOTO_MAX_SIDE pixels a
# side, without metadata (the phone resizes it to the same limits before sending it);
# PHOTOS_PER_RECORD at most on one incident or event.
PHOTO_MAX_BYTES = int(env("PHOTO_MAX_BYTES", str(200 * 1024)))
PHOTO_MAX_SIDE = int(env("PHOTO_MAX_SIDE", "1600"))
PHOTOS_PER_RECORD = int(env("PHOTOS_PER_RECORD", "3"))

# --- Personal data ------------------------------------------------------------------------------
# Fernet keys (urlsafe base64 of 32 bytes) for the encrypted fields, comma-separated: the first
# encrypts, every one decrypts (old keys stay readable until `manage.py rotate_encryption_key`).
# FIELD_INDEX_KEY keys the blind index the search uses. The embedded default derives both from
# SECRET_KEY, so development needs nothing; production refuses to start without them.
if PRODUCTION:
    FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
    if not FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when ZLAGODA_ENV=production")
    FIELD_INDEX_KEY = env_required("FIELD_INDEX_KEY")
else:
    FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
    FIELD_INDEX_KEY = env("FIELD_INDEX_KEY", "")
