"""Feedback's admin screens."""

from django.urls import reverse
from wagtail import hooks


@hooks.register("register_admin_viewset")
def register_performance_report_viewset():
    """Reports → Performance report (feedback/admin_reports.py): the year's figures and the quarterly return."""
    from .admin_reports import PerformanceReportViewSet

    return PerformanceReportViewSet()


@hooks.register("register_reports_menu_item")
def register_performance_report_menu_item():
    from .admin_reports import TeamMenuItem

    return TeamMenuItem(
        "Performance report",
        reverse("feedback_report:index"),
        name="performance-report",
        icon_name="doc-full",
        order=900,
    )
