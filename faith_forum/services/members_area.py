"""The members' area: members-only pages (and what restricts them).

A ``ForumMembersPage`` made directly beneath the forum page is restricted to the *Faith Forum
member* role and the Prevent team; pages beneath it inherit the restriction (Wagtail's own page
privacy). ``portal.wagtail_hooks`` answers a signed-in visitor without the role with a 403 saying
who the page is for; visitors not signed in are sent to sign in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Page, PageViewRestriction

from crm import roles

if TYPE_CHECKING:
    from crm.models import User

MEMBERS_AREA_ROLES = (roles.FAITH_FORUM_MEMBER, roles.PREVENT_ADMIN)


@transaction.atomic
def members_area_restrict(page: Page, *, by: User | None = None) -> PageViewRestriction:
    """Restrict ``page`` (and so the pages beneath it) to Faith Forum members and the team.

    Idempotent: a page already restricted to groups keeps its restriction, with the two groups added
    (a group the team added by hand stays). A password or "signed in" restriction is replaced: the
    members' area is for members, not for anyone with an account or a shared password. The change is
    in the page's history (Wagtail logs a view restriction saved with its user).
    """
    groups = list(Group.objects.filter(name__in=MEMBERS_AREA_ROLES))
    restriction = PageViewRestriction.objects.filter(page=page, restriction_type=PageViewRestriction.GROUPS).first()
    PageViewRestriction.objects.filter(page=page).exclude(restriction_type=PageViewRestriction.GROUPS).delete()
    if restriction is None:
        restriction = PageViewRestriction(page=page, restriction_type=PageViewRestriction.GROUPS)
        restriction.save(user=by)
    restriction.groups.add(*groups)
    return restriction


def needs_own_restriction(page: Page) -> bool:
    """A members' page directly beneath the forum page carries the restriction; deeper ones inherit it."""
    from ..models import FaithForumPage, ForumMembersPage

    if not isinstance(page.specific, ForumMembersPage):
        return False
    parent = page.get_parent()
    return parent is not None and isinstance(parent.specific, FaithForumPage)
