"""Security headers: a strict Content-Security-Policy for the public site, a looser one for the admin.

The public site runs no inline script: its scripts are static files (Bootstrap, jsQR, the desk,
print buttons), and a script that must be inline carries ``nonce="{{ request.csp_nonce }}"``.
The Wagtail admin is Wagtail's own code, which writes inline scripts and styles, so it gets
``PORTAL_ADMIN_CONTENT_SECURITY_POLICY`` instead (issue 10 item 9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase


def is_admin_path(path: str) -> bool:
    """True for addresses of the Wagtail admin (and its previews), which get the admin's policy."""
    return path.startswith(tuple(settings.PORTAL_ADMIN_URL_PREFIXES))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy for admin addresses."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = settings.PORTAL_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            # A nonce beside 'unsafe-inline' would switch 'unsafe-inline' off in browsers.
            parts.nonce = None
        return parts


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy``: the camera for this site only (the desk scans tickets), nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
