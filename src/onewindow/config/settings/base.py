"""Settings shared by every environment. Environment-specific modules import from here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from onewindow.config.env import env_bool, env_int, env_secret, env_str, onewindow_home

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
HOME = onewindow_home()
HOME.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_secret("ONEWINDOW_SECRET_KEY", "")
DEBUG = env_bool("ONEWINDOW_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in env_str("ONEWINDOW_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("ONEWINDOW_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Public base URL printed on receipts (QR codes of the progress page).
PUBLIC_BASE_URL = env_str("ONEWINDOW_PUBLIC_URL", "http://127.0.0.1:8000")
CENTRE_NAME = env_str("ONEWINDOW_CENTRE_NAME", "示范市政务服务中心")
REGION_CODE = env_str("ONEWINDOW_REGION_CODE", "999900")
DEMO_MODE = env_bool("ONEWINDOW_DEMO", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "onewindow.core",
    "onewindow.ledger",
    "onewindow.accounts",
    "onewindow.catalog",
    "onewindow.datahub",
    "onewindow.workflow",
    "onewindow.guidance",
    "onewindow.intake",
    "onewindow.evaluation",
    "onewindow.analytics",
    "onewindow.web",
    "onewindow.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "onewindow.core.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "onewindow.config.urls"
WSGI_APPLICATION = "onewindow.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onewindow.core.context_processors.platform",
            ],
        },
    },
]


def database_from_url(url: str) -> dict[str, Any]:
    """Build the DATABASES entry; SQLite gets WAL, IMMEDIATE transactions and a busy timeout."""
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes the write lock at BEGIN so concurrent writers queue on the busy
        # timeout instead of failing with "database is locked" on lock upgrade.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        config["CONN_MAX_AGE"] = 0
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{HOME / 'onewindow.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = HOME / "media"

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Local rules that STANDARDS.md says must be configurable.
ONEWINDOW: dict[str, Any] = {
    "API_TOKEN_HOURS": env_int("ONEWINDOW_API_TOKEN_HOURS", 12),
    "IDEMPOTENCY_HOURS": 24,
    "PROGRESS_WRONG_TRIES_PER_HOUR": 10,
    "SUPPLEMENT_NOTICE_DAYS": 5,  # 行政许可法 §32: notice on the spot or within 5 days
    "TOLERANT_DUE_DAYS": env_int("ONEWINDOW_TOLERANT_DUE_DAYS", 5),
    "DUE_SOON_DAYS": 1,
    # Escalation: overdue by this many working days puts a task on the centre's supervision
    # list (电子监察).
    "SUPERVISION_OVERDUE_DAYS": 3,
    # 行政许可法 §42: +10 working days with the head's approval; §42(2) joint handling +15.
    "EXTENSION_DAYS": 10,
    "JOINT_EXTENSION_DAYS": 15,
    # The reform asks collaboration points to weigh at least this much in assessments.
    "POINTS_MIN_WEIGHT_PERCENT": 20,
    # Notification outbox: SMS provider client (any class with send_sms(phone, text)), channel
    # overrides by name, and how often a failing channel is tried before it is given up.
    "SMS_GATEWAY": env_str(
        "ONEWINDOW_SMS_GATEWAY", "onewindow.core.notifications.channels.LoggingSmsGateway"
    ),
    "NOTIFICATION_CHANNELS": {},
    "NOTIFICATION_MAX_ATTEMPTS": 6,
    # Resolves the caller an Idempotency-Key is scoped to (token or session user).
    "IDEMPOTENCY_CALLER": "onewindow.accounts.auth.idempotency_caller",
    # 好差评: a bad review's contact and rectify deadlines (working days from the review) and
    # how long a review link (SMS, QR code) stays valid, in calendar days.
    "REVIEW_CONTACT_DAYS": 1,
    "REVIEW_RECTIFY_DAYS": 15,
    "REVIEW_TOKEN_DAYS": 30,
    # Later rectification steps, in working days: reply no earlier than the rectify deadline
    # and at least this long after rectifying; revisit after the reply; the centre's appeal
    # decision (evaluation.steps).
    "REVIEW_REPLY_DAYS": 1,
    "REVIEW_REVISIT_DAYS": 3,
    "REVIEW_APPEAL_DAYS": 5,
}

# The verifiable ledger (ARCHITECTURE §6; ADR 0003, 0004). Signing keys come from the
# environment or from files under HOME, never from the database.
LEDGER: dict[str, Any] = {
    # C2SP checkpoint origin and log key name; default <public host>/ledger/<region code>.
    "ORIGIN": env_str("ONEWINDOW_LEDGER_ORIGIN", ""),
    "HASH": env_str("ONEWINDOW_LEDGER_HASH", "sha256"),  # or "sm3" (fixed at the first entry)
    "SM2": env_bool("ONEWINDOW_LEDGER_SM2", False),  # add an SM2 signature line (extra "gm")
    "KEY_DIR": HOME / "ledger" / "keys",
    "SIGNING_KEYS": env_secret("ONEWINDOW_LEDGER_SIGNING_KEYS", ""),
    "VERIFIER_KEYS": env_str("ONEWINDOW_LEDGER_VERIFIER_KEYS", ""),
    "GENERATE_KEY": env_bool("ONEWINDOW_LEDGER_GENERATE_KEY", True),
    "CHECKPOINT_PERIOD": env_str("ONEWINDOW_LEDGER_CHECKPOINT_PERIOD", "hour"),
    "COSIGNATURE_MAX_SKEW_SECONDS": 600,
    # A department's witness (onewindow ledger witness): its key, state and API token.
    "WITNESS_DIR": HOME / "ledger" / "witness",
    "WITNESS_KEY": env_secret("ONEWINDOW_LEDGER_WITNESS_KEY", ""),
    "WITNESS_TOKEN": env_secret("ONEWINDOW_LEDGER_WITNESS_TOKEN", ""),
    "WITNESS_PASSWORD": env_secret("ONEWINDOW_LEDGER_WITNESS_PASSWORD", ""),
    # Who sees an entry's actor, target and payload (API.md "Ledger"): these roles, and the
    # applicant of the case, resolved through the higher layers' functions named here.
    "DETAIL_ROLES": ("auditor",),
    "APPLICANT_ROLES": ("citizen", "enterprise"),
    "CALLER": "onewindow.accounts.auth.request_user",
    "CASE_FOR_USER": "onewindow.workflow.access.case_for_user",
    "CASE_FOR_PROGRESS": "onewindow.workflow.access.case_for_progress",
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("ONEWINDOW_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
