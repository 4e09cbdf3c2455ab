"""The members' area: members-only pages with papers, and the member directory.

Both check the role here as well as through the page's view restriction, so a members' page that
lost its restriction (moved, or edited in the admin) still shows nothing to anyone else.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from crm import roles

from ..directory import member_directory as directory_entries
from ..papers import forum_papers
from ..services.members_area import MEMBERS_AREA_ROLES


def _sign_in_or_refuse(request):
    """Faith Forum members and the team pass (None); anyone else is sent to sign in, or refused (403) if signed in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not roles.has_role(request.user, roles.FAITH_FORUM_MEMBER):
        # The refusal page (portal.views.permission_denied) says who the page is for.
        request.view_restriction_groups = list(MEMBERS_AREA_ROLES)
        raise PermissionDenied("Your account does not have the role this page needs.")
    return None


def _top_members_page(page):
    """The members' area's own page: the first members' page beneath the forum page (``page`` or an ancestor)."""
    from ..models import FaithForumPage, ForumMembersPage

    for ancestor in [page, *reversed(page.get_ancestors())]:
        parent = ancestor.get_parent()
        if isinstance(ancestor.specific, ForumMembersPage) and isinstance(parent.specific, FaithForumPage):
            return ancestor.specific
    return page


def members_page(request, *, page):
    """A members' page: its text and documents, the pages beneath it, and (at the top) the papers and directory."""
    if (refusal := _sign_in_or_refuse(request)) is not None:
        return refusal
    top = _top_members_page(page)
    is_top = top.pk == page.pk
    context = {
        "members_home": top,
        "is_top": is_top,
        "subpages": page.get_children().live().specific(),
        "papers": forum_papers(limit=20) if is_top else [],
        "directory_url": top.url + top.reverse_subpage("directory"),
        "is_team": roles.is_team(request.user),
    }
    return page.render(request, context_overrides=context)


def member_directory(request, *, page):
    """The member directory (on the members' area's own page only): what each organisation agreed to share."""
    if (refusal := _sign_in_or_refuse(request)) is not None:
        return refusal
    if _top_members_page(page).pk != page.pk:
        raise Http404("The directory is on the members' area's own page.")
    entries = directory_entries()
    return page.render(
        request,
        template="faith_forum/directory.html",
        context_overrides={"entries": entries, "is_team": roles.is_team(request.user), "members_home": page},
    )
