"""Hujin settings, read from the environment.

HUJIN_ENV        dev (default) or prod
DATABASE_URL     sqlite:////abs/path.sqlite3 or postgresql://user@host:port/db
                 (default: SQLite under ./var/, WAL mode, IMMEDIATE transactions)
SECRET_KEY       Django secret; in dev generated on first run and kept in ./var/secret_key
HUJIN_DATA_KEYS  personal-data encryption keys, "<id>:<base64 32 bytes>,..." (required in prod;
                 in dev generated in ./var/data_keys); see hujin.core.crypto
HUJIN_INDEX_KEY  base64 32-byte key for blind indexes (required in prod; dev: ./var/index_key)
HUJIN_TASKS_URL  task queue: unset = SQLite file under ./var/ (embedded),
                 redis://host:6379/0 when several machines share the work
HUJIN_TASKS_NAME the queue's name (default hujin)
HUJIN_VAR_DIR    where local state lives (default ./var)
HUJIN_EVENTS_MAX_ATTEMPTS  failed tries before an event delivery is parked (default 10)
HUJIN_SMS_SENDER, HUJIN_EMAIL_SENDER, HUJIN_IDENTITY_PROVIDER, HUJIN_PAYMENTS_CHANNEL
                 adapters (dotted paths; below); HUJIN_PAYMENTS_SANDBOX the sandbox's knobs (JSON);
HUJIN_PAYMENTS_CHANNEL_SECRETS  the channels' callback signing secrets (JSON; required in prod)
HUJIN_PAYMENTS_CONFIRM_FROM_MINOR  withdrawals and transfers from this many fen need a code
                 (default 500000: ¥5,000.00)
HUJIN_PAYMENTS_RECONCILIATION_GRACE_HOURS  a payment at the bank past a day's cut-off is in
                 flight, not a break, for this long (default 2)
HUJIN_NOTIFICATIONS_LANGUAGE  a customer's messages' language until they choose (default zh-hans)
HUJIN_WEALTH_SUITABILITY_POLICY  strict (default: nothing above the customer's risk level) or
                 confirm (above it after a special warning the customer confirms; never for C1)
HUJIN_WEALTH_REBALANCE_THRESHOLD  percentage points a fund holding may drift from the suggested
                 mix before rebalancing is suggested (default 5)
HUJIN_RISK_CASE_WORKING_DAYS  working days an AML case has to be concluded in (default 10)
HUJIN_RISK_ANOMALY_ALERTS_PER_DAY  the most alerts the anomaly model raises a day (default 50)
HUJIN_RISK_REPORTING_INSTITUTION  the institution on its reports to the authority, as JSON
                 {"code": ..., "name": ...}
"""

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HUJIN_VAR_DIR", "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

HUJIN_ENV = os.environ.get("HUJIN_ENV", "dev")
if HUJIN_ENV not in ("dev", "prod"):
    raise ImproperlyConfigured("HUJIN_ENV must be 'dev' or 'prod'")
PROD = HUJIN_ENV == "prod"

DEV_SECRET_FILE = VAR_DIR / "secret_key"


def _dev_secret() -> str:
    if not DEV_SECRET_FILE.exists():
        DEV_SECRET_FILE.write_text(secrets.token_urlsafe(50))
        DEV_SECRET_FILE.chmod(0o600)
    return DEV_SECRET_FILE.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or ("" if PROD else _dev_secret())
DEBUG = os.environ.get("DEBUG", "0" if PROD else "1") == "1"

if PROD:
    problems = []
    if not SECRET_KEY:
        problems.append("SECRET_KEY is not set")
    elif DEV_SECRET_FILE.exists() and DEV_SECRET_FILE.read_text().strip() == SECRET_KEY:
        problems.append("SECRET_KEY is the development secret")
    elif len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        problems.append("SECRET_KEY is too weak (at least 50 random characters)")
    if DEBUG:
        problems.append("DEBUG is on")
    if not os.environ.get("HUJIN_DATA_KEYS"):
        problems.append("HUJIN_DATA_KEYS (personal-data encryption key) is missing")
    if not os.environ.get("HUJIN_INDEX_KEY"):
        problems.append("HUJIN_INDEX_KEY (blind-index key) is missing")
    if problems:
        raise ImproperlyConfigured("refusing to start in prod: " + "; ".join(problems))

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h] or (
    [] if PROD else ["127.0.0.1", "localhost", "testserver"]
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",
    "hujin.core",
    "hujin.identity",
    "hujin.identity.mfa",
    "hujin.ledger",
    "hujin.suitability",
    "hujin.privacy",
    "hujin.customers",
    "hujin.notifications",
    "hujin.payments",
    "hujin.risk",
    "hujin.products",
    "hujin.wealth",
    "hujin.lending",
    "hujin.compliance",
    "hujin.web",
    "hujin.demo",
]

