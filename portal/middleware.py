from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from crm import roles
from crm.authcache import auth_cached


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


# When the idle deadline was last moved on, and how often it is.
STAFF_SEEN_SESSION_KEY = "portal_staff_seen"
STAFF_IDLE_REFRESH_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    """People whose roles reach the admin, the CRM, registers or compliance lists are signed out when idle.

    Their session lasts ``STAFF_IDLE_TIMEOUT_SECONDS`` (default 30 minutes) from
    their last request, so a council PC left signed in does not stay open on
    people's records. Everyone else keeps Django's usual session length.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and roles.reaches_records(user):
            # Setting the expiry marks the session modified, so the request saves it and moves the deadline
            # on. Once a minute is enough (a deadline up to a minute early): a write on every request of the
            # desk or a scan cost as much as the rest of the request (issue 15).
            now = int(timezone.now().timestamp())
            seen = request.session.get(STAFF_SEEN_SESSION_KEY)
            if seen is None or now - seen >= STAFF_IDLE_REFRESH_SECONDS:
                request.session.set_expiry(settings.STAFF_IDLE_TIMEOUT_SECONDS)
                request.session[STAFF_SEEN_SESSION_KEY] = now
        return self.get_response(request)


MFA_SETUP_NEEDED = (
    "Your role gives you access to people's records, so your account needs two-factor authentication. "
    "Set up an authenticator app on your phone to carry on."
)
# Where someone who has still to set up two-factor authentication was going: offered once it is set up.
MFA_NEXT_SESSION_KEY = "portal_mfa_next"


def has_totp(user) -> bool:
    """Whether the user has an authenticator app, kept between requests (crm.authcache: any change to one is seen at once)."""
    return auth_cached(
        user, "totp", lambda: Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
    )


class MFARequiredMiddleware:
    """People whose roles reach people's records use the site only once two-factor authentication is on.

    Until they have an authenticator app (TOTP), every address but the account pages
    (``/accounts/``: setting it up, signing out, password and email) and static files sends
    them to set one up (a GET) or is refused (a POST or any other method): the admin, the CRM,
    registers, desks and compliance lists, and every address added later, are covered without
    a list to keep up to date. Once it is on, allauth asks for a code at every sign-in.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_prefixes = tuple(
            prefix
            for prefix in ("/accounts/", settings.STATIC_URL, settings.MEDIA_URL, reverse("healthz"))
            if prefix and prefix.startswith("/")
        )
        self.mfa_prefix = reverse("mfa_index")

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.open_prefixes)
            and roles.reaches_records(user)
            and not has_totp(user)
        ):
            if request.method not in ("GET", "HEAD"):
                context = {"reason": MFA_SETUP_NEEDED, "mfa_setup_url": reverse("mfa_activate_totp")}
                return HttpResponseForbidden(loader.get_template("403.html").render(context, request))
            request.session[MFA_NEXT_SESSION_KEY] = request.get_full_path()
            messages.warning(request, MFA_SETUP_NEEDED)
            return redirect("mfa_activate_totp")
        response = self.get_response(request)
        if request.path.startswith(self.mfa_prefix):
            # The setup key and the recovery codes: never kept by a browser or proxy cache.
            add_never_cache_headers(response)
        return response
