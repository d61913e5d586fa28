"""PUA settings: one module, driven by environment variables.

Development (``make run``) works with no variables at all: DEBUG on, SQLite in
``var/``, console e-mail. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL; ``manage.py check --deploy`` is then clean.
"""

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import xstatic.pkg.leaflet as xstatic_leaflet
import xstatic.pkg.leaflet_markercluster as xstatic_markercluster
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from pua.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PUA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING:
    # Maintenance commands (makemigrations, compilemessages) may run without
    # one; serving is refused by config/wsgi.py and `check --deploy` fails.
    SECRET_KEY = (
        "development-only-key-not-for-production-use-0123456789abcdef" if DEBUG else secrets.token_urlsafe(50)
    )

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
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "bootstrap_italia_template",
    "axes",
    "rules",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_tasks",
    "django_tasks_db",
    "pua.core",
    "pua.accounts",
    "pua.network",
    "pua.people",
    "pua.cases",
    "pua.assessments",
    "pua.governance",
    "pua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pua.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pua.accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pua.core.middleware.ControlCharacterMiddleware",
    "pua.accounts.mfa_middleware.SessionLifetimeMiddleware",
    "pua.accounts.mfa_middleware.TwoFactorMiddleware",
    "pua.network.middleware.CurrentAccessPointMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "pua.network.context_processors.access_point",
                "pua.accounts.context_processors.two_factor_notice",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pua.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session cookie is renewed on every request, so it expires
# after this many minutes without activity.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Absolute lifetime: however active, a session ends this many hours after
# sign-in (pua.accounts.mfa_middleware.SessionLifetimeMiddleware).
SESSION_MAX_AGE_HOURS = env_int("SESSION_MAX_AGE_HOURS", 12)

# Two-factor sign-in (django-otp: authenticator apps and recovery codes;
# django-otp-webauthn: security keys and passkeys). Users with one of these
# roles (pua.network.models.Role values; "admin" covers superusers too) must
# enrol a second factor before they can open anything; everyone else may.
# Two-factor sign-in is enforced: a user with a second factor must give it,
# a user of a required role must enrol. Only the test settings turn it off.
MFA_ENFORCED = True
MFA_REQUIRED_ROLES = env_list(
    "MFA_REQUIRED_ROLES", ["director", "social_expert", "labour_expert", "outreach_operator", "admin"]
)
# The demo users (pua.network.demo, present only with DEBUG on) sign in
# without a second factor unless this is switched off; never honoured
# without DEBUG.
MFA_EXEMPT_DEMO_USERS = DEBUG and env_bool("MFA_EXEMPT_DEMO_USERS", True)
# How many recovery codes a user gets at a time.
MFA_RECOVERY_CODE_COUNT = 10
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "PUA")
# WebAuthn: the relying party is the site's domain (the first of
# ALLOWED_HOSTS unless set); keys registered for one domain work only there.
# Browsers refuse IP addresses: in development open http://localhost:PORT.
_webauthn_hosts = [h.lstrip(".") for h in ALLOWED_HOSTS if h != "*" and not h.replace(".", "").isdigit()]
OTP_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", (_webauthn_hosts or ["localhost"])[0])
OTP_WEBAUTHN_RP_NAME = env_str("WEBAUTHN_RP_NAME", "PUA")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "WEBAUTHN_ALLOWED_ORIGINS",
    [f"https://{host}" for host in _webauthn_hosts]
    + ([f"http://localhost:{env_int('PORT', 8000)}"] if DEBUG or not _webauthn_hosts else []),
)
# A second factor only: signing in always starts with the password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# API keys (hashed, see pua.accounts.models.ApiToken) stop working after this many days.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90)

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
# Day-month-year dates in English too (pua/core/formats/en).
FORMAT_MODULE_PATH = ["pua.core.formats"]

STATIC_URL = "/static/"
# Leaflet and its marker clustering for the maps, from xstatic packages.
STATICFILES_DIRS = [("leaflet", xstatic_leaflet.BASE_DIR), ("markercluster", xstatic_markercluster.BASE_DIR)]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "pua.core.storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded documents live outside the web root and are served only through
# permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "PUA <noreply@localhost>")

# Production hardening: all on unless DEBUG.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

# Map tiles: any XYZ tile server (an internal one where the network is closed).
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
_tile_origin = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL.replace("{s}", "a"))) if "://" in MAP_TILE_URL else ""

