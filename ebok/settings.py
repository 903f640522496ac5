"""e-BOK settings, read from the environment (django-environ).

Without any environment the project runs on the embedded default: SQLite, tasks run eagerly,
e-mail printed to the console. See README.md for the variables.
"""

import os
import re
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue
from stdnum.pl import nip as stdnum_nip

from ebok.object_storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")


def _strict_bool(name, default):
    """A boolean that fails start-up on anything but a clear yes/no."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise environ.ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


DEBUG = _strict_bool("DEBUG", True)
SECRET_KEY = env.str("SECRET_KEY", default="" if not DEBUG else "dev-insecure-only-for-make-run")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY is required when DEBUG is false")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "audit.admin_site.AuditedAdminConfig",  # django.contrib.admin, every admin audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.usersessions",
    "allauth.mfa",
    "csp",
    "accounts",
    "messaging",
    "billing",
    "meters",
    "faults",
    "resolutions",
    "audit",
    "accessibility",
    "privacy",
    "ebok",
    "demo",  # the seed_demo command and its data; no app imports it
]

MIDDLEWARE = [
    # The load balancer's and the scraper's addresses, before any host check or redirect.
    "ebok.probes.ProbesMiddleware",
    "ebok.request_context.RequestIdMiddleware",
    "ebok.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ebok.middleware.SlidingSessionMiddleware",
    "ebok.middleware.PageMethodsMiddleware",
    "ebok.middleware.PolishUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ebok.middleware.AbsoluteSessionLifetimeMiddleware",
    "ebok.middleware.UntrustedProxyWarningMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    "accounts.mfa.StaffMFARequiredMiddleware",
    "ebok.middleware.PrivatePagesNoStoreMiddleware",
]

ROOT_URLCONF = "ebok.urls"
WSGI_APPLICATION = "ebok.wsgi.application"

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
                "django.template.context_processors.i18n",
                "ebok.context_processors.site",
                "ebok.context_processors.menu",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Connections are kept for a minute (a new PostgreSQL connection per request costs more than
# most pages) and checked before reuse, so a restarted database costs no failed request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several requests at once (runserver's threads): WAL lets
    # reads go on during a write, and a write transaction takes the write lock when it begins
    # (IMMEDIATE) and waits for it up to `timeout` seconds, instead of failing with "database
    # is locked" when two transactions that read first both try to write.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis, because it can treat a Redis outage as a cache miss: sessions fall back to
    # the database (cached_db) and pages keep working while Redis restarts.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# allauth: logins are issued by BOK, never self-made; the login is the user name.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
# No mail to addresses that have no login: there is no sign-up to point them to.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_FORMS = {"reset_password": "accounts.forms.VerifiedEmailResetPasswordForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "login": "30/m/ip",
    "accessibility_request": "5/h/ip",
    # Each sends a link to an address nobody has proven yet.
    "profile_email": "3/h/user,10/d/user",
    # What a resident sends (and what mails staff or the duty line): enough for any real need,
    # too few to flood anyone. A refusal says to try later (or to call, for an emergency).
    "fault_report": "5/h/user,20/d/user",
    "fault_comment": "30/h/user",
    "message_send": "20/h/user,60/d/user",
    "reading_submit": "30/h/user",
}
# Client IP: only from a proxy we were told about, never blindly from X-Forwarded-For. In
# production TRUSTED_PROXY_COUNT must be said (0: clients connect directly); behind a proxy left
# unsaid every client would share the proxy's IP in rate limits (check --deploy and a log error).
TRUSTED_PROXY_COUNT_SET = "TRUSTED_PROXY_COUNT" in env.ENVIRON
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default=None)
# Password reset links work for an hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_SECONDS", default=60 * 60)
# Activity tracking writes to the database on every request (five queries); the session's own
# idle timeout already ends inactive sessions.
USERSESSIONS_TRACK_ACTIVITY = False
# Two-factor login: an authenticator app (TOTP) with recovery codes; required for staff
# (accounts.mfa.StaffMFARequiredMiddleware), offered to residents.
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "e-BOK"
MFA_TOTP_TOLERANCE = 1  # one 30 s step either side: phones' clocks drift

# Sessions are read from the cache (Redis in production) and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# The age above is an idle timeout: ebok.middleware.SlidingSessionMiddleware pushes it back,
# writing the session at most once a minute rather than on every request.
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Besides the idle timeout, a session ends this long after its login however active it is
# (ebok.middleware.AbsoluteSessionLifetimeMiddleware).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Credentials issued by BOK
ACTIVATION_LINK_HOURS = env.int("ACTIVATION_LINK_HOURS", default=72)

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files are private: kept outside any served path, handed out by views that check access.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "private")
# Several web nodes and workers share one object store (S3, MinIO, Ceph) when STORAGE_S3_BUCKET
# is set (ebok/object_storage.py); without it files stay on local disk.
if (_s3_storage := s3_storage(env)) is not None:
    STORAGES["default"] = _s3_storage
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="e-BOK <ebok@zbm.example.pl>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without REDIS_URL tasks run eagerly in the web process (make run only).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# With Redis down, a request that queues a task gives up after about a second; the row it
# committed waits for the sweepers (every enqueue is a robust on_commit).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
# Queues by urgency (docs/operations.md, "Queues and workers"). A worker started without -Q
# consumes all four; production gives `urgent` a worker of its own. Every task is routed here
# by name (tests/architecture/test_tasks.py); Celery's own tasks go to the default queue.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name) for name in ("urgent", "default", "pdf", "bulk")
]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    name: {"queue": queue}
    for queue, names in {
        # The mail a person is waiting for, and the sweepers that send it again when lost.
        "urgent": [
            "faults.duty_email_send",
            "faults.duty_emails_sweep",
            "accounts.security_notice_send",
            "accounts.security_notices_sweep",
            "accounts.activation_email_send",
            "accounts.activation_emails_sweep",
            "accounts.email_change_link_send",
            "accounts.email_change_links_sweep",
            # beat's heartbeat: tiny, and every worker of docker-compose.yml takes urgent
            "ebok.heartbeat_record",
        ],
        "default": [
            "messaging.notification_email_send",
            "accessibility.request_email_send",
            "accessibility.statement_review_remind",
            "billing.coming_month_charge_run_start",
            "billing.charge_run_execute",
            "billing.statement_import_run",
            # a water settlement job of one run, building or community, and their sweeper
            "billing.water_job_run",
            "billing.water_jobs_sweep",
            "resolutions.ended_resolutions_close",
            "meters.pending_photos_sweep",
            "ebok.pending_uploads_sweep",
        ],
        # Every PDF render.
        "pdf": [
            "billing.invoice_pdf_render",
            "billing.certificate_pdf_render",
            "billing.statement_pdf_render",
            "billing.water_settlement_pdf_render",
            "billing.water_settlement_pdfs_render_run",
            "resolutions.resolution_documents_render",
        ],
        # Many rows at once: notices to everyone, exports, KSeF rounds, reminders, and the
        # sweepers that fan out.
        "bulk": [
            "billing.water_job_run_bulk",  # a water settlement job of every building
            "messaging.notice_deliver",
            "messaging.notice_emails_enqueue",
            "messaging.notice_emails_send",
            "messaging.notices_sweep",
            "messaging.notification_emails_sweep",
            "accessibility.request_emails_sweep",
            "privacy.data_export_build",
            "privacy.data_exports_sweep",
            "billing.invoices_issue_for_run",
            "billing.invoices_ksef_send",
            "billing.invoices_ksef_sweep",
            "billing.charges_posted_notify",
            "billing.billing_notices_send",
            "meters.reading_reminders_send",
            "billing.charge_runs_sweep",
            "billing.statement_imports_sweep",
            "billing.invoice_pdfs_sweep",
            "billing.certificate_pdfs_sweep",
            "billing.statement_pdfs_sweep",
            "billing.water_settlement_pdfs_sweep",
            "resolutions.resolution_documents_sweep",
        ],
    }.items()
    for name in names
}
if REDIS_URL:
    # One beat at a time: RedBeat keeps the schedule in Redis and holds a lock there, so a
    # second beat (a rolling deploy, a duplicate service) waits for it instead of running
    # every entry twice. The lock lives 30 s unless extended; beat extends it every tick (at
    # most 5 s apart) and a waiting beat tries for it every 5 s.
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_BEAT_MAX_LOOP_INTERVAL = 5
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_REDIS_OPTIONS = {}  # not the broker's transport options
    CELERY_REDBEAT_LOCK_TIMEOUT = 30
# The day of the month on which beat starts the charge run for the next month (at 02:00).
BILLING_RUN_DAY = env.int("BILLING_RUN_DAY", default=20)
if not 1 <= BILLING_RUN_DAY <= 28:
    raise environ.ImproperlyConfigured("BILLING_RUN_DAY must be between 1 and 28")
# Every periodic schedule, in one place.
CELERY_BEAT_SCHEDULE = {
    "billing-start-coming-month-charge-run": {
        "task": "billing.coming_month_charge_run_start",
        "schedule": crontab(day_of_month=BILLING_RUN_DAY, hour=2, minute=0),
    },
    "billing-send-notices": {  # posted-charges catch-up and due-date reminders
        "task": "billing.billing_notices_send",
        "schedule": crontab(hour=8, minute=0),
    },
    "billing-sweep-charge-runs": {
        "task": "billing.charge_runs_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "billing-sweep-invoice-pdfs": {
        "task": "billing.invoice_pdfs_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "billing-sweep-ksef": {  # invoices a lost queue forgot, offline ones once KSeF is back
        "task": "billing.invoices_ksef_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "billing-sweep-water-settlement-pdfs": {
        "task": "billing.water_settlement_pdfs_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "billing-sweep-water-jobs": {  # jobs whose worker stopped, jobs left waiting
        "task": "billing.water_jobs_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "billing-sweep-statement-imports": {
        "task": "billing.statement_imports_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "accounts-sweep-unsent-activation-emails": {
        "task": "accounts.activation_emails_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "accounts-sweep-unsent-security-notices": {
        "task": "accounts.security_notices_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "accounts-sweep-unsent-email-change-links": {
        "task": "accounts.email_change_links_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "resolutions-sweep-documents": {  # protocols and letters whose task was lost
        "task": "resolutions.resolution_documents_sweep",
        "schedule": crontab(minute="*/10"),
    },
    "ebok-sweep-pending-uploads": {  # files kept across a form's error, never sent again
        "task": "ebok.pending_uploads_sweep",
        "schedule": crontab(minute=23),
    },
    "meters-sweep-pending-photos": {  # photos of readings never confirmed
        "task": "meters.pending_photos_sweep",
        "schedule": crontab(minute=17),
    },
    "meters-send-reading-reminders": {
        "task": "meters.reading_reminders_send",
        "schedule": crontab(hour=9, minute=0),
    },
    "faults-sweep-unsent-duty-emails": {
        "task": "faults.duty_emails_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "messaging-sweep-unsent-emails": {
        "task": "messaging.notification_emails_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "resolutions-close-ended-votes": {  # closes the votes whose window has ended
        "task": "resolutions.ended_resolutions_close",
        "schedule": crontab(minute="*/5"),
    },
    "messaging-publish-due-notices": {  # scheduled notices, and stuck notice e-mails
        "task": "messaging.notices_sweep",
        "schedule": crontab(minute="*"),
    },
    "accessibility-remind-statement-review": {  # once a year from 1 March, until reviewed
        "task": "accessibility.statement_review_remind",
        "schedule": crontab(hour=8, minute=30),
    },
    "accessibility-sweep-request-emails": {
        "task": "accessibility.request_emails_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "billing-sweep-certificate-pdfs": {
        "task": "billing.certificate_pdfs_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "billing-sweep-statement-pdfs": {  # stuck statements again; ones over 2 days deleted
        "task": "billing.statement_pdfs_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "privacy-sweep-data-exports": {  # stuck exports again; expired ones deleted
        "task": "privacy.data_exports_sweep",
        "schedule": crontab(minute="*/10"),
    },
    "ebok-heartbeat": {  # beat's heartbeat, and proof its tasks reach a worker (admin warning)
        "task": "ebok.heartbeat_record",
        "schedule": 60.0,
        "options": {"expires": 120},  # a heartbeat nobody ran in time is dropped, not queued
    },
}

# The manager, shown on letters and in the footer.
MANAGER_NAME = env.str("MANAGER_NAME", default="Zakład Budynków Miejskich w Cieszynie")
MANAGER_ADDRESS = env.str("MANAGER_ADDRESS", default="ul. Przykładowa 1, 43-400 Cieszyn")
MANAGER_PHONE = env.str("MANAGER_PHONE", default="33 000 00 00")
MANAGER_EMAIL = env.str("MANAGER_EMAIL", default="bok@zbm.example.pl")
# The manager's NIP: the recipient's tax id in transfer QR codes (banking apps validate it).
MANAGER_NIP = stdnum_nip.compact(env.str("MANAGER_NIP", default="5482000017"))
if not stdnum_nip.is_valid(MANAGER_NIP):
    raise environ.ImproperlyConfigured(f"MANAGER_NIP is not a valid NIP: {MANAGER_NIP!r}")
# Virtual accounts of the municipal stock: 8-digit sort code + 6-digit payee code.
MUNICIPAL_VIRTUAL_PREFIX = env.str("MUNICIPAL_VIRTUAL_PREFIX", default="10500099760300")
# The manager's own bank accounts (NRB) that statements come from. Empty: any statement not
# of a housing community is the municipality's. Listed: a statement of any other account is
# refused (billing/bank/creditors.py).
MUNICIPAL_BANK_ACCOUNTS = env.list("MUNICIPAL_BANK_ACCOUNTS", default=[])
# A statement line dated this many days before the import, or outside the statement's own
# period, waits for a clerk instead of being booked.
BANK_HOLD_OLDER_THAN_DAYS = env.int("BANK_HOLD_OLDER_THAN_DAYS", default=62)

# Billing: the default payment day (a contract may set its own), whether residents see an
# estimate of statutory interest for delay, and how many days before the due date to remind.
BILLING_DUE_DAY = env.int("BILLING_DUE_DAY", default=10)
BILLING_SHOW_INTEREST = _strict_bool("BILLING_SHOW_INTEREST", True)
BILLING_REMINDER_DAYS = env.int("BILLING_REMINDER_DAYS", default=3)
# The content of an account's money pages is cached this long under a key that every posting,
# register change, rate and new day moves (billing/account/page_cache.py); 0 turns it off.
BILLING_PAGE_CACHE_SECONDS = env.int("BILLING_PAGE_CACHE_SECONDS", default=600)
# Staff are warned on the admin's front page when the newest statutory interest rate is older
# than this: the NBP reference rate may have changed since.
BILLING_INTEREST_RATE_MAX_AGE_DAYS = env.int("BILLING_INTEREST_RATE_MAX_AGE_DAYS", default=183)

# Invoices of commercial leases: number series (FV/2026/11/0001; corrections FK/…), the
# seller's address printed on them (name and NIP are MANAGER_NAME and MANAGER_NIP, or the
# community's). The legal basis of an exemption comes from the fee component's VAT rule.
INVOICE_SERIES = env.str("INVOICE_SERIES", default="FV")
INVOICE_CORRECTION_SERIES = env.str("INVOICE_CORRECTION_SERIES", default="FK")
if INVOICE_SERIES == INVOICE_CORRECTION_SERIES:
    raise environ.ImproperlyConfigured("INVOICE_SERIES and INVOICE_CORRECTION_SERIES must differ")
INVOICE_SELLER_ADDRESS = env.str("INVOICE_SELLER_ADDRESS", default=MANAGER_ADDRESS)
# Centralised VAT (the municipality is the taxpayer, the manager a unit that issues its
# invoices): with VAT_MUNICIPALITY_NIP set, the manager's own invoices name the municipality as
# the seller (Podmiot1) and the manager in Podmiot3 with the role "JST – wystawca" (docs/ksef.md).
VAT_MUNICIPALITY_NIP = stdnum_nip.compact(env.str("VAT_MUNICIPALITY_NIP", default=""))
if VAT_MUNICIPALITY_NIP and not stdnum_nip.is_valid(VAT_MUNICIPALITY_NIP):
    raise environ.ImproperlyConfigured(
        f"VAT_MUNICIPALITY_NIP is not a valid NIP: {VAT_MUNICIPALITY_NIP!r}"
    )
VAT_MUNICIPALITY_NAME = env.str("VAT_MUNICIPALITY_NAME", default="")
VAT_MUNICIPALITY_ADDRESS = env.str("VAT_MUNICIPALITY_ADDRESS", default="")
if VAT_MUNICIPALITY_NIP and not (VAT_MUNICIPALITY_NAME and VAT_MUNICIPALITY_ADDRESS):
    raise environ.ImproperlyConfigured(
        "VAT_MUNICIPALITY_NAME and VAT_MUNICIPALITY_ADDRESS are required with VAT_MUNICIPALITY_NIP"
    )

# KSeF, the national e-invoicing system: every invoice is an FA(3) document sent there.
# KSEF_ENV: off (nothing is sent; invoices are marked so), test, demo or prod; each has its API
# and QR-code addresses (billing/ksef/environments.py). KSEF_API_URL overrides the API address
# (a local test peer). The token comes from the environment only, never the database or logs.
# KSEF_OFFLINE_CERT/KEY: the KSeF offline certificate (PEM) that signs KOD II when an invoice
# is issued while KSeF cannot be reached.
KSEF_ENV = env.str("KSEF_ENV", default="off")
if KSEF_ENV not in ("off", "test", "demo", "prod"):
    raise environ.ImproperlyConfigured("KSEF_ENV must be off, test, demo or prod")
KSEF_API_URL = env.str("KSEF_API_URL", default="")
KSEF_NIP = stdnum_nip.compact(env.str("KSEF_NIP", default=MANAGER_NIP))
KSEF_TOKEN = env.str("KSEF_TOKEN", default="")
if KSEF_ENV != "off" and not KSEF_TOKEN:
    raise environ.ImproperlyConfigured("KSEF_TOKEN is required when KSEF_ENV is not off")
KSEF_TIMEOUT = env.float("KSEF_TIMEOUT", default=30.0)


def _ksef_seller_tokens(environment) -> dict[str, str]:
    """Tokens for the communities that let the manager issue their invoices in KSeF, by the
    community's NIP (its KSeF context): KSEF_TOKEN_<NIP>=token, or KSEF_TOKEN_<NIP>_FILE=path
    of a file a secret store mounts. Never in the database; the value is never printed."""
    tokens = {}
    for name, value in environment.items():
        match = re.fullmatch(r"KSEF_TOKEN_(\d{10})(_FILE)?", name)
        if not match or not value:
            continue
        nip = match.group(1)
        if not stdnum_nip.is_valid(nip):
            raise environ.ImproperlyConfigured(f"{name}: {nip} is not a valid NIP")
        token = Path(value).read_text().strip() if match.group(2) else value.strip()
        if token:
            tokens[nip] = token
    return tokens


KSEF_SELLER_TOKENS = _ksef_seller_tokens(os.environ)
KSEF_OFFLINE_CERT = env.str("KSEF_OFFLINE_CERT", default="")
KSEF_OFFLINE_KEY = env.str("KSEF_OFFLINE_KEY", default="")
KSEF_OFFLINE_KEY_PASSWORD = env.str("KSEF_OFFLINE_KEY_PASSWORD", default="")
KSEF_MAX_ATTEMPTS = env.int("KSEF_MAX_ATTEMPTS", default=8)

# Meters: remind residents this many days before a reading window closes; a reading asks for
# confirmation above UNUSUAL_FACTOR × the meter's usual daily use, or at TYPO_FACTOR × the
# previous reading; photos are capped in bytes and pixels.
METERS_REMINDER_DAYS = env.int("METERS_REMINDER_DAYS", default=3)
METERS_UNUSUAL_FACTOR = env.int("METERS_UNUSUAL_FACTOR", default=3)
METERS_TYPO_FACTOR = env.int("METERS_TYPO_FACTOR", default=10)
METERS_PHOTO_MAX_BYTES = env.int("METERS_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
METERS_PHOTO_MAX_PIXELS = env.int("METERS_PHOTO_MAX_PIXELS", default=16_000_000)

# Faults: the manager's emergency line shown next to 112 and the gas emergency 992; who gets an
# urgent report by e-mail at once (the staff on duty); photo limits per file and per report.
FAULTS_EMERGENCY_PHONE = env.str("FAULTS_EMERGENCY_PHONE", default="33 000 00 99")
FAULTS_DUTY_EMAILS = env.list("FAULTS_DUTY_EMAILS", default=["dyzur@zbm.example.pl"])
FAULTS_PHOTO_MAX_BYTES = env.int("FAULTS_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
FAULTS_PHOTO_MAX_PIXELS = env.int("FAULTS_PHOTO_MAX_PIXELS", default=16_000_000)
FAULTS_MAX_PHOTOS = env.int("FAULTS_MAX_PHOTOS", default=5)

# Messaging: attachments of notices and messages are capped in bytes; notice e-mails go out in
# batches of this many recipients per task.
MESSAGING_ATTACHMENT_MAX_BYTES = env.int("MESSAGING_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
MESSAGING_EMAIL_BATCH = env.int("MESSAGING_EMAIL_BATCH", default=200)

# Accessibility: who is reminded to review the statement (by 31 March), from which month.
ACCESSIBILITY_STAFF_EMAILS = env.list("ACCESSIBILITY_STAFF_EMAILS", default=[MANAGER_EMAIL])
ACCESSIBILITY_REMIND_FROM_MONTH = env.int("ACCESSIBILITY_REMIND_FROM_MONTH", default=3)

# Self-service: "my data" exports are kept this many days; e-mail change links last hours.
PRIVACY_EXPORT_DAYS = env.int("PRIVACY_EXPORT_DAYS", default=7)
EMAIL_CHANGE_LINK_HOURS = env.int("EMAIL_CHANGE_LINK_HOURS", default=24)
CERTIFICATE_SERIES = env.str("CERTIFICATE_SERIES", default="ZN")
# Pages anyone may open, also a resident who must still change a one-time password.
PUBLIC_PATH_PREFIXES = ("/deklaracja-dostepnosci/", "/weryfikacja/")

# make bench only: serve a bare "hello" view at /bench/hello/ to compare pages against.
BENCH_HELLO = _strict_bool("EBOK_BENCH_HELLO", False)

# Security headers (django-csp 4): no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = _strict_bool("SECURE_SSL_REDIRECT", True)
    if ALLAUTH_TRUSTED_PROXY_COUNT > 0:
        # Only a proxy we were told about sets the scheme; a client connecting directly could
        # otherwise send X-Forwarded-Proto: https over plain HTTP and pass as secure.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Relaxed only by an explicit false, for the plain-HTTP smoke test on localhost.
    SESSION_COOKIE_SECURE = _strict_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = _strict_bool("CSRF_COOKIE_SECURE", True)
    # __Host-: the browser keeps such a cookie only if it is Secure, for the whole site and
    # this host alone, so a sibling subdomain cannot plant or overwrite it.
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = "__Host-sessionid"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    if LANGUAGE_COOKIE_SECURE:
        LANGUAGE_COOKIE_NAME = "__Host-language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Logs go to the console: plain lines by default (make run), one JSON object a line with
# LOG_FORMAT=json (time, level, logger, message, request id, user id; ebok/request_context.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise environ.ImproperlyConfigured("LOG_FORMAT must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "ebok.request_context.RequestContextFilter"},
        "refusal": {"()": "ebok.log_filters.RefusalWithoutTraceback"},
    },
    "formatters": {"json": {"()": "ebok.request_context.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"}
        if LOG_FORMAT == "plain"
        else {"class": "logging.StreamHandler", "filters": ["request"], "formatter": "json"}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO; the mt940 parser logs the statement's
    # content (names, titles, accounts) at DEBUG, and again at ERROR when it refuses a file:
    # personal data that must never reach a log (the clerk gets our own message instead).
    "loggers": {
        "django.request": {"filters": ["refusal"]},  # a 403 is one line, no traceback
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "mt940": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
# A worker logs through the configuration above rather than Celery's own when it is JSON.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT == "plain"

# Error reports (ebok/sentry.py): nothing is sent, or even loaded, without SENTRY_DSN.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from ebok import sentry

    sentry.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=""),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Operations: /metrics answers only a scraper sending this token (ebok/metrics.py); the admin's
# front page warns staff when beat or a queue's workers have been silent this many minutes, or
# a queue holds more tasks than this (ebok/celery_monitor.py).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
HEARTBEAT_MAX_AGE_MINUTES = env.int("HEARTBEAT_MAX_AGE_MINUTES", default=5)
QUEUE_BACKLOG_THRESHOLD = env.int("QUEUE_BACKLOG_THRESHOLD", default=500)
