from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from crm import roles


class AdminAccessMiddleware:
    """Refuse the Wagtail admin with a 403 to people who are signed in but may not use it.

    Wagtail would send them to the sign-in page, which - as they are already
    signed in - sends them straight back: a loop instead of an answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("wagtailadmin_home")

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self.admin_prefix)
            and user is not None
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            raise PermissionDenied("The team admin is for the Prevent team and outreach officers.")
        return self.get_response(request)


class StaffIdleTimeoutMiddleware:
    """People whose roles reach the admin, the CRM, registers or compliance lists are signed out when idle.

    Their session lasts ``STAFF_IDLE_TIMEOUT_SECONDS`` (default 30 minutes) from
    their last request, so a council PC left signed in does not stay open on
    people's records. Everyone else keeps Django's usual session length.
    """

    STAFF_ROLES = (roles.PREVENT_ADMIN, roles.OUTREACH_OFFICER, roles.TRAINER)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and roles.has_role(user, *self.STAFF_ROLES):
            # Setting the expiry marks the session modified, so each request moves the deadline on.
            request.session.set_expiry(settings.STAFF_IDLE_TIMEOUT_SECONDS)
        return self.get_response(request)
