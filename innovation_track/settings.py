"""Settings for Innovation on Track, read from environment variables.

With no variables set this is the embedded default: SQLite in ``var/`` and the
in-memory channel layer, one process. ``DATABASE_URL`` switches to PostgreSQL and
``REDIS_URL`` to channels-redis. Bad values fail loudly at start-up rather than
silently falling back to a default.
"""

import os
import re
import socket
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "false")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not envbool("ALLOW_INSECURE_LOCAL_KEY", "true"):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # A local install without a SECRET_KEY gets a random one kept in var/ so
    # signed cookies survive restarts; production sets SECRET_KEY explicitly.
    _key_file = BASE_DIR / "var" / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
    else:
        from django.core.management.utils import get_random_secret_key

        _key_file.parent.mkdir(exist_ok=True)
        SECRET_KEY = get_random_secret_key()
        _key_file.write_text(SECRET_KEY)
        _key_file.chmod(0o600)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "cards",
    "game",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "innovation_track.csp.SameHostSocketsCSPMiddleware",  # Content-Security-Policy
    "django.contrib.sessions.middleware.SessionMiddleware",
    "innovation_track.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "innovation_track.urls"

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

WSGI_APPLICATION = None
ASGI_APPLICATION = "innovation_track.asgi.application"

# Database: SQLite by default, anything dj-database-url understands via DATABASE_URL.
# Persistent connections matter: with CONN_MAX_AGE=0 every database_sync_to_async
# call reopens the connection and throughput halves (OPERATIONS.md).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=None)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "var" / "db.sqlite3"))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "CONN_MAX_AGE": None,
            # select_for_update() is a no-op on SQLite: take the write lock when a
            # transaction starts and let readers work beside the writer (WAL).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 5,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer: in-memory for one process, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer lost nothing under load where the list-based
            # RedisChannelLayer dropped messages (OPERATIONS.md).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "game.realtime.layers.InMemoryChannelLayer",  # cheaper per message
            "CONFIG": {"capacity": envint("CHANNEL_CAPACITY", "1000")},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "host:home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins, counted in the cache (game/room/login_limits.py): per account from one
# address, per address, and per account from everywhere (browsers that logged in to that
# account before are exempt from the last), each in a fixed window.
LOGIN_FAILURE_WINDOW_SECONDS = envint("LOGIN_FAILURE_WINDOW_SECONDS", "900")
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = envint("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "5")
LOGIN_FAILURES_PER_ADDRESS = envint("LOGIN_FAILURES_PER_ADDRESS", "20")
LOGIN_FAILURES_PER_ACCOUNT = envint("LOGIN_FAILURES_PER_ACCOUNT", "50")
# "Wachtwoord vergeten?" and invitations: their links hold for this long; reset mails are
# limited per asking address (with a message) and per mailbox (silently), per window.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_DAYS", "3") * 24 * 3600
PASSWORD_RESET_WINDOW_SECONDS = envint("PASSWORD_RESET_WINDOW_SECONDS", "3600")
PASSWORD_RESETS_PER_ADDRESS = envint("PASSWORD_RESETS_PER_ADDRESS", "5")
PASSWORD_RESETS_PER_MAILBOX = envint("PASSWORD_RESETS_PER_MAILBOX", "3")

# Cache: per process by default; shared through Redis when REDIS_URL is set, so the
# join rate limit holds across several server processes.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# The live game.
GAME_TICKER = envbool("GAME_TICKER", "true")  # bots and pause timers in this process
GAME_TICK_SECONDS = float(envint("GAME_TICK_MS", "250")) / 1000
BOT_DELAY_SECONDS = float(envint("BOT_DELAY_MS", "1200")) / 1000  # a human-like pause
WS_RATE_PER_SECOND = envint("WS_RATE_PER_SECOND", "5")
# The server's garbage collector (innovation_track/asgi.py): collected less often than
# Python's 700, 10, 10, which paused a busy room's event loop (docs/performance.md).
GC_THRESHOLDS = (
    envint("GC_THRESHOLD_0", "50000"),
    envint("GC_THRESHOLD_1", "50"),
    envint("GC_THRESHOLD_2", "1000"),
)
# The dashboard gets table events at most this often (a quiet room's at once).
DASHBOARD_BATCH_SECONDS = float(envint("DASHBOARD_BATCH_MS", "25")) / 1000
WS_RATE_BURST = envint("WS_RATE_BURST", "20")
# Open sockets (game.realtime.connections): a phone needs one, so a player cookie holds at
# most WS_PER_SEAT (a newer one closes the oldest); a venue's whole room shares one address
# and a phone that slept can hold a dead socket beside its new one for a while, so an
# address holds up to WS_PER_ADDRESS: three full rooms of 300, far above one.
WS_PER_SEAT = envint("WS_PER_SEAT", "3")
WS_PER_ADDRESS = envint("WS_PER_ADDRESS", "1000")
# Joining: a whole room shares one Wi-Fi address, so joins to a session that exists are
# never limited; wrong codes are, per address and for the whole server (docs/architecture.md,
# "Joining and its limits").
JOIN_WRONG_CODES_PER_ADDRESS = envint("JOIN_WRONG_CODES_PER_ADDRESS", "30")
JOIN_WRONG_CODES_TOTAL = envint("JOIN_WRONG_CODES_TOTAL", "600")
JOIN_WRONG_CODE_WINDOW_SECONDS = envint("JOIN_WRONG_CODE_WINDOW_SECONDS", "600")
# The one base of every URL phones are given (join link, QR code, printed URLs), e.g.
# https://kwartet.example.org or http://192.168.1.20:8000. Empty: the request's host for
# pages, LOCAL_URL (below) for mails.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "").strip().rstrip("/")
if PUBLIC_URL and not PUBLIC_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"PUBLIC_URL must start with http:// or https://, got {PUBLIC_URL!r}"
    )
