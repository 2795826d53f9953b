"""Settings for the union casework system.

Everything that differs between machines comes from the environment:
``DATABASE_URL``, ``DATABASE_REPLICA_URL``, ``DJANGO_DEBUG``, ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``,
``CASEWORK_ENCRYPTION_KEYS``, ``CASEWORK_BLIND_INDEX_KEY`` and ``CASEWORK_TRUSTED_PROXIES``
(see README, "Security"). DEBUG is off unless ``DJANGO_DEBUG`` turns it on (``make demo``
does; the test suite runs with ``casework.settings_test``).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from casework import keys

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default):
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG", "0")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Only a development checkout (DEBUG on, 127.0.0.1) ever runs with this key.
    SECRET_KEY = "development-only-not-secret"  # noqa: S105

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]

# Personal data at rest: Fernet keys (first one encrypts, all decrypt) and the
# key of the blind index used for uniqueness and exact search.
FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY = keys.load(BASE_DIR, debug=DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from this site
    "simple_history",
    "axes",
    "casework.apps.CaseworkConfig",
    "beneficiaries",
    "notices",
    "aid",
    "employment",
    "stats",
    "rosters",
    "portal",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "casework.security.refuse_nul_characters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout into a 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casework.urls"
WSGI_APPLICATION = "casework.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'casework.sqlite3'}"),
        conn_max_age=60,
    )
}
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets two test runs share one PostgreSQL server without sharing a database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# The cache holds what is dear to compute and may be a day old: the home page's target indicators,
# once per unit and day (portal.selectors.indicators). Each process has its own memory by default;
# CASEWORK_CACHE=database shares one cache between every gunicorn worker and server (its table is
# made by ``manage.py createcachetable``, which ``make migrate`` runs); docs/deployment.md.
if os.environ.get("CASEWORK_CACHE", "").strip().lower() == "database":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "casework_cache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "casework"}}
# The planner settings every PostgreSQL connection gets (docs/deployment.md, "Settings the benchmark asks for"):
# the returns are single large aggregate queries, which PostgreSQL's JIT compiles on every call for more than
# it saves (A1 at 10^6 persons: 5.1 s with JIT, 0.59 s without; docs/benchmarks.md, finding 1); and the data
# lives in memory or on SSD, where an index lookup costs about what a sequential read does (random_page_cost
# 1.1 instead of the spinning-disk default 4: A3 of the province at 10^6 1.27 s to 0.74 s, the file search
# of a county 370 ms to 200 ms; finding 11).
POSTGRES_OPTIONS = "-c jit=off -c random_page_cost=1.1"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "options": POSTGRES_OPTIONS}
if os.environ.get("DATABASE_REPLICA_URL"):
    # A PostgreSQL streaming replica of the primary: the reports (returns, drill-downs, ledgers,
    # exports) read from it, writes and filings stay on the primary (casework/routers.py,
    # docs/deployment.md "Read replica"). The suite treats it as the primary itself.
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["OPTIONS"] = {**DATABASES["replica"].get("OPTIONS", {}), "options": POSTGRES_OPTIONS}
DATABASE_ROUTERS = ["casework.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "casework.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2 first: new and upgraded hashes use it; older hashes still verify and are
# re-hashed on the next successful log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# The throttle backend goes first so a locked-out account is refused before the
# password is checked (see casework/security.py and README, "Security").
AUTHENTICATION_BACKENDS = [
    "casework.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
# An account from one address: a lockout never shuts the account out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_MESSAGE = _("登录失败次数过多，账号已暂时锁定，请 30 分钟后再试。")


def _trusted_proxies():
    value = os.environ.get("CASEWORK_TRUSTED_PROXIES", "0").strip() or "0"
    if not value.isdigit():
        raise ImproperlyConfigured("CASEWORK_TRUSTED_PROXIES must be a whole number (0: no proxy).")
    return int(value)


# How many reverse proxies of our own stand in front of the app servers (docs/deployment.md). 0: the
# client is REMOTE_ADDR and X-Forwarded-For is ignored; N: the client is the address the outermost of
# the N proxies saw, the N-th entry from the right of X-Forwarded-For plus REMOTE_ADDR. The lockout
# above and the personal-data access log both take the address from casework.security.client_address.
CASEWORK_TRUSTED_PROXIES = _trusted_proxies()
AXES_CLIENT_IP_CALLABLE = "casework.security.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "casework.security.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Background work (roster imports): django-tasks with its database backend; run
# `manage.py db_worker` next to the web server (make demo does).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def env_int(name, default):
    return int(os.environ.get(name, default))


# Upload limits (README, "Limits"). One bundle limit for the import page and the API.
BUNDLE_UPLOAD_MAX_BYTES = env_int("CASEWORK_BUNDLE_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
ROSTER_UPLOAD_MAX_BYTES = env_int("CASEWORK_ROSTER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# An XLSX is a zip: its parts together, unpacked, and each large part's packing ratio.
ROSTER_MAX_UNCOMPRESSED_BYTES = env_int("CASEWORK_ROSTER_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
ROSTER_MAX_ZIP_RATIO = env_int("CASEWORK_ROSTER_MAX_ZIP_RATIO", 100)
# The shared-strings part is read whole when the file is opened (in the web request too).
ROSTER_MAX_SHARED_STRINGS_BYTES = env_int("CASEWORK_ROSTER_MAX_SHARED_STRINGS_BYTES", 32 * 1024 * 1024)
# Rows with something in them, all sheets together; columns of a sheet.
ROSTER_MAX_ROWS = env_int("CASEWORK_ROSTER_MAX_ROWS", 120_000)
ROSTER_MAX_COLUMNS = env_int("CASEWORK_ROSTER_MAX_COLUMNS", 100)
# Public notices: mask the names of minors (under 18 on the notice's first day) as 张*明; a photo of the
# posted notice may be at most this large.
CASEWORK_NOTICE_MASK_MINORS = os.environ.get("CASEWORK_NOTICE_MASK_MINORS", "").strip().lower() in ("1", "true", "yes")
NOTICE_PHOTO_MAX_BYTES = env_int("CASEWORK_NOTICE_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
# Uploaded roster files are kept (encrypted) this long, then `manage.py purge_roster_files` deletes them.
ROSTER_FILE_RETENTION_DAYS = env_int("CASEWORK_ROSTER_FILE_RETENTION_DAYS", 30)

SIMPLE_HISTORY_DATE_INDEX = "composite"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
        # Scripts: a token per client, revocable, acting as one account (casework.models.ApiToken).
        "casework.api.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["casework.permissions.IsScopedUser"],
    # A body nested too deep is a 400, not a server error (casework.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "casework.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "casework.api.filters.ApiFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "casework.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "casework.api.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Union casework API",
    "DESCRIPTION": "Household files, aid and employment records, and the statistics returns.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema maps every endpoint and field: signed-in users only, like the API itself.
    "SERVE_PERMISSIONS": ["casework.permissions.IsScopedUser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "casework.api.schema.version_on_single_records_only",
    ],
    # /api/docs/ loads Swagger UI from this site's static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    # One name per choice set used by fields of the same name in several models.
    "ENUM_NAME_OVERRIDES": {
        "HouseholdKindEnum": "beneficiaries.choices.HouseholdKind",
        "HardshipLevelEnum": "beneficiaries.choices.HardshipLevel",
        "LoanKindEnum": "employment.choices.LoanKind",
        "MentorKindEnum": "employment.choices.MentorKind",
        "NoticeKindEnum": "notices.choices.NoticeKind",
    },
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# Secure defaults whenever DEBUG is off (``manage.py check --deploy`` is clean).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", "1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp 4): everything from this site only, no inline
# script or style anywhere (the admin's scripts are all files too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
