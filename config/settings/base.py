"""Hearth settings: every setting lives here; what varies comes from the environment.

Production differs from development only through environment variables. Settings that
affect privacy default to the private choice, and DEBUG defaults to off.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("HEARTH_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean value of environment variable `name`."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off.")


def env_int(name: str, default: int) -> int:
    """Return the integer value of environment variable `name`."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated list in environment variable `name`."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Hearth refuses to start in production without a "
            "secret key. Generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(64))' and set it in the environment. "
            "(For local development only, set DJANGO_DEBUG=1 instead.)"
        )
    # Development only: a random key kept in var/, never committed.
    path = VAR_DIR / "dev-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(64)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "modeltranslation",  # before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "forum",
    "moderation",
    "retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MemberLanguageMiddleware",
    "accounts.middleware.PrivacyHeadersMiddleware",
    "accounts.middleware.IdleSignOutMiddleware",
    "moderation.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.site",
                "moderation.context_processors.moderation",
            ],
        },
    },
]

# PostgreSQL: parameters are sent apart from the query text (server-side binding), so that a
# statement a connection has run DJANGO_PREPARE_THRESHOLD times (5) is prepared and its plan
# kept instead of made again on every run (bench/RESULTS.md, "Fifth set"). "off" sends every
# statement unprepared, as a pooler in transaction mode (PgBouncer before 1.21) needs.
_prepare = os.environ.get("DJANGO_PREPARE_THRESHOLD", "5")
POSTGRES_OPTIONS = {
    "server_side_binding": True,
    "prepare_threshold": None if _prepare == "off" else env_int("DJANGO_PREPARE_THRESHOLD", 5),
}

# Database: SQLite by default (embedded, nothing to set up), PostgreSQL through DATABASE_URL.
_default_sqlite = f"sqlite:///{VAR_DIR / 'hearth.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "") or _default_sqlite,
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with writers queued by the kernel (config/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite"
    # Connections are kept, as on PostgreSQL (DJANGO_CONN_MAX_AGE): opening one and running
    # the PRAGMAs below cost about 0.7 ms of every request. An idle connection holds no lock
    # and does not keep the expiry run's final checkpoint from emptying the log.
    DATABASES["default"]["OPTIONS"] = {
        # secure_delete zeroes freed pages, so deleted rows do not linger in the file.
        "init_command": (
            "PRAGMA secure_delete=ON;"
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=5000;"
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("HEARTH_TEST_SQLITE_NAME")}
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(POSTGRES_OPTIONS)
# A PostgreSQL read replica, if there is one: anonymous page views read from it.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"].setdefault("OPTIONS", {}).update(POSTGRES_OPTIONS)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("accounts.middleware.MemberLanguageMiddleware") + 1,
                      "config.db_router.ReplicaReadsMiddleware")  # fmt: skip
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared between workers (rate limits live here). The database by default,
# Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "hearth_cache",
    # Past 300 entries (Django's default) every write deleted a third of the live entries:
    # with a few hundred members active, rate-limit counters vanished. Expired entries are
    # deleted by the expiry run (accounts.ratelimit.delete_ended_counters).
    "OPTIONS": {"MAX_ENTRIES": 200_000},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hearth",
        }
    }
else:
    CACHES = {"default": DATABASE_CACHE}

# Sessions: in the database (shared by every worker), closed at logout, 14 days at most;
# the stored end is rounded up to the hour (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Sessions end when the browser closes unless the member ticks "keep me signed in"
# (14 days); those that end at browser close also end after the admin's idle time.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "hearth_session"
CSRF_COOKIE_NAME = "hearth_csrf"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",  # Argon2id
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username",)},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "forum:board_index"
ACCOUNT_SIGNUP_REDIRECT_URL = "accounts:recovery_codes"  # a new member makes their codes first

# django-allauth: pseudonym and password, no email anywhere.
ACCOUNT_ADAPTER = "accounts.adapter.HearthAccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.signup.SignupExtraForm"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_USER_MODEL_EMAIL_FIELD = None
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_NOTIFICATIONS = False
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_SESSION_REMEMBER = None  # the member chooses "keep me signed in"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "5/m/ip,20/h/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    # Hearth's own actions use the same mechanism (accounts.ratelimit).
    "post": "6/m/user,60/h/user",
    "report": "10/m/user,40/h/user",
    "search": "20/m/user",
    # Recovery-code guessing: per account (the key) and per hashed address.
    "recover": "5/h/key,20/h/ip",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("HEARTH_TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Authenticator apps show the site's shown name (the neutral one in neutral mode).
MFA_ADAPTER = "accounts.adapter.HearthMFAAdapter"

# Email: there is none, ever.
MAILERS = {}
SILENCED_SYSTEM_CHECKS = ["mail.W001"]

# Internationalisation.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("de", _("German")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [
    BASE_DIR / "locale",  # Hearth's own messages (makemessages writes here)
    BASE_DIR / "locale_allauth",  # django-allauth's screens where it has no catalogue (pt)
]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_NAME = "hearth_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

# Static files: served by whitenoise, all from this origin.
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security headers.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],  # the two-factor QR code is a data: image; posts carry no images
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: no other site ever gets a referrer, and the browser still
# sends the real Origin with the site's own forms (under no-referrer it sends "Origin: null",
# which Django's CSRF check rightly refuses: no form could be sent from a real browser).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def static_file_headers(headers, path, url):
    """Give files WhiteNoise serves the headers pages get: it answers before the middleware that adds them.

    Static files stay cacheable (they are the same for everyone and show no member's data).
    """
    from django.conf import settings as current
    from django.utils.csp import build_policy

    headers["Content-Security-Policy"] = build_policy(current.SECURE_CSP)
    headers["X-Frame-Options"] = current.X_FRAME_OPTIONS
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = current.SECURE_REFERRER_POLICY
    headers["Cross-Origin-Opener-Policy"] = current.SECURE_CROSS_ORIGIN_OPENER_POLICY
    headers["Permissions-Policy"] = current.PERMISSIONS_POLICY


# Static files: no other site may read them (no Access-Control-Allow-Origin: *).
WHITENOISE_ALLOW_ALL_ORIGINS = False
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

# HTTPS: on by default in production. An onion service without a certificate sets
# HEARTH_HTTPS=0 (Tor already encrypts and authenticates the connection).
HTTPS = env_bool("HEARTH_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("HEARTH_BEHIND_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logging: no IP, no user agent, no post content. Django's request logger is off
# (its messages carry the path and, for some errors, request details).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Server errors are logged with their traceback; 4xx lines (paths, times) are not.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # The development server's access log: off, like gunicorn's (no trail of visits).
        "django.server": {"handlers": ["null"], "level": "CRITICAL", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "hearth": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Hearth's own settings.
HEARTH = {
    "TOPIC_TITLE_MAX": 150,
    "POST_BODY_MAX": 20_000,
    "TOPICS_PER_PAGE": 25,
    "POSTS_PER_PAGE": 20,
}
# Key material for the keyed hash that stands in for the client IP in rate limits.
HEARTH_IP_HASH_KEY = os.environ.get("HEARTH_IP_HASH_KEY", "") or SECRET_KEY
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"
