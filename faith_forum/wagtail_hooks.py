"""The Faith Forum's admin: one menu group, "Faith Forum", for the team only.

Each area's screens live in their own module and give their menu items; ``FORUM_MENU_ITEMS``
collects them (ordered by each item's ``order``) into the one submenu.
"""

from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from .admin_membership import MEMBERSHIP_MENU_ITEMS

FORUM_MENU_ITEMS = [
    *MEMBERSHIP_MENU_ITEMS,  # Applications, Memberships
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
