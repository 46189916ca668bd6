"""SCORE Portal settings: one module, every deployment-specific value from the environment.

See https://django-environ.readthedocs.io/ for the variable formats (DATABASE_URL, EMAIL_URL, ...).
"""

import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; production must set one.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "score_portal.views.csrf_failure"  # the portal's page, not Django's bare one

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "bootstrap",  # django-bootstrap-static: Bootstrap's CSS and JS served from our own static files
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "simple_history",
    "modeltrans",  # django-modeltrans: a record's text in other languages, one JSON field (core/translated.py)
    "django_celery_beat",
    "csp",
    "axes",  # django-axes: login throttling (see "Login throttling" below)
    # ours, from the bottom of the stack to the top
    "core",
    "programmes",
    "trainers",
    "enterprises",
    "newsletters",
    "newsletters.mailing",
    "people",
    "score_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "score_portal.middleware.CountryTimeZoneMiddleware",  # times and "today" in the user's country's zone
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",  # a 405 in the portal's shell, not an empty body
    # Last: turns a refused login (too many failures) into the lockout page, on the portal's and the admin's login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "score_portal.urls"

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
                "score_portal.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "score_portal.wsgi.application"

# --- Cache ----------------------------------------------------------------------------------
# CACHE_URL, e.g. redis://127.0.0.1:6379/1. The programme figures are kept there until the data under them
# changes (core/datacache.py), so every server process and Celery worker must share it: a Redis URL in
# production (``check --deploy`` warns otherwise). Unset: each process's own memory (one process: runserver).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
CACHES["default"].setdefault("KEY_PREFIX", "score")

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/score_portal. Unset: a SQLite file.
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'score_portal.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles a query it estimates as costly (a list sorted by a count per row, the figures'
    # aggregates) for longer than the query then runs: seconds on a busy machine for a query of a few hundred
    # milliseconds. The portal's queries are short and many, so it is off for its connections.
    # The figures group and count distinct over every participation and KPI line counted: PostgreSQL's default
    # 4 MB of memory per sort spills those sorts to disk from 100,000 rows on (DATABASE_WORK_MEM sets it).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    work_mem = env.str("DATABASE_WORK_MEM", default="32MB")
    options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off", f"-c work_mem={work_mem}"]))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The quick start's embedded database, set up for a web server as Django 5.1+ allows: write-ahead logging
    # (readers never wait for the writer), a busy timeout (a second writer waits instead of failing with
    # "database is locked"), and IMMEDIATE transactions (a transaction takes the write lock when it begins, so two
    # requests that read then write cannot both read and then deadlock on the upgrade). Two clicks at once queue.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-notes
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("timeout", env.int("SQLITE_BUSY_TIMEOUT", default=20))
    options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    # The tests' database is a file like the quick start's, not Django's default in-memory one: a shared in-memory
    # database locks whole tables between connections ("database table is locked", which no busy timeout waits
    # out), so concurrent requests would be tested on a database unlike the one the portal serves from.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(VAR_DIR / "test_score_portal.sqlite3"))
    for _file in (DATABASES["default"]["NAME"], DATABASES["default"]["TEST"]["NAME"]):
        Path(_file).parent.mkdir(parents=True, exist_ok=True)  # SQLite makes no directory (var/ on a fresh clone)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Axes' backend first: it refuses a locked-out username or address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "people.lockouts.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Login throttling: django-axes, https://django-axes.readthedocs.io/ (docs/lockouts.md) ------
# After 10 failed logins for one username, or 30 from one address (whatever the usernames), further logins are
# refused for 15 minutes, even with the right password: 429 and the portal's page that says so. Officers see and
# lift lockouts at /accounts/lockouts/. The per-address limit is ours (people.lockouts.PortalLockoutHandler).
AXES_HANDLER = "people.lockouts.PortalLockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_FAILURE_LIMIT_PER_ADDRESS = env.int("AXES_FAILURE_LIMIT_PER_ADDRESS", default=30)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # 15 minutes from the lockout, not from the last try
AXES_RESET_ON_SUCCESS = True  # a successful login forgets the username's failures
AXES_LOCKOUT_CALLABLE = "people.lockouts.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client's address (people.lockouts.client_address): REMOTE_ADDR, unless the portal runs behind this many
# proxies, each appending the address it got the request from to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for): then the entry that many from the right, the one the outermost proxy saw. Set it to
# the number of proxies you run, never more; with 0 the header, which anyone can send, is not read at all.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "people.lockouts.client_address"
# Password-reset e-mails: at most this many to one address in an hour (people.services.password_reset_allowed).
PASSWORD_RESET_EMAILS_PER_HOUR = env.int("PASSWORD_RESET_EMAILS_PER_HOUR", default=3)

