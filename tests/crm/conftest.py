"""The outbox's real wiring for the outbox tests (tests/crm/test_outbox*.py): production's EMAIL_BACKEND,
with the real SMTP transport pointed at a closed port on this machine (nothing mocked), or Django's locmem."""

import pytest
from django.core import mail

from config.settings import base as production_settings
from crm.models import OutboxMessage

SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
CLOSED_PORT = 9  # discard: nothing listens on it here, so every connection is refused at once


@pytest.fixture
def smtp_down(settings):
    """Production's email wiring, with its mail server unreachable."""
    settings.EMAIL_BACKEND = production_settings.EMAIL_BACKEND
    settings.OUTBOX_SEND_AT_ONCE = getattr(production_settings, "OUTBOX_SEND_AT_ONCE", False)
    settings.OUTBOX_TRANSPORT_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = CLOSED_PORT
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return settings


def smtp_back_up(settings):
    """The mail server is reachable again (Django's locmem, read back from mail.outbox)."""
    settings.OUTBOX_TRANSPORT_BACKEND = LOCMEM


def queue_one(subject="Hello", to="someone@example.gov.uk"):
    """One email stored in the outbox (sent through EMAIL_BACKEND, as any caller would), and its row."""
    mail.EmailMessage(subject=subject, body="Body", to=[to]).send()
    return OutboxMessage.objects.get(subject=subject)