# Venue mode (`make venue`): this laptop serves phones on the venue's Wi-Fi over plain
# HTTP. Exactly its address on that network is let in (as a host, a CSRF origin and so a
# WebSocket origin) and is the default PUBLIC_URL; nothing else is opened up.
VENUE = envbool("VENUE", "false")
VENUE_ADDRESS = ""
if VENUE:
    from innovation_track.venue import detect_address

    VENUE_ADDRESS = os.environ.get("VENUE_ADDRESS", "").strip() or detect_address() or ""
    if not VENUE_ADDRESS:
        raise ImproperlyConfigured(
            "VENUE is on, but this computer has no address on a local network. Join the "
            "venue's Wi-Fi (or a phone's hotspot) and start again, or set VENUE_ADDRESS to "
            "this computer's address on that network."
        )
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]*", VENUE_ADDRESS):
        raise ImproperlyConfigured(
            f"VENUE_ADDRESS must be an IPv4 address or a host name, got {VENUE_ADDRESS!r}"
        )
    _venue_origin = f"http://{VENUE_ADDRESS}:{envint('PORT', '8000')}"
    if VENUE_ADDRESS not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(VENUE_ADDRESS)
    if _venue_origin not in CSRF_TRUSTED_ORIGINS:
        CSRF_TRUSTED_ORIGINS.append(_venue_origin)
    PUBLIC_URL = PUBLIC_URL or _venue_origin
# The base of links in mails when PUBLIC_URL is not set: the address `make run` serves on
# this computer (PORT, as the Makefile passes it). Links in mails come from configuration
# only, never from a request's Host header, which the person asking chooses.
LOCAL_URL = f"http://127.0.0.1:{envint('PORT', '8000')}"
# `make run` keeps the local facilitator's generated password here (owner-only).
LOCAL_FACILITATOR_PASSWORD_FILE = BASE_DIR / "var" / "local-facilitator-password"
# `manage.py purge_sessions` deletes sessions (with all their personal data) older than this.
SESSION_RETENTION_DAYS = envint("SESSION_RETENTION_DAYS", "90")
# Mail: the plans and follow-ups (game.followups, `manage.py send_followups`).
# EMAIL_URL as dj-email-url reads it, e.g. smtp://user:pass@host:587/?tls=True
# (submission://... is the same with STARTTLS, smtps:// with TLS from the start;
# ?timeout=N in seconds). Empty: mails are written as files into var/mail/, for
# `make run` and `make venue`, so they can be read there (local_welcome says so).
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
MAIL_FOLDER = BASE_DIR / "var" / "mail"
if EMAIL_URL:
    try:
        _email = dj_email_url.parse(EMAIL_URL)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid mail URL: {exc}") from None
    if not _email.get("EMAIL_BACKEND"):
        raise ImproperlyConfigured(f"EMAIL_URL has an unknown scheme: {EMAIL_URL.split(':')[0]!r}")
    if _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
        # file:///abs/folder; dj-email-url drops the leading slash of the path.
        _email["EMAIL_FILE_PATH"] = "/" + _email["EMAIL_FILE_PATH"].lstrip("/")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 20
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or str(MAIL_FOLDER)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(MAIL_FOLDER)
    EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Innovation on Track <kwartet@localhost>"
).strip()
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A session's plans go out right after it ends (and a plan the moment a player asks), in
# a thread of the process that served the request; the timer's run sends them otherwise.
FOLLOWUPS_SEND_AT_ONCE = True
# This process's name in /healthz and the logs; a stopping worker closes its sockets
# with 4012 and waits for moves in progress at most this long (game/realtime/shutdown.py).
WORKER_ID = os.environ.get("WORKER_ID", "").strip() or f"{socket.gethostname()}:{os.getpid()}"
SHUTDOWN_GRACE_SECONDS = envint("SHUTDOWN_GRACE_SECONDS", "10")

# Production hardening; each can be overridden for a plain-HTTP local install.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false" if DEBUG else "true")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", "false") else None
)
# A proxy or supervisor asks a worker's /healthz over plain HTTP: answer, don't redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Static files are served by WhiteNoise in every mode; with DEBUG on it reads
# straight from the app folders so no collectstatic is needed while developing.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Content-Security-Policy on every response (django-csp; innovation_track/csp.py adds
# ws:// and wss:// on the request's own host to connect-src for older Safari). No
# inline script or event handler anywhere; json_script data blocks are not run. Style
# attributes (a theme's colour, a bar's width) are allowed, <style> elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }
}
