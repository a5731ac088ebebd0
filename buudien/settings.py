"""The one settings module of buudien. Everything that differs between machines comes from
the environment: DATABASE_URL, BUUDIEN_DATA_DIR, SECRET_KEY, DEBUG, ALLOWED_HOSTS, HTTPS."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    return [part.strip() for part in raw.split(",") if part.strip()] if raw else default


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("BUUDIEN_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    given = env_str("SECRET_KEY")
    if given:
        return given
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Behind TLS (a reverse proxy or a load balancer) set HTTPS=1: cookies become secure, plain
# HTTP is redirected and HSTS is sent. `manage.py check --deploy` is clean with it.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy: scripts only from the site's own files (htmx, buudien.js; no
# inline script or handler anywhere), styles from its own files and the pages' few inline
# styles, images from itself and data: URLs (signatures, QR codes), nothing framed, forms
# sent to itself only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "ninja",
    "django_tasks_db",
    "buudien.core",
    "buudien.counter",
    "buudien.people",
    "buudien.network",
    "buudien.mail",
    "buudien.finance",
    "buudien.collection",
    "buudien.payouts",
    "buudien.agency",
    "buudien.cashless",
    "buudien.cashdesk",
    "buudien.dossiers",
    "buudien.goods",
    "buudien.telecom",
    "buudien.insurance",
    "buudien.press",
    "buudien.care",
    "buudien.emulation",
    "buudien.planning",
    "buudien.jobs",
    "buudien.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "buudien.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "buudien.web.middleware.DomainErrorMiddleware",
    "buudien.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "buudien.urls"
WSGI_APPLICATION = "buudien.wsgi.application"
ASGI_APPLICATION = "buudien.asgi.application"

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
                "buudien.web.context_processors.navigation",
            ],
            "builtins": ["buudien.core.templatetags.vn"],
        },
    }
]

# --- database --------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "buudien.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-64000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif env_bool("DATABASE_POOL", True):
    # Django's psycopg pool bounds the connections whatever the server's thread count.
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": env_int("DATABASE_POOL_SIZE", 8), "timeout": 10}
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

# --- cache ------------------------------------------------------------------------------
# Each process's memory (Django's default, named here): what is kept is cheap to make again
# and keyed by what it is made from (the report's charts, drawn once for the same figures),
# so a restart, or another worker, merely draws it once more.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "buudien",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
}

# --- background work --------------------------------------------------------------------
# Long work (a year report's file, an import) runs as a task of Django's tasks framework, on
# a queue kept in the database (no other service to run): ``buudien serve`` starts its worker
# beside the web server. BUUDIEN_TASKS=immediate runs each task inside the request instead
# (the tests, or a machine where no worker runs).
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if env_str("BUUDIEN_TASKS", "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# A finished job and its file are kept this many days for its requester to download.
BUUDIEN_JOBS_KEEP_DAYS = env_int("BUUDIEN_JOBS_KEEP_DAYS", 7)

# --- passwords and login ----------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# --- language, time, numbers ------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["buudien.formats"]

# --- static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed, without a manifest: a page never fails for a missing collectstatic.
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# --- customer care ----------------------------------------------------------------------
# The post's hotline, printed on the answer letters and shown on the public pages.
CARE_HOTLINE = env_str("CARE_HOTLINE", "1900 54 54 81")

# --- cancellations ------------------------------------------------------------------------
# A cancellation of an operation that moved money above this many đồng waits for the approval
# of a director or an accountant (buudien.counter.cancellations); at or below it, it is done
# at once.
BUUDIEN_CANCEL_APPROVAL_ABOVE = env_int("BUUDIEN_CANCEL_APPROVAL_ABOVE", 5_000_000)
# Cash a counter hands to the bank above this many đồng waits in cash in transit (113) until
# an accountant or a director of the point's units approves the deposit
# (buudien.cashdesk); at or below it, it reaches the bank account at once. Cash handed to
# another point's safe always waits for the receiving point to confirm it.
BUUDIEN_HANDOVER_APPROVAL_ABOVE = env_int("BUUDIEN_HANDOVER_APPROVAL_ABOVE", 50_000_000)

# --- API --------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 1000
NINJA_PAGINATION_CLASS = "buudien.core.pagination.Paging"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