# Content-Security-Policy: no inline scripts; third-party origins only for map tiles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", *([_tile_origin] if _tile_origin else [])],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "pua.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "pua.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pua.api.errors.exception_handler",
    # Bounded JSON (size, depth), no control characters in any body.
    "DEFAULT_PARSER_CLASSES": [
        "pua.api.parsers.JSONParser",
        "pua.api.parsers.FormParser",
        "pua.api.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Request bodies: JSON of the API up to 1 MiB nested at most 32 levels; form
# fields up to 2.5 MiB in memory and 1,000 of them (Django's defaults, said
# here); uploaded files stream to disk past 2.5 MiB.
API_JSON_MAX_BYTES = env_int("API_JSON_MAX_BYTES", 1024 * 1024)
API_JSON_MAX_DEPTH = 32
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2621440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440

SPECTACULAR_SETTINGS = {
    "TITLE": "PUA API",
    "DESCRIPTION": "Punto Unico di Accesso — socio-labour inclusion services.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets of the case journey that share a field name ("status",
    # "kind", "legal_status"...) with others: one stable enum name each.
    "ENUM_NAME_OVERRIDES": {
        "PersonLegalStatusEnum": "pua.people.models.LegalStatus",
        "LegalStatusEnum": "pua.network.models.LegalStatusRequirement",
        "CaseStatusEnum": "pua.cases.models.CaseStatus",
        "ClosureReasonEnum": "pua.cases.models.ClosureReason",
        "RoleEnum": "pua.network.models.Role",
        "TeamRoleEnum": "pua.cases.models.TeamRole",
        "CaseEventKindEnum": "pua.cases.models.CaseEventKind",
        "ReferralStatusEnum": "pua.cases.models.ReferralStatus",
        "PlanStatusEnum": "pua.cases.models.PlanStatus",
        "ActionStatusEnum": "pua.cases.models.ActionStatus",
        "AgreementStatusEnum": "pua.network.models.AgreementStatus",
        "ResponseStatusEnum": "pua.assessments.models.ResponseStatus",
        "InstrumentPurposeEnum": "pua.assessments.models.Purpose",
    },
}

# Blocks that apps coming after "cases" add to the case page and to the
# person's journey page (dotted paths of functions (request, case_or_person)
# returning {"template": ..., "context": {...}} or None): the cases app looks
# them up by name and never imports those apps.
CASE_PAGE_PANELS = ["pua.assessments.integration.case_panel"]
PERSON_PAGE_PANELS = ["pua.assessments.integration.person_panel",
                      "pua.governance.privacy_views.person_rectifications_panel"]
# The same for the header of the person's record (people comes before cases).
PERSON_HEADER_PANELS = ["pua.cases.journey_views.open_case_header", "pua.governance.privacy_views.person_privacy_panel"]
# The same for the header of the person's journey page (the open case is there already).
PERSON_JOURNEY_HEADER_PANELS = ["pua.governance.privacy_views.person_privacy_panel"]

# How long personal data are kept, per kind (pua.governance.retention, which
# holds the defaults; the apply_retention command applies them). "minimum_years"
# of "document": per document kind, a legal minimum that stops an erasure.
RETENTION = {
    "closed_case": {"years": env_int("RETENTION_CLOSED_CASE_YEARS", 10)},
    "anonymous_contact": {"years": env_int("RETENTION_ANONYMOUS_CONTACT_YEARS", 2)},
    "document": {"years": env_int("RETENTION_DOCUMENT_YEARS", 10), "minimum_years": {}},
    "audit_entry": {"years": env_int("RETENTION_AUDIT_ENTRY_YEARS", 10)},
}

# The main menu (pua.core.menu): each app's function (request) returning the
# links it offers to this user, looked up by name so that no app imports a
# later one. Groups and their order are fixed in pua.core.menu.GROUPS; an
# app that arrives later (employment, programme, monitoring) adds its
# function here and its links fill its group. The header's search box is the
# cases app's, the first that may see persons, cases and organisations.
MAIN_MENU = [
    "pua.network.menu.links",
    "pua.cases.menu.links",
    "pua.assessments.menu.links",
    "pua.governance.menu.links",
    "pua.api.menu.links",
]
MAIN_MENU_SEARCH = "pua.cases.menu.search"

# Statistical disclosure control: counts below this are shown as "<5" in
# assessment aggregates seen outside the case work (see assessments.aggregate_selectors).
AGGREGATE_MIN_CELL = env_int("AGGREGATE_MIN_CELL", 5)

TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Demo users exist only when DEBUG is on; this is their shared password.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "Pua-Demo-2026!")
