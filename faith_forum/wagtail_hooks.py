"""The forum's admin pieces: Wagtail hooks.

Members' area: a members' page made (or moved) directly beneath the forum page is restricted to
Faith Forum members and the team as soon as it exists, so it is never public, even as a draft's preview.
"""

from wagtail import hooks
from wagtail.models import Page

from .papers import forum_papers_collection
from .services.members_area import members_area_restrict, needs_own_restriction


def _restrict_members_area(request, page):
    page = Page.objects.get(pk=page.pk)  # where it is now (a move leaves the old tree path on the instance)
    if needs_own_restriction(page):
        members_area_restrict(page, by=request.user)
        forum_papers_collection()  # where its papers go: made with the area


@hooks.register("after_create_page")
def restrict_new_members_area(request, page):
    _restrict_members_area(request, page)


@hooks.register("after_move_page")
def restrict_moved_members_area(request, page):
    _restrict_members_area(request, page)
