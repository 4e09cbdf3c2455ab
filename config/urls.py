from allauth.account import views as account_views
from django.conf import settings
from django.db import transaction
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import views as portal_views

urlpatterns = [
    path("healthz", portal_views.healthz, name="healthz"),
    # One sign-in for everyone: the admin's login page hands over to allauth's.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # And Wagtail's front-end one: as a plain Django LoginView it would skip allauth's email
    # verification and throttle of wrong passwords (found by tests/test_permission_matrix.py).
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailcore_login",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Sign-up is one transaction: if any step after the account is made fails, no half-made
    # account is left that could sign in (issue 10 item 6).
    path("accounts/signup/", transaction.atomic(account_views.signup), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("outreach/", include("crm.outreach.urls")),
    path("advisory-group/", include("crm.governance.urls")),
    path("feedback/", include("feedback.urls")),
    path("forum/", include("faith_forum.urls")),
    path("", include("portal.urls")),
    path("", include("events.urls")),
]

if settings.PORTAL_BENCH_VIEWS:  # `make bench` only (portal/bench.py): never in a deployment
    from portal.bench import bare_view

    urlpatterns.insert(0, path("_bench/bare/", bare_view))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving comes last so it never hides another URL.
urlpatterns += [path("", include(wagtail_urls))]

# The refusal page says who a restricted page is for and how to get access.
handler403 = "portal.views.permission_denied"
