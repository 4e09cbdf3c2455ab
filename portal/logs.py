"""Logging filters for the site's log (configured in config/settings/base.py)."""

import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    """A refused request (403) is the site saying no as designed: one line with the reason, no traceback.

    Django logs each PermissionDenied through ``django.request`` with the exception attached,
    so every refusal printed a traceback that buried the real errors in the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, PermissionDenied):
            record.exc_info = None
            record.exc_text = None
            if str(error):
                record.msg = f"{record.msg} ({str(error).replace('%', '%%')})"
        return True
