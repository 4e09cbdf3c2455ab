"""Feedback's screens in the Wagtail admin."""

from django.urls import reverse
from wagtail import hooks

from .analytics_admin import AnalyticsMenuItem, AnalyticsViewSet


@hooks.register("register_admin_viewset")
def register_analytics_viewset():
    """Reports → Feedback and training analytics (feedback/analytics_admin.py), team only."""
    return AnalyticsViewSet()


@hooks.register("register_reports_menu_item")
def register_analytics_menu_item():
    return AnalyticsMenuItem(
        "Feedback and training analytics",
        reverse("feedback_analytics:index"),
        name="feedback-analytics",
        icon_name="table",
        order=1002,
    )
