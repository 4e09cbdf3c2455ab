"""The one way an admin screen is kept to the Prevent team: a mixin for its views and a menu item for its link.

The menu only hides the link; ``TeamOnlyMixin`` refuses every request (exports and POSTs too) from
anyone who is not on the team (``crm.roles.is_team``).
"""

from django.core.exceptions import PermissionDenied
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy

from .roles import is_team


class TeamOnlyMixin:
    """The view is the Prevent team's: checked on every request, whatever the menu shows."""

    def dispatch(self, request, *args, **kwargs):
        if not is_team(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TeamMenuItem(MenuItem):
    """A menu item shown to the Prevent team only."""

    def is_shown(self, request):
        return is_team(request.user)


class PolicyWithout(ModelPermissionPolicy):
    """The model's usual permissions, minus actions that would skip a business rule (for anyone, superusers too)."""

    def __init__(self, model, *, without: tuple[str, ...]):
        super().__init__(model)
        self.without = set(without)

    def user_has_permission(self, user, action):
        return action not in self.without and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
