from django.core.exceptions import PermissionDenied
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.models import CollectionViewRestriction, PageViewRestriction

from crm import roles


@hooks.register("before_serve_page")
def refuse_signed_in_people_outside_a_pages_groups(page, request, serve_args, serve_kwargs):
    """A page restricted to some roles answers 403 to people signed in without them.

    Wagtail would send them to the sign-in page, which - as they are already signed
    in - sends them straight back: a loop instead of an answer (as in the admin, see
    ``AdminAccessMiddleware``). People not signed in still get Wagtail's sign-in redirect.
    """
    if not request.user.is_authenticated:
        return None
    for restriction in roles.view_restrictions(page):
        if restriction.restriction_type == PageViewRestriction.GROUPS and not restriction.accept_request(request):
            # The refusal page (portal.views.permission_denied) says who the page is for.
            request.view_restriction_groups = [group.name for group in restriction.groups.all()]
            raise PermissionDenied("Your account does not have the role this page needs.")
    return None


@hooks.register("before_serve_document", order=-1)  # before Wagtail's own check, which sends them to sign in
def refuse_signed_in_people_outside_a_documents_groups(document, request):
    """A document in a collection restricted to some roles answers 403 to people signed in without them.

    As for pages (above): Wagtail would send them to the sign-in page, which sends a signed-in person
    straight back to the document: a loop of redirects instead of an answer. Meeting papers (the team's)
    and Faith Forum papers (members') are such collections. People not signed in are still sent to sign in.
    """
    if not request.user.is_authenticated:
        return None
    for restriction in document.collection.get_view_restrictions():
        if restriction.restriction_type == CollectionViewRestriction.GROUPS and not restriction.accept_request(request):
            request.view_restriction_groups = [group.name for group in restriction.groups.all()]
            raise PermissionDenied("Your account does not have the role this document needs.")
    return None


@hooks.register("insert_global_admin_css")
def admin_css():
    """The project's few additions to the admin's styles (static/css/admin.css)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
