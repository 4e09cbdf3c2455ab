"""Local development: debug on, email printed to the console."""

from .base import *  # noqa: F401,F403
from .base import env, env_list

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-not-secret-3b1f0a7c9d2e4f6a8b0c1d2e3f4a5b6c")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Stored in the outbox; `make run` runs `send_outbox --every 2` beside runserver, which prints them here.
OUTBOX_TRANSPORT_BACKEND = "django.core.mail.backends.console.EmailBackend"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
