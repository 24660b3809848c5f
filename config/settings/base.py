"""Settings shared by every environment, read from the environment (django-environ).

The defaults here are the safe ones: DEBUG off, no hosts allowed, secure cookies.
`local` loosens them for a developer's machine, `test` for the suite.
"""

from pathlib import Path

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
# Old keys, still accepted while a new SECRET_KEY is rolled out: signed cookies, and the
# access codes and personal links already sent, keep working through the rotation.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {"default": env.db("DATABASE_URL")}
# A Unix socket's directory given the libpq way (`?host=/path`, as the embedded server's
# URL does) is the HOST that Django's client and the suite's own connections read.
if "host" in DATABASES["default"].get("OPTIONS", {}):
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A connection reused after the database restarted is checked first and replaced,
# so the first request on it does not fail.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica for the analysis area's heavy reads (surveys/replica.py), if any.
if env.str("ANALYSIS_DATABASE_URL", default=""):
    DATABASES["analysis"] = {
        **env.db("ANALYSIS_DATABASE_URL"),
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Django's PostgreSQL backend with a health check that costs no round trip.
        database["ENGINE"] = "config.postgresql"
# Jobs report progress on a connection of their own, so it is seen while their work
# is still inside its transaction.
DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
JOBS_PROGRESS_DATABASE = "jobs"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "auditlog",
    "jobs",
    "rest_framework",
    "drf_spectacular",
    "surveys",
    "classification",
    "api",
]

# Background jobs: django-tasks with its database backend (no other server to run).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOBS_ROOT = env.path("JOBS_ROOT", default=BASE_DIR / "var" / "jobs")
# A running job reports its progress at least this often; one silent for longer
# has lost its worker and is run again, up to JOB_MAX_ATTEMPTS times.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=120)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
# Finished jobs (with their files) and the queue's finished task records are
# deleted this many days after they finished (the worker's housekeeping).
JOB_RETENTION_DAYS = env.int("JOB_RETENTION_DAYS", default=30)
# /readyz wants a worker seen within this many seconds. A worker beats every
# WORKER_BEAT_SECONDS from a thread of its own, jobs running or not, and with each
# beat moves the heartbeat of the job it is running (so a long statement is not
# taken for a lost worker).
WORKER_SEEN_SECONDS = env.int("WORKER_SEEN_SECONDS", default=60)
WORKER_BEAT_SECONDS = env.float("WORKER_BEAT_SECONDS", default=15.0)

# Invitations and reminders (surveys/fieldwork/notify.py). "local" records each message in the
# database and logs it, codes and links redacted (nothing leaves the machine);
# "notify" sends through GOV.UK Notify with NOTIFY_API_KEY. Sending is paced under
# Notify's limit of 3,000 a minute.
NOTIFY_BACKEND = env.str("NOTIFY_BACKEND", default="local")
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_MESSAGES_PER_MINUTE = env.int("NOTIFY_MESSAGES_PER_MINUTE", default=2400)
# The service's address as respondents reach it, for the links in messages and the
# mail-merge file (e.g. https://seb.example.org).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# Wrong access codes typed in ACCESS_CODE_WINDOW_MINUTES before a wait
# (surveys/fieldwork/ratelimit.py): the same code from one address, any codes from one
# address, any codes for one survey.
# Personal links are never limited. The guessing odds are in docs/spec/fieldwork.md.
ACCESS_CODE_TRIES_PER_CODE = env.int("ACCESS_CODE_TRIES_PER_CODE", default=5)
ACCESS_CODE_TRIES_PER_ADDRESS = env.int("ACCESS_CODE_TRIES_PER_ADDRESS", default=100)
ACCESS_CODE_TRIES_PER_SURVEY = env.int("ACCESS_CODE_TRIES_PER_SURVEY", default=100_000)
ACCESS_CODE_WINDOW_MINUTES = env.int("ACCESS_CODE_WINDOW_MINUTES", default=15)
# Job title suggestions (surveys/fieldwork/ratelimit.py), in the same windows: per response, and
# per client address.
JOB_TITLE_SUGGESTIONS_PER_RESPONSE = env.int("JOB_TITLE_SUGGESTIONS_PER_RESPONSE", default=600)
JOB_TITLE_SUGGESTIONS_PER_ADDRESS = env.int("JOB_TITLE_SUGGESTIONS_PER_ADDRESS", default=20_000)
# A mail-merge file of codes and links not downloaded within this many hours is deleted.
CODES_FILE_HOURS = env.int("CODES_FILE_HOURS", default=24)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "surveys.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "surveys.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "surveys.context_processors.service",
                "surveys.context_processors.staff_navigation",
            ],
        },
    },
]

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# Inputs the GDS pack does not style itself get GOV.UK's input style too.
CRISPY_CLASS_CONVERTERS = {
    "urlinput": "govuk-input",
    "numberinput": "govuk-input",
    "dateinput": "govuk-input",
    "timeinput": "govuk-input",
    "datetimeinput": "govuk-input",
}

