"""Test settings: fast hashing, in-memory email and cache."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-5d2c8e1f7a9b3c4d6e0f1a2b3c4d5e6f"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's test set-up swaps EMAIL_BACKEND for its locmem backend, so the suite reads mail.outbox
# as before; a test that switches to the outbox (crm.outbox.OutboxBackend, tests/crm/test_outbox.py)
# has each message stored, then sent at once to that same locmem.
OUTBOX_TRANSPORT_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
OUTBOX_SEND_AT_ONCE = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off, so a test that changes data with a bare UPDATE sees it on its next page; the page cache's own
# tests (tests/portal/test_page_cache_issue15.py) turn it on.
PORTAL_PAGE_CACHE_SECONDS = 0
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
PORTAL_BASE_URL = "http://testserver"
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="prevent-private-media-"))
