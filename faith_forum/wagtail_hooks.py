"""The Faith Forum's admin: one menu group, "Faith Forum", for the team only.

Each area's screens live in their own module (``admin_membership``: applications and memberships;
``admin_events``: events and participation), which registers its viewsets and gives its menu items;
``FORUM_MENU_ITEMS`` collects them (ordered by each item's ``order``) into the one submenu.
"""

from django.urls import reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from crm.admin_access import TeamMenuItem

from .admin_events import FORUM_EVENT_MENU_ITEMS
from .admin_membership import MEMBERSHIP_MENU_ITEMS

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
