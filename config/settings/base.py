"""Settings shared by every environment.

Secrets, hosts and the database come from the environment. With no
``DATABASE_URL`` the project runs on an embedded SQLite file.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Project apps come first so their templates override the packages' own.
    "portal",
    "crm",
    "events",
    "faith_forum",
    "feedback",
    # Wagtail
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "crm.apps.CrmUsersAppConfig",  # wagtail.users with the profile and Member fields
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Forms
    "crispy_forms",
    "crispy_bootstrap5",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Whole public pages for anonymous visitors (portal/pagecache.py): before the rest, so a kept page
    # costs two cache reads and nothing else.
    "portal.pagecache.AnonymousPageCacheMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.StaffIdleTimeoutMiddleware",
    # Two-factor authentication before anything else, the admin included.
    "portal.middleware.MFARequiredMiddleware",
    "portal.middleware.AdminAccessMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

# Content-Security-Policy (django-csp, portal.security): the public site runs only its own
# static scripts, or inline ones carrying the request's nonce - never 'unsafe-inline' script.
# Styles may be inline (print layouts, a few style attributes); nothing loads from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        # Log a visit works offline: its service worker and web app manifest come from this site.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Wagtail admin (and its page previews) writes inline scripts and styles: a looser policy
# scoped to these addresses only.
PORTAL_ADMIN_URL_PREFIXES = ["/admin/"]
# Anonymous visitors' public pages are kept whole in the cache for up to this many seconds, and
# dropped at once by any change they show (portal/pagecache.py). 0 turns it off.
PORTAL_PAGE_CACHE_SECONDS = int(env("PORTAL_PAGE_CACHE_SECONDS", "60"))
# `make bench` only: serves /_bench/bare/, the ceiling every page is compared with (portal/bench.py).
PORTAL_BENCH_VIEWS = env_bool("PORTAL_BENCH_VIEWS", False)
PORTAL_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
# Permissions-Policy: the desk scans tickets with the phone's camera on this site; nothing else.
PERMISSIONS_POLICY = {
    "camera": "(self)",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
    "accelerometer": "()",
    "gyroscope": "()",
    "magnetometer": "()",
    "browsing-topics": "()",
}
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock rather than failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, else local memory.
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read from the cache (Redis in production) and written through to the database: one
# query less on every signed-in request (issue 15). End one with its SessionStore's delete(), never by
# deleting the row alone, or the cached copy lives on.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "crm.User"
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, with each person's permissions kept between requests (issue 15).
    "crm.authcache.CachedModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# The team, outreach officers and trainers (admin, CRM, registers, compliance lists) are signed out
# after this long without a request (portal.middleware.StaffIdleTimeoutMiddleware).
STAFF_IDLE_TIMEOUT_SECONDS = int(env("STAFF_IDLE_TIMEOUT_SECONDS", "1800"))
# Signing in lands where the person was going (?next=, same site only), else on My training.
LOGIN_REDIRECT_URL = "events:my_training"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: email is the sign-in; the address must be verified first.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Emails in the team's name and voice; sign-up keeps where you were going (portal/adapters.py).
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "portal.adapters.user_display"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "https")
# Wrong passwords, counted in the shared cache (portal.login_throttle): from a new device, 30 a
# minute from one address (a council's proxy is one address for a whole office) and 5 in 5
# minutes for one account; a device that has signed in to the account before is exempt from
# both and has its own 5 in 5 minutes, so nobody can lock another person out.
PORTAL_LOGIN_RATE_LIMITS = {
    "login_failed_new_device": "30/m/ip,5/5m/key",
    "login_failed_known_device": "5/5m/key",
}
# Two-factor authentication (allauth.mfa): an authenticator app's codes (TOTP), with recovery codes
# for a lost phone. Required for everyone whose roles reach the admin, the CRM, registers or
# compliance lists (crm.roles.reaches_records): portal.middleware.MFARequiredMiddleware sends them to
# set it up before anything else, and they cannot switch it off (portal.adapters.MFAAdapter).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "portal.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "portal.forms.MFAAuthenticateForm",
    "reauthenticate": "portal.forms.MFAReauthenticateForm",
    "activate_totp": "portal.forms.MFAActivateTOTPForm",
}
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Prevent training and engagement")
# A phone's clock a little fast or slow: the code of the 30 seconds before or after is accepted too.
MFA_TOTP_TOLERANCE = 1
# Behind a proxy, set how many add to X-Forwarded-For so addresses are the people's, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))


LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages installed from npm (package-lock.json), served by whitenoise.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    # The check-in desk's camera scanner decodes QR codes in the page with jsQR.
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Personal documents (external training certificates): never under MEDIA_URL, served only by permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Every email is stored in the outbox (crm.outbox) and sent by `manage.py send_outbox` through
# OUTBOX_TRANSPORT_BACKEND, with retries: a mail server that is down never fails a booking or a sign-up.
EMAIL_BACKEND = "crm.outbox.OutboxBackend"
OUTBOX_TRANSPORT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
OUTBOX_MAX_ATTEMPTS = int(env("OUTBOX_MAX_ATTEMPTS", "6"))
OUTBOX_SEND_AT_ONCE = False
# A mail server that hangs must not hold the sender (and its locked row) for ever.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Prevent team <prevent@example.gov.uk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAIL_SITE_NAME = "Prevent training and engagement"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = True
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = True
# Avatars are the site's own: Wagtail would ask gravatar.com for each person with a hash of their email.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

LOG_LEVEL = env("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "refusal_without_traceback": {"()": "portal.logs.RefusalWithoutTraceback"},
    },
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default config gives "django" a console handler of its own (under DEBUG), which
        # printed every request warning twice: there and at the root. Configuring "django" resets
        # its children, so runserver's request lines ("django.server") are set up again as Django does.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # A refused request (403) is logged once, as one line with its reason, without a traceback.
        "django.request": {"filters": ["refusal_without_traceback"]},
    },
}


def require(name: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False  # password resets go through allauth


def served_at() -> str:
    """The site's address as `make run` serves it: runserver on HOST:PORT, which the Makefile exports.

    A server listening on every interface (0.0.0.0, ::) is reached on this machine as 127.0.0.1.
    """
    host = env("HOST") or "127.0.0.1"
    if host in {"0.0.0.0", "::", "[::]"}:
        host = "127.0.0.1"
    return f"http://{host}:{env('PORT') or '8000'}"


# The site's address, for every link that leaves it: emails, calendar files, tickets' and posters'
# QR codes, certificates. One setting (events.links.absolute_url builds on it); the admin's follows.
PORTAL_BASE_URL = (env("PORTAL_BASE_URL") or served_at()).rstrip("/")
WAGTAILADMIN_BASE_URL = (env("WAGTAILADMIN_BASE_URL") or PORTAL_BASE_URL).rstrip("/")
# Calendar UIDs end in this domain, so they stay stable wherever the site is served.
CALENDAR_UID_DOMAIN = env("CALENDAR_UID_DOMAIN", "prevent-portal.invalid")