# An invitation's link (and a password reset's) works once, for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Languages: the portal speaks English, Chinese and Vietnamese ---------------------------
# The interface languages (README, "Adding an interface language"): the switcher names each in its own language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese")), ("vi", _("Vietnamese"))]
# The languages a newsletter is printed and mailed in are data: its country programme's content languages
# (newsletters.selectors.edition_languages). An interface language is not a newsletter edition.
# A record's text in other languages than LANGUAGE_CODE is kept by django-modeltrans in its `i18n` JSON field, under
# any language tag a country programme writes in (core/translated.py reads and writes it by key, with no list). This
# list only names the virtual fields modeltrans adds for querying (`title_vi`, `title_i18n`); adding a language to it
# adds no column and no migration.
MODELTRANS_AVAILABLE_LANGUAGES = [code for code, _name in LANGUAGES]
MODELTRANS_ADD_FIELD_HELP_TEXT = False
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["score_portal.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# --- E-mail: https://docs.djangoproject.com/en/5.2/topics/email/ ----------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587. Unset: printed to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SCORE Portal <score-portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The newsletter's e-mail edition (docs/newsletter.md, "The e-mail edition") ----------------------
# PORTAL_URL: the portal as readers reach it; the e-mails' links and images are absolute addresses on it.
PORTAL_URL = env.str("PORTAL_URL", default="http://localhost:8000")
MAILING_FROM_EMAIL = env.str("MAILING_FROM_EMAIL", default=DEFAULT_FROM_EMAIL)
# A confirmation link works this many seconds (signed with a timestamp, django.core.signing).
MAILING_CONFIRM_MAX_AGE = env.int("MAILING_CONFIRM_MAX_AGE", default=7 * 24 * 3600)
# A second subscribe request sends no second confirmation within this many seconds.
MAILING_CONFIRM_RESEND_AFTER = env.int("MAILING_CONFIRM_RESEND_AFTER", default=15 * 60)
# Subscribe requests allowed from one client address per hour.
MAILING_SUBSCRIBE_LIMIT = env.int("MAILING_SUBSCRIBE_LIMIT", default=20)
# Sending: messages per second (0: as fast as the server takes them) and messages per task run.
MAILING_RATE = env.float("MAILING_RATE", default=20.0)
MAILING_BATCH_SIZE = env.int("MAILING_BATCH_SIZE", default=200)
# Tasks that send one edition at once (each on a worker; they share MAILING_RATE). Several need PostgreSQL.
MAILING_SENDERS = env.int("MAILING_SENDERS", default=1)
# Bounces and complaints: Postmark's tracking webhook through django-anymail (https://anymail.dev/en/stable/esps/postmark/),
# at /newsletter/webhooks/postmark/ with HTTP basic auth "user:password" (absent without a secret).
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="score:dev-only-webhook-secret" if DEBUG else ""),
}

# --- Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html ----------------
# CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0. Unset: tasks run eagerly in-process, so the
# quick start needs no Redis; set, any number of workers share the broker, database and media.
CELERY_TASK_ALWAYS_EAGER = not env.str("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
# The queue tasks are sent to (and a worker started without -Q consumes).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
# The longest a task's retry waits (newsletters.tasks.issue_render: 5, 10, 20 s ..., at most this).
CELERY_TASK_RETRY_MAX_DELAY = 60
# Redis hands a message that a worker took but never acknowledged (acks late: the worker died) to another worker
# after the visibility timeout (https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout).
# A live worker holds a message at most the longest retry delay (a retry waits in the worker) plus the hard time
# limit (then it is killed), so the timeout is that plus a minute: a live worker's message is never handed out
# twice, and a lost worker's comes back in minutes instead of an hour. Lost renders are also queued again sooner by
# beat (newsletters.tasks.issue_renders_recover, every minute; docs/integrity.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_RETRY_MAX_DELAY + CELERY_TASK_TIME_LIMIT + 60}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Newsletter rendering: recovery of a lost worker's render (docs/integrity.md) ---------------
# An issue still 'rendering' this many seconds after the hard time limit has lost its worker (a live render holds
# the row and is killed at the limit): the issue page offers "Retry rendering" and beat queues it again
# within a minute. With the defaults (180 + 30 s, beat every 60 s) no issue stays 'rendering' five minutes.
NEWSLETTER_RENDER_STALE_MARGIN = env.int("NEWSLETTER_RENDER_STALE_MARGIN", default=30)
# A render whose worker is lost this many times in a row (say, killed for its memory) is marked failed instead.
NEWSLETTER_RENDER_MAX_RECOVERIES = env.int("NEWSLETTER_RENDER_MAX_RECOVERIES", default=3)
# For tests only: seconds each render waits while it holds the issue, so that a test can kill its worker mid-render.
NEWSLETTER_RENDER_DELAY = env.float("NEWSLETTER_RENDER_DELAY", default=0.0)

# --- Forms and tables -----------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/portal.html"  # rows written in Python (core/templatetags/portal_tables.py)


# --- Content-Security-Policy (django-csp, https://django-csp.readthedocs.io/) ---------------
# Every script and style comes from the portal's own static files: no inline <script>, no style="" or
# <style>, no 'unsafe-inline' (the newsletter's HTML for WeasyPrint keeps its <style>; its web edition drops it).
# data: images are Bootstrap's icons (the select arrow, the menu button) drawn in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],  # as X-Frame-Options: DENY
    }
}

# --- Production hardening: https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/ ------
# `DEBUG=0 SECRET_KEY=... ALLOWED_HOSTS=... python manage.py check --deploy` leaves only the HSTS subdomain and
# preload choices (security.W005, W021): they bind every subdomain and the browsers' list, so they are the operator's.
# Every value can be changed from the environment; the defaults are the safe ones (docs: README, production).
if not DEBUG:
    # Cookies only over HTTPS.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (https://docs.djangoproject.com/en/5.2/ref/settings/#secure-proxy-ssl-header).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # HSTS: an hour to start with; raise it (a year: 31536000) once HTTPS works everywhere.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env.str("SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own default config gives the "django" logger a console handler of its own, and the record then
    # propagates to the root's: every line twice. Naming the logger here drops its handlers; the root prints it once.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}
