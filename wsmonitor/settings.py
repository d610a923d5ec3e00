"""wsmonitor settings: one module, configured only from environment variables.

See docs/configuration.md for every variable. Environments differ only in their environment;
test-only tweaks live in tests/conftest.py.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.env import (
    env_bool,
    env_choice,
    env_dotted,
    env_int,
    env_list,
    env_rate,
    env_region,
    env_secret,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
# manage.py makemigrations/makemessages/compilemessages touch only source files: nothing is
# signed, served or encrypted, so throwaway keys are safe (flag set by manage.py, never by the
# web or worker processes).
CODE_ONLY_COMMAND = os.environ.get("WSMONITOR_CODE_ONLY_COMMAND") == "1"
if not SECRET_KEY and CODE_ONLY_COMMAND:
    SECRET_KEY = secrets.token_urlsafe(50)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it (or SECRET_KEY_FILE), or DEBUG=1 to develop"
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "csp",
    "axes",
    "core",
    "lexicon",
    "merchants",
    "campaigns",
    "complaints",
    "wechat",
    "imaging",
]

MIDDLEWARE = [
    "core.middleware.RequestSizeLimitMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.IdleSessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionAbsoluteTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wsmonitor.urls"
WSGI_APPLICATION = "wsmonitor.wsgi.application"

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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0)
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server, the in-process tasks and tests share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, throttles) -------------------------------------------------------
CACHE_URL = env_url("CACHE_URL", None, schemes=("redis", "rediss"))
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth, sessions, brute force ----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"  # where a login with an unsafe ``next`` lands
# Django's database sessions, loaded and written back with one plain statement each.
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# The age above is an idle timeout: IdleSessionMiddleware pushes it back when a request comes
# more than SESSION_REFRESH_SECONDS after the last push (a session that changed is saved anyway).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

AXES_USER_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_FAILURE_LIMIT = "core.lockout.failure_limit"
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1, minimum=1)
# Per user name + address (AXES_FAILURE_LIMIT), and per address alone at a higher limit so that
# spraying one password over many user names is stopped too (core/lockout.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 20, minimum=1)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind N reverse proxies the client address is the N-th from the right in X-Forwarded-For;
# with 0 (direct exposure) the header is ignored, so it cannot be spoofed.
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# --- Production security ------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

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
    }
}

# --- Request and upload limits ------------------------------------------------------------
# Whole request bodies above this are refused with 413 before they are read (see middleware).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 110 * 1024 * 1024, minimum=1024)
# A JSON or form body (files not counted) above this is a 413 (`request_too_large` on the API).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_JSON_BODY_MB", 5, minimum=1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_HANDLERS = [
    "core.middleware.SizeCappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- I18N ---------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "core" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STORAGES = {
    # Removes the file a failed write (a full disk) left behind (core/storage.py).
    "default": {"BACKEND": "core.storage.CleanFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Private: evidence is never served from a public URL; views stream it after a permission check.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/private-media/"  # not routed; present only because FileField needs a prefix
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.PerTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_rate("API_THROTTLE_RATE", "1200/min")},
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # The browsable API only while developing: in production every answer is JSON (its pages'
    # inline styles are refused by the CSP anyway; /api/docs/ documents the API).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "wsmonitor API",
    "DESCRIPTION": (
        "微商监测平台接口 — REST API for integrators (crawlers, platforms, agencies). "
        "Authenticate with `Authorization: Token <key>`; errors are "
        '`{"code", "detail", "fields"}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc are served from local static files (no CDN): drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "TokenAuth": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Token <key>` — from the admin or `manage.py create_api_token`.",
            }
        }
    },
    "SECURITY": [{"TokenAuth": []}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.postprocess_schema",
    ],
    "ENUM_NAME_OVERRIDES": {
        "MerchantStatusEnum": "merchants.models.Merchant.Status",
        "IngestStatusEnum": ["created", "revised", "unchanged"],
    },
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", None, schemes=("redis", "rediss", "memory"))
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
TASK_SOFT_TIME_LIMIT = env_int("TASK_SOFT_TIME_LIMIT", 240, minimum=1)
TASK_TIME_LIMIT = env_int("TASK_TIME_LIMIT", 300, minimum=2)
BROKER_VISIBILITY_TIMEOUT = env_int("BROKER_VISIBILITY_TIMEOUT", 600, minimum=3)
if not TASK_SOFT_TIME_LIMIT < TASK_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "TASK_SOFT_TIME_LIMIT < TASK_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT must hold "
        f"(got {TASK_SOFT_TIME_LIMIT}, {TASK_TIME_LIMIT}, {BROKER_VISIBILITY_TIMEOUT})"
    )
OUTBOX_REPUBLISH_AFTER_SECONDS = env_int("OUTBOX_REPUBLISH_AFTER_SECONDS", 180, minimum=5)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "wsmonitor.outbox_sweep", "schedule": 60.0},
    "posts-sweep": {"task": "merchants.sweep_pending_posts", "schedule": 60.0},
    "risk-nightly": {"task": "merchants.recompute_all_risk", "schedule": 24 * 3600.0},
    "complaints-sla-sweep": {"task": "complaints.sla_sweep", "schedule": 3600.0},
    "storage-scrub": {"task": "wsmonitor.storage_scrub", "schedule": 24 * 3600.0},
    "imaging-sweep": {"task": "imaging.sweep_pending", "schedule": 300.0},
}
# OCR and QR reading of images (docs/imaging.md): a queue of its own, "ocr", one process with
# one onnxruntime thread, and time limits of its own (still below the broker's visibility).
OCR_ENABLED = env_bool("OCR_ENABLED", True)
OCR_THREADS = env_int("OCR_THREADS", 1, minimum=1)
OCR_SOFT_TIME_LIMIT = env_int("OCR_SOFT_TIME_LIMIT", 60, minimum=1)
OCR_TIME_LIMIT = env_int("OCR_TIME_LIMIT", 90, minimum=2)
if not OCR_SOFT_TIME_LIMIT < OCR_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "OCR_SOFT_TIME_LIMIT < OCR_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT must hold "
        f"(got {OCR_SOFT_TIME_LIMIT}, {OCR_TIME_LIMIT}, {BROKER_VISIBILITY_TIMEOUT})"
    )

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "LOG_LEVEL", "INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
    "loggers": {
        "jieba": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
    },
}

# --- Product knobs ------------------------------------------------------------------------
DEMO_REGULATOR_USERNAME = "demo-regulator"

# Merchant risk (merchants/risk.py explains each knob).
RISK_QUEUE_THRESHOLD = env_int("RISK_QUEUE_THRESHOLD", 20, minimum=1)
RISK_HALF_LIFE_DAYS = env_int("RISK_HALF_LIFE_DAYS", 30, minimum=1)
RISK_CATEGORY_CAP = env_int("RISK_CATEGORY_CAP", 40, minimum=1)
RISK_FLOOD_POSTS_PER_DAY = env_int("RISK_FLOOD_POSTS_PER_DAY", 20, minimum=1)

# Scanning pipeline (merchants/posts.py, merchants/scan.py).
SCAN_CHUNK_SIZE = env_int("SCAN_CHUNK_SIZE", 1000, minimum=1)
SCAN_SWEEP_AFTER_SECONDS = env_int("SCAN_SWEEP_AFTER_SECONDS", 120, minimum=1)
SCAN_PUBLISH_DELAY_MS = env_int("SCAN_PUBLISH_DELAY_MS", 100, minimum=0)
RESCAN_CHUNK_SIZE = env_int("RESCAN_CHUNK_SIZE", 500, minimum=1)

# --- Complaints ---------------------------------------------------------------------------
# Field encryption (django-fernet-encrypted-fields derives its Fernet key from SECRET_KEY and
# SALT_KEY: rotating SECRET_KEY needs the old one in SECRET_KEY_FALLBACKS, or PII is unreadable).
SALT_KEY = env_secret("SALT_KEY") or (secrets.token_urlsafe(32) if CODE_ONLY_COMMAND else "")
COMPLAINTS_BLIND_INDEX_KEY = env_secret("COMPLAINTS_BLIND_INDEX_KEY") or (
    secrets.token_urlsafe(32) if CODE_ONLY_COMMAND else ""
)
if not SALT_KEY or not COMPLAINTS_BLIND_INDEX_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SALT_KEY and COMPLAINTS_BLIND_INDEX_KEY must be set (or their _FILE variants): "
            "they protect complainants' personal data"
        )
    SALT_KEY = SALT_KEY or "dev-only-salt-do-not-use-in-production"
    COMPLAINTS_BLIND_INDEX_KEY = COMPLAINTS_BLIND_INDEX_KEY or "dev-only-blind-index-key"
COMPLAINTS_INTAKE_REGION = env_region("COMPLAINTS_INTAKE_REGION", "440100")
COMPLAINTS_MAX_FILES = env_int("COMPLAINTS_MAX_FILES", 10, minimum=1)
COMPLAINTS_MAX_FILE_BYTES = env_int("COMPLAINTS_MAX_FILE_MB", 10, minimum=1) * 1024 * 1024
# One pixel cap for every image kept (complaint evidence, campaign screenshots: core.images);
# COMPLAINTS_MAX_IMAGE_PIXELS, its earlier name, is still read.
IMAGE_MAX_PIXELS = env_int(
    "IMAGE_MAX_PIXELS", env_int("COMPLAINTS_MAX_IMAGE_PIXELS", 40_000_000, minimum=1), minimum=1
)
COMPLAINTS_PREVIEW_MAX_DECODED_MB = env_int("COMPLAINTS_PREVIEW_MAX_DECODED_MB", 100, minimum=1)
COMPLAINTS_SUBMIT_PER_IP_HOUR = env_int("COMPLAINTS_SUBMIT_PER_IP_HOUR", 10, minimum=1)
COMPLAINTS_SUBMIT_PER_PHONE_DAY = env_int("COMPLAINTS_SUBMIT_PER_PHONE_DAY", 5, minimum=1)
COMPLAINTS_TRACK_PER_IP_HOUR = env_int("COMPLAINTS_TRACK_PER_IP_HOUR", 30, minimum=1)
COMPLAINTS_TRACK_FAILURES_PER_HOUR = env_int("COMPLAINTS_TRACK_FAILURES_PER_HOUR", 5, minimum=1)
COMPLAINTS_FLOOD_THRESHOLD = env_int("COMPLAINTS_FLOOD_THRESHOLD", 5, minimum=2)
COMPLAINTS_RETENTION_DAYS = env_int("COMPLAINTS_RETENTION_DAYS", 3 * 365, minimum=30)
# The public address of the site, for links in e-mails (sent outside any request): e.g.
# https://ws.example.gov.cn. Without it: http://127.0.0.1:8000 in DEBUG, else https:// and the first
# concrete ALLOWED_HOSTS entry.
SITE_URL = env_str("SITE_URL", "").rstrip("/") or (
    "http://127.0.0.1:8000"
    if DEBUG
    else next(
        (f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS if h not in ("*", "") and "*" not in h),
        "",
    )
)
# A dotted path to ``send(phone, text)`` for SMS (lost access codes); blank: no SMS is sent and
# the consumer is told so.
COMPLAINTS_SMS_BACKEND = env_dotted("COMPLAINTS_SMS_BACKEND", "")
# Receipts carry the tracking number and the access code: the console and file backends would
# write them to the server log, so outside DEBUG the default is SMTP and a log-writing backend
# is a system check error (wsmonitor.E020, core/checks.py).
EMAIL_BACKEND = env_dotted(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@wsmonitor.localhost")
# The agency that runs the site: named in the public footer, on consumer warnings and on the
# formal documents (警示函, 协助冻结函, 移送函) unless a handling office of the region is entered.
SITE_AGENCY_NAME = env_str("SITE_AGENCY_NAME", "") or (
    "演示站点 · 广州市市场监督管理局" if DEBUG else ""
)
SITE_ICP_NUMBER = env_str("SITE_ICP_NUMBER", "")
DOCUMENT_NUMBER_PREFIX = env_str("DOCUMENT_NUMBER_PREFIX", "市监")
# Keyed hash of public submitters' addresses in the audit log (security M8); SECRET_KEY if blank.
AUDIT_IP_KEY = env_secret("AUDIT_IP_KEY", "")

# --- Campaigns ----------------------------------------------------------------------------
# 集赞换礼 campaigns (campaigns/services.py, docs/campaigns.md).
CAMPAIGNS_BREACH_POINTS = env_int("CAMPAIGNS_BREACH_POINTS", 10, minimum=0)
CAMPAIGNS_BREACH_POINTS_CAP = env_int("CAMPAIGNS_BREACH_POINTS_CAP", 30, minimum=0)
CAMPAIGNS_HONOUR_MIN_REPORTS = env_int("CAMPAIGNS_HONOUR_MIN_REPORTS", 3, minimum=1)
CAMPAIGNS_HONOUR_FLAG_BELOW_PERCENT = env_int("CAMPAIGNS_HONOUR_FLAG_BELOW_PERCENT", 50, minimum=1)
CAMPAIGNS_HONOUR_POINTS = env_int("CAMPAIGNS_HONOUR_POINTS", 15, minimum=0)
CAMPAIGNS_REPORTS_PER_IP_HOUR = env_int("CAMPAIGNS_REPORTS_PER_IP_HOUR", 10, minimum=1)
CAMPAIGNS_MAX_IMAGE_MB = env_int("CAMPAIGNS_MAX_IMAGE_MB", 10, minimum=1)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "CampaignSnapshotSourceEnum": "campaigns.models.Snapshot.Source",
        "CampaignSnapshotSourceInEnum": ["integrator", "consumer"],
        "SourceEnum": "merchants.models.Post.Source",  # keeps its name beside the above
        "ComplaintSubmitInputKindEnum": ["complaint", "report", "both"],  # JSON and multipart
    }
)

# --- Workspace ----------------------------------------------------------------------------
# Regulator workspace (merchants/actions.py, merchants/dashboard.py, merchants/views.py).
WORKSPACE_CLAIM_HOURS = env_int("WORKSPACE_CLAIM_HOURS", 4, minimum=1)
WORKSPACE_DASHBOARD_WEEKS = env_int("WORKSPACE_DASHBOARD_WEEKS", 12, minimum=1)
WORKSPACE_CHECK_PER_IP_HOUR = env_int("WORKSPACE_CHECK_PER_IP_HOUR", 120, minimum=1)

# --- WeChat Official Account (公众号) ------------------------------------------------------
# The complaint account's message callback (wechat/, docs/wechat.md). Without WECHAT_TOKEN (and
# WECHAT_APP_ID) the endpoint answers 404: the channel is off.
WECHAT_APP_ID = env_str("WECHAT_APP_ID", "")
WECHAT_APP_SECRET = env_secret("WECHAT_APP_SECRET", "")
WECHAT_TOKEN = env_secret("WECHAT_TOKEN", "")
WECHAT_ENCODING_AES_KEY = env_secret("WECHAT_ENCODING_AES_KEY", "")
WECHAT_PREVIOUS_ENCODING_AES_KEY = env_secret("WECHAT_PREVIOUS_ENCODING_AES_KEY", "")
WECHAT_REGION = env_region("WECHAT_REGION", COMPLAINTS_INTAKE_REGION)
WECHAT_MEDIA_CLIENT = env_dotted("WECHAT_MEDIA_CLIENT", "wechat.media.WeChatApiClient")
WECHAT_API_BASE = env_str("WECHAT_API_BASE", "https://api.weixin.qq.com").rstrip("/")
WECHAT_TIMESTAMP_WINDOW_SECONDS = env_int("WECHAT_TIMESTAMP_WINDOW_SECONDS", 300, minimum=30)
WECHAT_LINK_HOURS = env_int("WECHAT_LINK_HOURS", 24, minimum=1)
WECHAT_CONVERSATION_MINUTES = env_int("WECHAT_CONVERSATION_MINUTES", 30, minimum=0)
