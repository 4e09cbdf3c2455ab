"""The "Faith Forum" admin menu group: each module's screens (``admin_events``...) in one submenu, team only."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin_events import FORUM_EVENT_MENU_ITEMS

FORUM_MENU_ITEMS = (*FORUM_EVENT_MENU_ITEMS,)


class FaithForumViewSetGroup(ViewSetGroup):
    items = FORUM_MENU_ITEMS
    menu_label = "Faith Forum"
    menu_icon = "group"
    menu_order = 160


@hooks.register("register_admin_viewset")
def register_faith_forum_viewsets():
    return FaithForumViewSetGroup()
