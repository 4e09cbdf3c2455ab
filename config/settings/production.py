"""Production: everything secret or site-specific comes from the environment."""

from .base import *  # noqa: F401,F403
from .base import ALLOWED_HOSTS, DATABASES, env, env_bool, require

SECRET_KEY = require("SECRET_KEY")
require("ALLOWED_HOSTS")
require("DATABASE_URL")
# Sign-in throttling and allauth's rate limits must be shared by every web process (base.py
# builds the Redis cache from it).
require("REDIS_URL")

# Links that leave the site (emails, calendar files, QR codes) name it as the public sees it:
# PORTAL_BASE_URL, else the first allowed host over HTTPS - never the development server's address.
_NAMED_HOSTS = [host.lstrip(".") for host in ALLOWED_HOSTS if "*" not in host]
PORTAL_BASE_URL = (
    env("PORTAL_BASE_URL") or (f"https://{_NAMED_HOSTS[0]}" if _NAMED_HOSTS else require("PORTAL_BASE_URL"))
).rstrip("/")
WAGTAILADMIN_BASE_URL = (env("WAGTAILADMIN_BASE_URL") or PORTAL_BASE_URL).rstrip("/")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# /healthz is polled by the load balancer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload lists are hard to leave: a council opts in (SECURE_HSTS_PRELOAD=true) once every
# subdomain serves HTTPS; until then the deploy check's reminder about it is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Persistent database connections: a new PostgreSQL connection per request cost ~15 % of a worker's
# time (issue 15). Each web worker keeps one connection for up to CONN_MAX_AGE seconds, so PostgreSQL's
# max_connections must cover (workers x servers) + cron jobs + headroom. Behind PgBouncer in transaction
# pooling mode set CONN_MAX_AGE=0 and PGBOUNCER_TRANSACTION_POOLING=true (server-side cursors off).
DATABASES["default"]["CONN_MAX_AGE"] = int(env("CONN_MAX_AGE", "60"))
# A kept connection is checked before a request uses it, so a database restart costs one retry, not errors.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env_bool("PGBOUNCER_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
