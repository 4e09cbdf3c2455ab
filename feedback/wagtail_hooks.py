"""Feedback's admin screens: feedback forms, the analytics dashboard, the performance report, the legacy register import."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from crm.audit import register_actions

from .models import FeedbackForm, Measure


@hooks.register("register_admin_viewset")
def register_analytics_viewset():
    """Reports → Feedback and training analytics (feedback/analytics_admin.py), team only."""
    from .analytics_admin import AnalyticsViewSet

    return AnalyticsViewSet()


@hooks.register("register_reports_menu_item")
def register_analytics_menu_item():
    from crm.admin_access import TeamMenuItem

    return TeamMenuItem(
        "Feedback and training analytics",
        reverse("feedback_analytics:index"),
        name="feedback-analytics",
        icon_name="table",
        order=1002,
    )


@hooks.register("register_admin_viewset")
def register_performance_report_viewset():
    """Reports → Performance report (feedback/admin_reports.py): the year's figures and the quarterly return."""
    from .admin_reports import PerformanceReportViewSet

    return PerformanceReportViewSet()


@hooks.register("register_reports_menu_item")
def register_performance_report_menu_item():
    from crm.admin_access import TeamMenuItem

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


class FeedbackFormAdminForm(WagtailAdminModelForm):
    """The form and its questions, checked together: each figure (measure) asked once per form.

    The database says so too (``one_question_per_measure_per_form``), but a question's form is not one
    of its fields, so the inline's own checks cannot see the clash: without this it would be a server error.
    """

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, int] = {}
        for number, form in enumerate(self.formsets["questions"].forms, start=1):
            # The parent is cleaned before its formsets: clean each question first (its own checks run once).
            data = form.cleaned_data if form.is_valid() else {}
            if not data or data.get("DELETE") or not data.get("measure"):
                continue
            measure = data["measure"]
            if measure in seen:
                form.add_error(
                    "measure",
                    f"“{Measure(measure).label}” is already asked by question {seen[measure]}: "
                    "each figure can be asked once per form.",
                )
            else:
                seen[measure] = number
        return cleaned


class FeedbackFormViewSet(SnippetViewSet):
    """Feedback forms: the Prevent team's (the model's permissions, which only the team holds)."""

    model = FeedbackForm
    icon = "form"
    menu_label = "Feedback forms"
    list_display = ["title", "default_for", "updated_at"]
    list_filter = ["default_for"]
    search_fields = ["title"]
    edit_handler = ObjectList(FeedbackForm.panels, base_form_class=FeedbackFormAdminForm)


register_snippet(FeedbackFormViewSet)
