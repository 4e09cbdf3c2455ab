"""The team's view of the outbox (Settings → Outgoing email): what is waiting, what failed and why.

Read only, for the Prevent team (and superusers): nobody adds, edits or deletes a message
here. "Retry now" puts a waiting or failed message back in the queue, due at once. The
message bodies are not shown: they hold people's one-time links (password resets, cancels).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import roles
from .models import OutboxMessage, OutboxStatus
from .outbox import FAILED_SHOWN_DAYS, outbox_health, outbox_retry

RETRIED = "The email is queued and will be sent on the sender's next run."


class OutboxPermissionPolicy(ModelPermissionPolicy):
    """The team may view the outbox and retry a message; no one may add, change or delete one."""

    ACTIONS = frozenset({"view", "retry"})

    def user_is_team(self, user) -> bool:
        return user.is_active and (user.is_superuser or roles.PREVENT_ADMIN in roles.role_names(user))

    def user_has_permission(self, user, action):
        return action in self.ACTIONS and self.user_is_team(user)

    def users_with_any_permission(self, actions):
        if not self.ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(groups__name=roles.PREVENT_ADMIN), is_active=True)
            .distinct()
        )


POLICY = OutboxPermissionPolicy(OutboxMessage)
register_permission_policy(OutboxMessage, POLICY, exact_class=True)


class OutboxHealthPanel(Component):
    """On the team's admin dashboard, only when something is wrong: emails late, retrying or failed.

    Late emails mean the sender (``manage.py send_outbox``) is not running: nothing else tells
    the team that confirmations and password resets have stopped going out.
    """

    name = "outbox_health"
    order = 10  # above Wagtail's own panels
    template_name = "crm/outbox_health_panel.html"

    def render_html(self, parent_context=None):
        if not POLICY.user_has_permission(parent_context["request"].user, "view"):
            return ""
        self.health = outbox_health()
        return "" if self.health.ok else super().render_html(parent_context)

    def get_context_data(self, parent_context=None):
        index = reverse("outbox:index")
        return {
            "health": self.health,
            "late_minutes": int(self.health.late_after.total_seconds() // 60),
            "failed_days": FAILED_SHOWN_DAYS,
            "queued_url": f"{index}?status={OutboxStatus.QUEUED}",
            "failed_url": f"{index}?status={OutboxStatus.FAILED}",
        }


class OutboxIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status in (OutboxStatus.QUEUED, OutboxStatus.FAILED):
            buttons.append(
                MenuItem("Retry now", url=reverse("outbox:retry", args=[instance.pk]), icon_name="rotate", priority=5)
            )
        return buttons


def retry_view(request, pk):
    """Ask, then put the message back in the queue (POST only changes anything)."""
    if not POLICY.user_has_permission(request.user, "retry"):
        raise PermissionDenied
    message = get_object_or_404(OutboxMessage, pk=pk)
    if request.method == "POST":
        outbox_retry(message=message)
        messages.success(request, RETRIED)
        return redirect("outbox:index")
    return TemplateResponse(request, "crm/outbox_retry.html", {"message": message})


class OutboxViewSet(ModelViewSet):
    model = OutboxMessage
    name = "outbox"
    url_prefix = "outbox"
    icon = "mail"
    menu_label = "Outgoing email"
    add_to_settings_menu = True
    index_view_class = OutboxIndexView
    inspect_view_enabled = True
    list_display = ["subject", "recipients", "status", "attempts", "next_attempt_at", "last_error", "created_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
    inspect_view_fields = [
        "subject",
        "recipients",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    form_fields = ["status"]  # never reachable: the policy allows no change

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("<int:pk>/retry/", retry_view, name="retry")]
