"""Settings for the conference program site, read from the environment.

One file, top to bottom. Every value that differs between a laptop and production comes from an
environment variable with a safe default: DEBUG is off unless asked for, the database is SQLite
in the git-ignored ``data/`` folder, email goes to the console and the cache lives in memory.
The README lists the variables.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no variable; refuse anything else so that a typo cannot turn DEBUG on."""
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}"
    )


def env_count(name: str, default: int = 0) -> int:
    """A whole number from 0 up; anything else is refused with the variable's name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(f"{name} must be a whole number from 0 up; got {value!r}")
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def development_secret_key() -> str:
    """A per-checkout secret kept in data/ (git-ignored), made on first use.

    Production sets SECRET_KEY; a laptop gets a random key that survives restarts so that
    sessions stay valid, and no key is ever committed.
    """
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


# --- Security -----------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Behind a TLS-terminating proxy, production sets SECURE_SSL_REDIRECT=true and friends.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours stand in front of the app (web/client_ip.py). 0: the client is
# REMOTE_ADDR and X-Forwarded-For is ignored; N: the N-th X-Forwarded-For entry from the right.
# Throttles, lock-outs and gunicorn's --forwarded-allow-ips (Makefile) all follow it.
TRUSTED_PROXY_COUNT = env_count("TRUSTED_PROXY_COUNT", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles come from our own static files only; no 'unsafe-inline'. The nonce is for
# the admin's one <style> (Django's own, with a per-response nonce) and is left out elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "program",
    "accounts",
    "web",
    # After program, whose db_worker (recovering the tasks of a stopped worker) replaces its own.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "web.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public responses (web/caching.py), stored as sent and answered before everything below.
    "web.caching.CacheMiddleware",
    # Django's gzip, outside every middleware that reads or changes the body or its ETag; never
    # for a signed-in visitor's response (web/compression.py).
    "web.compression.CompressionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # A control character (such as NUL) in a path, query or form body: 400 naming where (after
    # CORS, so that another origin's script can read why).
    "web.odd_input.OddInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Which session a signed-in visitor's page was made for, for the service worker: a marker
    # header, and a cookie of the session cookie's lifetime (web/session_marker.py).
    "web.session_marker.SessionMarkerMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag from the content for responses that do not set their own (the API's lists and
    # details), so a repeat GET with If-None-Match gets 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conference.urls"
WSGI_APPLICATION = "conference.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:agenda"
LOGOUT_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.agenda",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user@host:5432/name; SQLite under data/ by default.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite: wait for a writer instead of failing at once, and let readers run beside it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A program is a few tens of MB and lives in the server's memory, where reading a row through
    # an index costs little more than reading the next one. PostgreSQL's default random_page_cost
    # (4) assumes disks: with it, the authors of one page of 50 search results were found by
    # hashing all 20,000 people (6 ms) instead of 300 index look-ups (1.7 ms). 1.1 is the usual
    # figure for memory and SSDs; PG_RANDOM_PAGE_COST="" keeps the server's own setting.
    page_cost = os.environ.get("PG_RANDOM_PAGE_COST", "1.1")
    if page_cost:
        try:
            page_cost = float(page_cost)
        except ValueError:
            raise ImproperlyConfigured(
                f"PG_RANDOM_PAGE_COST must be a number such as 1.1, not {page_cost!r}."
            ) from None
        options = DATABASES["default"].setdefault("OPTIONS", {})
        given = options.get("options", "")
        options["options"] = f"{given} -c random_page_cost={page_cost}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Search documents are the database's own, written by triggers: dumpdata and loaddata skip them.
DATABASE_ROUTERS = ["program.models.search.SearchDocumentRouter"]

# --- Cache ---------------------------------------------------------------------------------------
# REDIS_URL (or CACHE_URL with a redis:// scheme) shares the cache between app instances, through
# django-redis, and holds the API's rate counters (web/throttling.py; without Redis they are kept
# in a table of the database). When Redis cannot be reached the site keeps answering: django-redis
# ignores the error (a read is a miss, a write does nothing) and logs it, each command waits at
# most 0.5 s, and the rate limits fail open with a warning (and /healthz answers 503).
CACHE_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "")
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "program"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {
        # Each session of a day keeps two parts, each page and export its compressed copy:
        # LocMemCache's default of 300 entries would drop them on a program of 80 sessions.
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }
elif CACHE_URL == "dummy://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss:// or unix://, or be locmem:// or dummy://;"
        f" got {CACHE_URL!r}"
    )

# The program's version, which every cached response is keyed by (web/caching.py), and what
# adds a signed-in visitor's marks to a public page (program/views/common.py).
CACHE_VERSION = "program.changes.version"
PERSONAL_PAGE = "accounts.marks.marks"
# How many attendees saved each session (the door screens' "Expected to be full"; the program
# does not import accounts).
EXPECTED_AUDIENCE = "accounts.interest.expected_audience"

# --- Background tasks ---------------------------------------------------------------------------
# Work after a change (similar papers) runs in a task runner, not in the request: tasks are rows in
# the database and ``manage.py db_worker`` runs them (``make run`` starts one beside the server).
# TASKS_IMMEDIATE=true runs them in the process that queues them, right after its commit.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if env_bool("TASKS_IMMEDIATE", default=False)
        else "django_tasks_db.DatabaseBackend"
    }
}

# --- Email --------------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp://user:password@mail.example.org:587/?tls=True; console by default.
_email = dj_email_url.parse(os.environ.get("EMAIL_URL", "console:"))
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email["EMAIL_USE_TLS"],
        "use_ssl": _email["EMAIL_USE_SSL"],
        "timeout": _email["EMAIL_TIMEOUT"] or 10,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "program@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mails to attendees come from SITE_NAME and link to SITE_URL (the task worker has no request).
SITE_NAME = os.environ.get("SITE_NAME", "Conference program")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# The change digest goes once the program has been quiet this many seconds (accounts/digest.py).
CHANGE_DIGEST_DELAY = env_count("CHANGE_DIGEST_DELAY", 300)

# --- Passwords ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Brute force -------------------------------------------------------------------------------
# django-axes, aimed at the attacker (accounts/lockout.py): within AXES_COOLOFF_TIME, one username
# from one address is locked after AXES_FAILURE_LIMIT failures, one username from anywhere after
# AXES_USERNAME_FAILURE_LIMIT, and one address only after AXES_ADDRESS_FAILURE_LIMIT (so that one
# shared address, a venue's NAT or a proxy, is not a kill switch). A success clears the username.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "accounts.lockout.AttackerAimedHandler"
AXES_FAILURE_LIMIT = env_count("AXES_FAILURE_LIMIT", 5)
AXES_USERNAME_FAILURE_LIMIT = env_count("AXES_USERNAME_FAILURE_LIMIT", 10)
AXES_ADDRESS_FAILURE_LIMIT = env_count("AXES_ADDRESS_FAILURE_LIMIT", 100)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_count("AXES_COOLOFF_MINUTES", 15))
# What a success resets (every failure for that username); the counts above are the handler's.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# The client's address as throttles see it (TRUSTED_PROXY_COUNT); django-ipware is not installed,
# and its settings below only matter if it ever is.
AXES_CLIENT_IP_CALLABLE = "web.client_ip.client_ip"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Stored times are UTC; pages show each conference in its own zone.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, gzipped files with far-future caching; plain storage for tests and DEBUG.
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# --- Program ------------------------------------------------------------------------------------
# Part of every page's ETag, so that a new release does not answer 304 with old markup. Deploys
# set it (e.g. to the commit); otherwise it follows the code and templates on disk.
BUILD_ID = os.environ.get("BUILD_ID") or str(
    max(
        path.stat().st_mtime_ns
        for folder in ("program", "accounts", "templates", "static")
        for path in (BASE_DIR / folder).rglob("*")
        if path.suffix in {".py", ".html", ".css", ".js", ".txt"} and path.is_file()
    )
)
# The fixture that the run command loads into an empty database.
PROGRAM_FIXTURE = BASE_DIR / "fixtures" / "mlsys2025.json"

# --- REST framework -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its "WWW-Authenticate: Token" header makes anonymous writes a clear 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "program.api.ordering.StrictOrderingFilter",
    ],
    # DRF's own parsers that refuse control characters in any field (web/odd_input.py).
    "DEFAULT_PARSER_CLASSES": [
        "web.odd_input.JSONParser",
        "web.odd_input.FormParser",
        "web.odd_input.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "program.api.pagination.ProgramPagination",
    "DEFAULT_SCHEMA_CLASS": "web.openapi.ProgramAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "web.throttling.AnonThrottle",
        "web.throttling.UserThrottle",
    ],
    # The same count as web.client_ip, for anything of DRF's that asks.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "300/min"),
        "user": os.environ.get("API_USER_RATE", "1200/min"),
    },
    "EXCEPTION_HANDLER": "program.api.errors.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Conference program API",
    "DESCRIPTION": "The program (conferences, rooms, sessions, posters, talks, people), the"
    " caller's agenda, and organizer writes. Lists are paginated: `page`, `page_size` (default"
    " 50, at most 500). Times are ISO 8601 with the conference's UTC offset. Each conference is"
    " also published for conference apps in the frab/c3voc formats at"
    " `/<conference>/schedule.xml` and `/<conference>/schedule.json`, and as calendar files at"
    " `/<conference>/schedule.ics`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A link's kind is a fixed enum (session kinds are codes, extensible per conference).
    "ENUM_NAME_OVERRIDES": {
        "LinkKindEnum": "program.models.LinkKind",
    },
}
# Read-only API calls may come from any web page; no cookies cross origins.
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Unhandled errors reach the console (and gunicorn's log), never the visitor.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Lockouts are logged as warnings; every successful login need not be.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
