"""Absolute addresses of this site, for links that leave it: emails, calendar files, QR codes, certificates."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` on this site as a full address, from the one setting for where the site is (PORTAL_BASE_URL).

    PORTAL_BASE_URL defaults to where the site is served (see config/settings), so the links
    in an email match the address the person signed up on.
    """
    return settings.PORTAL_BASE_URL + path