MIDDLEWARE = [
    # First: refuses malformed requests before anything reads them (a Content-Length that is not
    # a number, a body that is not JSON under the API), answers the API's errors in its error
    # shape and keeps tracebacks out of every response, whatever DEBUG says.
    "hujin.core.middleware.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hujin.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "hujin.web.middleware.BusinessTimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hujin.identity.middleware.UserSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Needs the user (the 404 page links home, to the console or the portal).
    "hujin.web.middleware.StyledNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hujin.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "hujin.config.urls"
WSGI_APPLICATION = "hujin.config.wsgi.application"

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
                "hujin.web.navigation.navigation",
            ],
        },
    }
]


# WAL with synchronous=NORMAL: a commit survives a crash of the process; the WAL is synced at each
# checkpoint. A checkpoint every 20,000 pages (80 MB of log) writes a page that many commits changed
# once, not once per 1,000 pages (the default): a ledger batch changes thousands of index pages.
# Pages stay at SQLite's 4 KB: 8 KB made a batch of 8,000 15% faster but a single transfer 30%
# slower.
SQLITE_INIT_COMMAND = (
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
    "PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536; "
    "PRAGMA wal_autocheckpoint=20000;"
)


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": SQLITE_INIT_COMMAND,
        }
        config["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
        # The hot paths' plain statements (hujin.core.sql) are prepared once per connection;
        # Django's own cursor binds on the client and never prepares. Django turns psycopg's
        # preparing off unless asked (docs/operations/setup.md: a pooler in transaction mode
        # needs PgBouncer 1.21 or newer with max_prepared_statements set).
        config.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)  # sslmode... kept
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'hujin.sqlite3'}"
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "identity:login"
# Passwords: argon2id (argon2-cffi) first; the others only verify old hashes (and upgrade them).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "hujin.identity.passwords.MobileNumberPasswordValidator"},
]
# Text messages (SMS codes): the dotted path of an hujin.identity.sms.SmsSender. The default keeps
# messages in the database for development (readable at /auth/dev/sms/); it refuses to run in prod.
HUJIN_SMS_SENDER = os.environ.get("HUJIN_SMS_SENDER", "hujin.identity.sms.DevSmsSender")
# Real-name checks: the dotted path of an hujin.customers.providers.IdentityProvider. The default
# sends every application to the compliance review queue.
HUJIN_IDENTITY_PROVIDER = os.environ.get(
    "HUJIN_IDENTITY_PROVIDER", "hujin.customers.providers.ManualReviewProvider"
)
# Customers' e-mails: the dotted path of a sender with send(*, to, subject, text, now). The default
# keeps mails in the database for development (the console's e-mail outbox); refused in prod.
HUJIN_EMAIL_SENDER = os.environ.get(
    "HUJIN_EMAIL_SENDER", "hujin.notifications.channels.DevEmailSender"
)
# Payment channel: the dotted path of the bank gateway's adapter (hujin.payments.channels). The
# default is the sandbox, a stand-in bank for development and the demo (hujin check warns in prod).
HUJIN_PAYMENTS_CHANNEL = os.environ.get(
    "HUJIN_PAYMENTS_CHANNEL", "hujin.payments.channels.sandbox.SandboxChannel"
)
# The sandbox's knobs, as JSON: {"verify_decline_share": 0.2} declines a fifth of card checks,
# {"code": "123456"} makes every code that one (hujin.payments.channels.sandbox).
HUJIN_PAYMENTS_SANDBOX = json.loads(os.environ.get("HUJIN_PAYMENTS_SANDBOX", "") or "{}")
# The secrets the channels sign their callbacks with, as JSON: {"sandbox": "..."}; in development
# a missing one is generated into the var dir (hujin.payments.signing).
HUJIN_PAYMENTS_CHANNEL_SECRETS = json.loads(
    os.environ.get("HUJIN_PAYMENTS_CHANNEL_SECRETS", "") or "{}"
)
# Withdrawals and transfers of this many fen or more need the customer's one-time code (texted,
# bound to the payment, or from their authenticator app): docs/modules/payments.md.
HUJIN_PAYMENTS_CONFIRM_FROM_MINOR = int(
    os.environ.get("HUJIN_PAYMENTS_CONFIRM_FROM_MINOR", "") or 5_000_00
)
# How long after a business day's cut-off a payment still at the bank is "in flight", not a
# reconciliation break (hours): docs/modules/payments.md "Reconciliation".
HUJIN_PAYMENTS_RECONCILIATION_GRACE_HOURS = float(
    os.environ.get("HUJIN_PAYMENTS_RECONCILIATION_GRACE_HOURS", "") or 2
)
# The language of a customer's messages until they choose one (en or zh-hans).
HUJIN_NOTIFICATIONS_LANGUAGE = os.environ.get("HUJIN_NOTIFICATIONS_LANGUAGE", "zh-hans")
# Buying a product above one's risk level: "strict" refuses it, "confirm" allows it after a
# special warning the customer confirms (never for C1): docs/modules/wealth.md.
HUJIN_WEALTH_SUITABILITY_POLICY = os.environ.get("HUJIN_WEALTH_SUITABILITY_POLICY", "strict")
# Percentage points a fund holding may drift from the suggested mix before the advice page
# suggests moves back to it (docs/modules/wealth.md, "Rebalancing").
HUJIN_WEALTH_REBALANCE_THRESHOLD = os.environ.get("HUJIN_WEALTH_REBALANCE_THRESHOLD", "5")
# The working days an AML case has to be concluded in: the institution's own policy
# (docs/modules/risk-cases.md).
HUJIN_RISK_CASE_WORKING_DAYS = int(os.environ.get("HUJIN_RISK_CASE_WORKING_DAYS", "10"))
# The most alerts the anomaly model raises for one business date, the highest scores first
# (docs/modules/risk-anomaly.md).
HUJIN_RISK_ANOMALY_ALERTS_PER_DAY = int(os.environ.get("HUJIN_RISK_ANOMALY_ALERTS_PER_DAY", "50"))
# The reporting institution ({"code", "name"}) on suspicious-transaction and large-value reports
# (docs/modules/risk-reports.md); a development placeholder until it is set.
HUJIN_RISK_REPORTING_INSTITUTION = json.loads(
    os.environ.get("HUJIN_RISK_REPORTING_INSTITUTION")
    or '{"code": "HUJIN-DEV", "name": "Hujin development institution"}'
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("简体中文"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
HUJIN_BUSINESS_TIME_ZONE = os.environ.get("HUJIN_BUSINESS_TIME_ZONE", "Asia/Shanghai")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Request bodies: the API refuses anything larger with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
# Where the JSON API lives (config/urls.py): its errors are JSON, its bodies JSON only.
HUJIN_API_PREFIX = "/api/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PROD:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Background work: huey (docs/architecture/background-work.md). Embedded default keeps the queue
# in a SQLite file under ./var/ and `hujin serve` runs the workers in-process;
# HUJIN_TASKS_URL=redis://... shares it between machines, each running `hujin run_huey`.
# HUJIN_TASKS_IMMEDIATE=1 runs every task at once in the calling process (no queue, no workers).
HUJIN_TASKS_URL = os.environ.get("HUJIN_TASKS_URL", "")
HUJIN_TASKS_NAME = os.environ.get("HUJIN_TASKS_NAME", "hujin")  # the queue's name in Redis
_HUEY_CONSUMER = {
    "workers": int(os.environ.get("HUJIN_TASKS_WORKERS", "2")),
    "worker_type": "thread",
    "periodic": True,
}
if HUJIN_TASKS_URL.startswith("redis"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": HUJIN_TASKS_NAME,
        "url": HUJIN_TASKS_URL,
        "immediate": False,
        "consumer": _HUEY_CONSUMER,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": HUJIN_TASKS_NAME,
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": os.environ.get("HUJIN_TASKS_IMMEDIATE", "0") == "1",
        "consumer": _HUEY_CONSUMER,
    }
# When the scheduled close of business runs: five crontab fields (minute hour day month weekday)
# read in HUJIN_BUSINESS_TIME_ZONE; it closes every business date before today.
# See docs/operations/cob.md.
HUJIN_COB_CRONTAB = os.environ.get("HUJIN_COB_CRONTAB", "5 0 * * *")
# A domain-event delivery that fails this many times is parked until a person retries or discards
# it on the console's event-deliveries page. See docs/architecture/background-work.md.
HUJIN_EVENTS_MAX_ATTEMPTS = int(os.environ.get("HUJIN_EVENTS_MAX_ATTEMPTS", "10"))

# No query string is ever logged (hujin.core.logs): the access log of `hujin serve` (Django's
# format, on stderr) and django.request's lines show "/path?…". Under gunicorn, log the path
# without the query too (--access-logformat with %(U)s, not %(r)s or %(q)s).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_strings": {"()": "hujin.core.logs.QueryStringFilter"}},
    "formatters": {
        "access": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "access": {"class": "logging.StreamHandler", "formatter": "access"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "huey": {"level": "WARNING"},
        "django.server": {
            "handlers": ["access"],
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query_strings"],
        },
        "django.request": {"filters": ["no_query_strings"]},
    },
}
