"""The Faith Forum's admin: one menu group, "Faith Forum", for the team only.

Each area's screens live in their own module (``admin_membership``: applications and memberships;
``admin_events``: events and participation), which registers its viewsets and gives its menu items;
``FORUM_MENU_ITEMS`` collects them (ordered by each item's ``order``) into the one submenu.
"""

from django.urls import reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.models import Page

from crm.admin_access import TeamMenuItem

from .admin_events import FORUM_EVENT_MENU_ITEMS
from .admin_membership import MEMBERSHIP_MENU_ITEMS
from .papers import forum_papers_collection
from .services.members_area import members_area_restrict, needs_own_restriction

FORUM_MENU_ITEMS = [
    *MEMBERSHIP_MENU_ITEMS,  # Applications, Memberships
    TeamMenuItem("Events", reverse_lazy("forum_events:index"), icon_name="date", order=300),
    TeamMenuItem("Participation", reverse_lazy("forum_participation:index"), icon_name="table", order=400),
]


@hooks.register("register_admin_menu_item")
def register_forum_menu():
    return SubmenuMenuItem(
        "Faith Forum",
        Menu(items=sorted(FORUM_MENU_ITEMS, key=lambda item: item.order)),
        icon_name="group",
        name="faith-forum",
        order=160,
    )


@hooks.register("register_admin_viewset")
def register_forum_event_viewsets():
    return [viewset() for viewset in FORUM_EVENT_MENU_ITEMS]


# --- Members' area: a members' page made (or moved) directly beneath the forum page is restricted to
# Faith Forum members and the team as soon as it exists, so it is never public, even as a draft's preview.


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
