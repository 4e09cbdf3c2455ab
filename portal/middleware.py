from django.core.exceptions import PermissionDenied
from django.urls import reverse


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