SERVICE_NAME = env.str("SERVICE_NAME", default="Socio-economic background survey")

# Staff passwords: Argon2 first, as OWASP recommends; the others only to verify old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff-login"
LOGIN_URL_PATH = "/staff/login/"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "staff-login"

# Login lockout (django-axes): five failures for one username, from any addresses,
# lock that username out for 30 minutes; five from one address, for any usernames,
# lock that address out. (So a guesser spread over many addresses, or trying many
# usernames, is stopped; the price is that anyone can lock a username for 30
# minutes: docs/operations/jobs-and-limits.md.)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front of the service: the client is the entry of X-Forwarded-For
# that many places from the right (seb.addresses), for sign-in, code guesses and the API.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "surveys.fieldwork.ratelimit.sign_in_client"

# Respondents keep their place for 30 days, across browser restarts.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Staff sessions end after this long without a request.
STAFF_IDLE_TIMEOUT_SECONDS = env.int("STAFF_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# A dialog warns this long before, and offers to stay signed in (GOV.UK's pattern).
STAFF_TIMEOUT_WARNING_SECONDS = env.int("STAFF_TIMEOUT_WARNING_SECONDS", default=2 * 60)

CSRF_FAILURE_VIEW = "surveys.views.errors.csrf_failure"

# A question page's form is a few hundred bytes: anything much larger is refused
# (a 400 page), not parsed. Uploads for import have their own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=64 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
# Microdata as XLSX, SPSS or Stata for more responses than this is made by a background
# job (CSV is always streamed).
MICRODATA_IN_REQUEST_ROWS = env.int("MICRODATA_IN_REQUEST_ROWS", default=50_000)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# GOV.UK Frontend's compiled CSS asks for its images under /assets/.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): only this site's own scripts, styles,
# images and fonts. The one inline script (GOV.UK Frontend's js-enabled class)
# carries a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Logs are JSON lines in production (LOG_FORMAT=json), plain text on a developer's
# machine; either way every line passes the redaction filter first.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
# The read-only API (api/): personal tokens, the pages' own roles, JSON only (no
# browsable API: it needs inline scripts and styles), rate-limited per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsAnalyst"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # No ?format= override and no OPTIONS metadata: GET (and HEAD) only.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_METADATA_CLASS": None,
    # The address a request without a token is counted by (after PROXY_COUNT proxies).
    "NUM_PROXIES": PROXY_COUNT,
}
# Requests per token (or per address, without one) per second, minute, hour or day.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Socio-economic background survey API",
    "DESCRIPTION": (
        "Read-only access to the surveys, output tables, comparisons and microdata of the "
        "reference implementation of the GSS harmonised standard on socio-economic "
        "background. Figures are disclosure-controlled unless unrounded ones are asked for "
        "by a token whose owner may see them."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {},
    "DISABLE_ERRORS_AND_WARNINGS": False,
}
# The cache stays in each process's memory; the API's rate limits are counted in a
# table every process shares (api.throttling).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "filters": {"redact": {"()": "surveys.logging.RedactIdentifiers"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request lines carry paths only (no bodies); errors are logged without
        # request data, so no answer ever reaches a log.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # The queue's worker says each time it looks; only problems are worth a line.
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Sign-in lockouts are warnings; axes's routine bookkeeping is not worth a line.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # runserver's request lines ("GET /s/demo/k/<token>/ 302"), redacted too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
