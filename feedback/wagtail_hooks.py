"""Feedback's admin screens."""

from django.urls import path, reverse
from wagtail import hooks

from crm.audit import register_actions


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


@hooks.register("register_admin_urls")
def register_register_import_urls():
    """CRM → Import legacy registers (feedback/import_admin.py): the Prevent team only."""
    from .import_admin import register_import_confirm_view, register_import_template_view, register_import_view

    return [
        path("imports/registers/", register_import_view, name="feedback_register_import"),
        path("imports/registers/confirm/", register_import_confirm_view, name="feedback_register_import_confirm"),
        path(
            "imports/registers/template.<str:fmt>",
            register_import_template_view,
            name="feedback_register_import_template",
        ),
    ]


@hooks.register("register_crm_import_menu_item")
def register_register_import_menu_item():
    from .import_admin import TITLE, RegisterImportMenuItem

    return RegisterImportMenuItem(TITLE, reverse("feedback_register_import"), icon_name="download")


@hooks.register("register_log_actions")
def register_register_import_log_actions(actions):
    """A legacy register imported: who, the file's name and the counts (Reports → Site history)."""
    from .imports import ACTIONS

    register_actions(actions, ACTIONS)
