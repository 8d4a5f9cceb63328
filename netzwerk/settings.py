"""One settings module for every environment, read from the environment (django-environ).

Nothing set: the embedded default (SQLite under var/, Celery tasks run in-process, mail to the
console), in production mode: DEBUG is off unless the environment sets DEBUG=true, as the start
command for development does (scripts/portal.py start). DATABASE_URL, REDIS_URL /
CELERY_BROKER_URL and EMAIL_URL switch to the real services. With DEBUG off the portal refuses to
start without SECRET_KEY and ALLOWED_HOSTS.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
_ENTWICKLUNG = "Zum Entwickeln: DEBUG=true setzen oder `python3 scripts/portal.py start` verwenden."

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-nur-fuer-die-entwicklung")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    if not env.str("SECRET_KEY", default=""):
        raise ImproperlyConfigured(
            "Produktionsbetrieb (DEBUG aus): bitte SECRET_KEY in der Umgebung setzen. "
            + _ENTWICKLUNG
        )
    if not env.list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured(
            "Produktionsbetrieb (DEBUG aus): bitte ALLOWED_HOSTS in der Umgebung setzen. "
            + _ENTWICKLUNG
        )
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
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
    "django.contrib.postgres",
    "simple_history",
    "django_filters",
    "django_prometheus",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "js_lib_bootstrap5",
    "js_lib_htmx",
    "netzwerk",
    "akteure",
    "foren",
    "konferenzen",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise, which answers static files itself (compressed at collectstatic); above
    # everything that writes the body. Text only, BREACH: see netzwerk/kompression.py.
    "netzwerk.kompression.TextGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "netzwerk.middleware.SpracheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "netzwerk.middleware.KoordinationMfaMiddleware",
    # PostgreSQL or Redis unreachable: a German 503 page (handler500 in netzwerk/urls.py too).
    "netzwerk.middleware.AusfallMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# /metrics for Prometheus (netzwerk/metriken.py): closed (404) until a token is set.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

ROOT_URLCONF = "netzwerk.urls"
WSGI_APPLICATION = "netzwerk.wsgi.application"

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
                "netzwerk.context_processors.portal",
            ],
        },
    },
    {
        # Plain-text e-mails: no HTML escaping ("Müller & Söhne" stays as it is).
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'netzwerk.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions make SQLite's writers queue instead of failing with "locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Choice fields iterate their querysets; a server-side cursor costs three round trips each.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker, cache and background work -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker every task runs in-process, so a newcomer needs nothing but Python.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Berlin"
# Celery closes the database connection around every task unless told to reuse it: with a new
# PostgreSQL connection per mail the outbox sent 81 mails/s, reusing it 130 (bench/outbox.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Redis hands a fetched but unacknowledged task to another worker after this long; the longest
# retry wait of the outbox (netzwerk.mail.MAIL_RETRY_BACKOFF_MAX) stays below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Seconds of the outbox's first retry wait after an SMTP error; each further one doubles it.
MAIL_RETRY_BACKOFF = env.int("MAIL_RETRY_BACKOFF", default=30)
# Mails one task of the outbox sends over one SMTP connection, claimed together (bench/outbox.py).
MAIL_BATCH = env.int("MAIL_BATCH", default=50)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "netzwerk.tasks.heartbeat", "schedule": 60.0},
    "angebote-erinnern": {"task": "akteure.tasks.remind_stale_angebote", "schedule": 86_400.0},
    "postausgang-nachfassen": {"task": "netzwerk.tasks.recover_mails", "schedule": 300.0},
    # Runs of invitations whose task was lost (konferenzen.einladungen.versande_recover).
    "versand-nachfassen": {"task": "konferenzen.tasks.recover_versande", "schedule": 300.0},
    "aufbewahrungsfristen": {"task": "netzwerk.tasks.apply_fristen", "schedule": 86_400.0},
    # Hourly, so a member's weekly digest goes out within the hour it falls due; the service
    # sends each member at most one a week.
    "foren-wochenuebersicht": {"task": "foren.tasks.send_digests", "schedule": 3_600.0},
    # Every 15 minutes: events that start within KONFERENZEN_ERINNERUNG_STUNDEN get their one
    # reminder to the confirmed participants.
    "veranstaltungen-erinnern": {"task": "konferenzen.tasks.send_reminders", "schedule": 900.0},
    # Daily: owners of measures without a progress note for KONZEPTE_NOTIZ_ERINNERUNG_TAGE.
    "massnahmen-erinnern": {"task": "netzwerk.tasks.remind_massnahmen", "schedule": 86_400.0},
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "netzwerk",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- E-mail ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Netzwerkportal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "netzwerk.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "netzwerk:dashboard"

ACCOUNT_ADAPTER = "netzwerk.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "netzwerk.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "netzwerk:home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Netzwerkportal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_SIGNUP_OPEN = env.bool("ACCOUNT_SIGNUP_OPEN", default=True)
# Reverse proxies in front of the portal that append to X-Forwarded-For (the TLS proxy: 1). Rate
# limits key on the client address: with 0 behind a proxy, every visitor would share one counter.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# allauth's rate limits, written out so nobody turns them off by accident. Wrong passwords do
# not consume "login_failed" (netzwerk.anmeldebremse slows them instead, see below); allauth's
# MFA forms still do, so it keeps guarding the TOTP step: keep it on.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}

# --- Anmeldebremse: failed logins slow down, nobody is locked out (netzwerk/anmeldebremse.py) ---
# Free failures per account e-mail, then the next check waits 2**(failures - FREI) seconds.
ANMELDEBREMSE_FREI = 3
# The same per client address, with room for an office behind one NAT address.
ANMELDEBREMSE_FREI_IP = 20
ANMELDEBREMSE_MAX_SEKUNDEN = 300
# Counters are forgotten this long after their last failure.
ANMELDEBREMSE_VERGESSEN_SEKUNDEN = 86_400
# A device that logged in to an account skips the address counters for it this long.
ANMELDEBREMSE_GERAET_TAGE = 365
# --- end Anmeldebremse ---

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Netzwerkportal")
# Coordinators hold everyone's contact data: they must use a second factor.
MFA_REQUIRED_FOR_KOORDINATION = env.bool("MFA_REQUIRED_FOR_KOORDINATION", default=True)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "de"
# Each language named in itself, as the switch in the header shows it. German is the default
# for every browser; English only by the switch's choice (netzwerk.middleware.SpracheMiddleware).
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "netzwerk.static_finder.PortalAppDirectoriesFinder",  # collects fewer vendor files
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploads and rendered PDFs go to an S3-compatible store when a bucket is named, so that several
# hosts share them; else to MEDIA_ROOT. Either way they are read back only through the portal's
# own views, after their rights checks: no page links to the bucket. Should a URL ever be made,
# it is signed and short-lived; objects get no ACL of their own (the bucket's, private).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
file_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if AWS_STORAGE_BUCKET_NAME:
    file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Unset: AWS itself, and boto3's own chain of credentials (environment, role).
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            # A second file of the same name gets a new name, as on disk; never replaces one.
            "file_overwrite": False,
            # A download is buffered while it streams out: in memory up to this, on disk above.
            "max_memory_size": 2_000_000,
        },
    }
# Production: collectstatic names every file by its content's hash and writes a .br (brotli is
# installed) and a .gz beside it; whitenoise sends the smaller one the browser accepts, a hashed
# name with "max-age=315360000, public, immutable", so a returning browser does not ask again
# (tests/test_static_cache.py, bench/uebertragung.py).
# Source maps only for the developer tools: compressing them took 40 % of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STORAGES = {
    "default": file_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers --------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Everything the portal shows comes from the portal itself (DSGVO): no CDN, font or tracker.
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
        "frame-ancestors": [NONE],
    }
}
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging: everything to stdout, for compose and the process manager ------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        # One JSON object per line, for a log collector (LOG_FORMAT=json).
        "json": {"()": "netzwerk.logformat.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env.str("LOG_FORMAT", default="plain") == "json" else "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step of every page at INFO: 60 lines for one report.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Akteure -----------------------------------------------------------------------------------
# An offer not confirmed by its owner for this long is marked stale, and its owner reminded.
ANGEBOT_STALE_AFTER_DAYS = env.int("ANGEBOT_STALE_AFTER_DAYS", default=365)
# The family guide (/wegweiser/) marks offers not confirmed for this long, and hides them after
# the second period.
WEGWEISER_MARKIEREN_TAGE = env.int("WEGWEISER_MARKIEREN_TAGE", default=ANGEBOT_STALE_AFTER_DAYS)
WEGWEISER_AUSBLENDEN_TAGE = env.int(
    "WEGWEISER_AUSBLENDEN_TAGE", default=2 * WEGWEISER_MARKIEREN_TAGE
)
# At most one reminder per offer in this period.
ANGEBOT_REMINDER_PERIOD_DAYS = env.int("ANGEBOT_REMINDER_PERIOD_DAYS", default=30)
# Open data (HSDS 3.0, akteure.hsds): requests per client address and minute, and the Land of
# every address (HSDS requires state_province).
HSDS_ANFRAGEN_PRO_MINUTE = env.int("HSDS_ANFRAGEN_PRO_MINUTE", default=120)
HSDS_BUNDESLAND = env.str("HSDS_BUNDESLAND", default="Nordrhein-Westfalen")
# The licence the town publishes the open data under (named in the feed and the package).
HSDS_LIZENZ = env.str("HSDS_LIZENZ", default="dl-de/by-2-0")
HSDS_LIZENZ_URL = env.str("HSDS_LIZENZ_URL", default="https://www.govdata.de/dl-de/by-2-0")
# Contact data of persons without activity for this long is flagged for review (DSGVO).
PERSON_RETENTION_DAYS = env.int("PERSON_RETENTION_DAYS", default=730)
# Retention periods (netzwerk.datenschutz.fristen, applied daily by netzwerk.tasks.apply_fristen,
# listed on the Datenschutz page): days after which the data named go.
FRIST_ANMELDUNG_TAGE = env.int("FRIST_ANMELDUNG_TAGE", default=730)  # after the event's end
FRIST_POSTAUSGANG_TAGE = env.int("FRIST_POSTAUSGANG_TAGE", default=30)
FRIST_IMPORT_TAGE = env.int("FRIST_IMPORT_TAGE", default=30)
FRIST_RUECKMELDUNG_TAGE = env.int("FRIST_RUECKMELDUNG_TAGE", default=365)
FRIST_VERWALTUNGSPROTOKOLL_TAGE = env.int("FRIST_VERWALTUNGSPROTOKOLL_TAGE", default=365)
SESSION_TAGE = env.int("SESSION_TAGE", default=14)
SESSION_COOKIE_AGE = SESSION_TAGE * 86_400
LOGO_MAX_BYTES = env.int("LOGO_MAX_BYTES", default=1_000_000)
IMPORT_ASYNC_ROWS = env.int("IMPORT_ASYNC_ROWS", default=300)

# --- Konferenzen --------------------------------------------------------------------------------
# Registrations lock the event's row. False only for the control test that shows the overbooking
# race without the lock (as pretix's debug switch); never in production.
KONFERENZEN_SPERRE = True
# Confirmed participants are reminded this many hours before the start (once).
KONFERENZEN_ERINNERUNG_STUNDEN = env.int("KONFERENZEN_ERINNERUNG_STUNDEN", default=24)
# Invitations are put into the outbox in chunks of this many, one transaction each; the progress
# bar moves per chunk.
KONFERENZEN_EINLADUNG_CHUNK = env.int("KONFERENZEN_EINLADUNG_CHUNK", default=200)

# --- Foren -------------------------------------------------------------------------------------
FOREN_DOKUMENT_MAX_BYTES = env.int("FOREN_DOKUMENT_MAX_BYTES", default=20_000_000)
# Public interest form: at most this many submissions per address and hour.
FOREN_INTERESSE_PRO_STUNDE = env.int("FOREN_INTERESSE_PRO_STUNDE", default=5)

# --- Konzepte ----------------------------------------------------------------------------------
# Owners of a measure (geplant, in Umsetzung) without a progress note for this many days are asked
# for one, at most once in this many days (netzwerk.konzepte.erinnerung).
KONZEPTE_NOTIZ_ERINNERUNG_TAGE = env.int("KONZEPTE_NOTIZ_ERINNERUNG_TAGE", default=90)

# --- Sozialmonitoring -------------------------------------------------------------------------
# A figure about fewer persons than this is suppressed on import and never shown (netzwerk.
# sozialmonitoring.importer): the statistics offices' usual rule against revealing individuals.
SOZIALMONITORING_MINDESTZAHL = env.int("SOZIALMONITORING_MINDESTZAHL", default=5)
# The earliest year an indicator value may have; the latest is the current year.
SOZIALMONITORING_ERSTES_JAHR = env.int("SOZIALMONITORING_ERSTES_JAHR", default=1990)

# --- The network this installation serves (Impressum, e-mails) -------------------------------
PORTAL_NAME = env.str("PORTAL_NAME", default="Netzwerkportal")
PORTAL_TRAEGER = env.str("PORTAL_TRAEGER", default="Stadt Musterstadt, Amt für Jugend und Soziales")
PORTAL_ADRESSE = env.str("PORTAL_ADRESSE", default="Markt 1, 12345 Musterstadt")
PORTAL_KONTAKT_EMAIL = env.str("PORTAL_KONTAKT_EMAIL", default="praevention@musterstadt.example")
PORTAL_KONTAKT_TELEFON = env.str("PORTAL_KONTAKT_TELEFON", default="01234 56789-0")
# Accessibility statement (BITV 2.0): when it was written, and where to turn for conciliation.
BARRIEREFREIHEIT_STAND = env.str("BARRIEREFREIHEIT_STAND", default="22.11.2026")
SCHLICHTUNGSSTELLE_NAME = env.str(
    "SCHLICHTUNGSSTELLE_NAME",
    default="Schlichtungsstelle nach dem Behindertengleichstellungsgesetz (BGG)",
)
SCHLICHTUNGSSTELLE_URL = env.str(
    "SCHLICHTUNGSSTELLE_URL", default="https://www.schlichtungsstelle-bgg.de"
)
