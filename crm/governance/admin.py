"""Governance in the Wagtail admin (team only): meeting series, meetings, minutes, concern themes, actions.

Registered from ``crm.wagtail_hooks`` as one menu group, *Governance*. Only the Prevent team
holds the ``crm`` permissions these screens check (``crm.roles``); other admin roles are refused.
Minutes are a snippet with drafts and revisions: *Approve* (Wagtail's "Publish") is
``services.minutes_approve``; saving approved minutes makes a new draft while the approved
version stays live. An action's status moves only through *Add an update*
(``services.action_update``), so its update log is complete.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, Panel
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic import EditView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.snippets.action_menu import PublishMenuItem
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from crm.exports import ExportIndexView, ExportModelViewSet, SpreadsheetExportMixin

from .models import (
    ActionStatus,
    CommunityConcern,
    ConcernTheme,
    Meeting,
    MeetingAction,
    MeetingMinutes,
    MeetingSeries,
)
from .services import GovernanceError, action_update, minutes_approve

APPROVE_LABEL = "Approve minutes"
MINUTES_HELP = (
    "Save draft keeps your changes to yourself and the team. Approve minutes (Wagtail's Publish) makes this "
    "version the approved minutes that the group's members see. Approved minutes are locked: a later change is "
    "saved as a new draft, and the approved version stays as it is until the draft is approved. Every version "
    "is kept under History."
)
OVERDUE = "Overdue"


# --- Meeting series and meetings ---------------------------------------------------------------


class MeetingSeriesViewSet(ExportModelViewSet):
    model = MeetingSeries
    name = "meeting_series"
    url_prefix = "governance/series"
    icon = "group"
    menu_label = "Meeting series"
    list_display = ["name", "kind", "chair", "members_role"]
    list_filter = ["kind"]
    search_fields = ["name", "chair"]
    list_export = ["name", "kind", "chair", "members_role", "description"]
    export_filename = "meeting-series"
    export_names_people = False  # the chair is a post, not a person's name


class MeetingViewSet(ExportModelViewSet):
    model = Meeting
    name = "meetings"
    url_prefix = "governance/meetings"
    icon = "date"
    menu_label = "Meetings"
    list_display = ["__str__", "series", "starts_at", "venue", "status"]
    list_filter = ["series", "starts_at", "status"]
    search_fields = ["venue", "series__name"]
    search_backend_name = None  # the database's own search: no index to keep up to date
    ordering = ["-starts_at"]
    list_export = ["series", "starts_at", "ends_at", "venue", "online_url", "status"]
    export_filename = "meetings"
    export_names_people = False


# --- Minutes: publishing is approving ----------------------------------------------------------


class MinutesApproveMixin:
    """Wagtail's "Publish" on minutes goes through ``minutes_approve`` (the one rule), refusing empty minutes."""

    def publish_action(self):
        try:
            minutes_approve(minutes=self.object, by=self.request.user)
        except GovernanceError as error:
            messages.error(self.request, f"Saved as a draft, not approved: {error.message}")
            return redirect(self.get_edit_url())
        return None

    def get_success_message(self, *args, **kwargs):
        if self.action == "publish":
            return f"The minutes of {self.object.meeting} are approved."
        return super().get_success_message(*args, **kwargs)


class MinutesCreateView(MinutesApproveMixin, snippet_views.CreateView):
    pass


class MinutesEditView(MinutesApproveMixin, snippet_views.EditView):
    pass


class MinutesIndexView(SpreadsheetExportMixin, snippet_views.IndexView):
    export_names_people = False


class MeetingMinutesViewSet(SnippetViewSet):
    model = MeetingMinutes
    icon = "doc-full"
    menu_label = "Minutes"
    add_to_admin_menu = False
    menu_item_is_registered = True  # shown in the Governance menu, not under Snippets
    index_view_class = MinutesIndexView
    add_view_class = MinutesCreateView
    edit_view_class = MinutesEditView
    list_display = ["meeting", "meeting__series", "live", "has_unpublished_changes", "last_published_at"]
    list_filter = ["meeting__series", "live", "has_unpublished_changes"]
    search_fields = ["meeting__series__name", "body"]
    search_backend_name = None
    list_export = ["meeting", "meeting__series", "live", "has_unpublished_changes", "last_published_at", "updated_at"]
    export_headings = {
        "meeting__series": "Series",
        "live": "Approved",
        "has_unpublished_changes": "Draft changes waiting",
        "last_published_at": "Last approved",
    }
    export_filename = "meeting-minutes"
    panels = [HelpPanel(MINUTES_HELP, heading="Approving minutes"), FieldPanel("meeting"), FieldPanel("body")]


class ApproveMinutesMenuItem(PublishMenuItem):
    """Wagtail's "Publish" on minutes, reading "Approve minutes" (Wagtail's own template always says "Publish")."""

    label = APPROVE_LABEL
    template_name = "crm/governance/approve_minutes_action.html"


def approve_label(menu_items, request, context):
    """On minutes, Wagtail's "Publish" reads "Approve minutes": publishing is approving.

    The item is replaced, not relabelled: Wagtail shares its menu items between requests, and its
    publish button's template ignores the label.
    """
    if context.get("model") is MeetingMinutes:
        for index, item in enumerate(menu_items):
            if item.name == "action-publish":
                menu_items[index] = ApproveMinutesMenuItem(order=item.order)


# --- Concern themes ----------------------------------------------------------------------------


class ConcernThemeViewSet(ExportModelViewSet):
    model = ConcernTheme
    name = "concern_themes"
    url_prefix = "governance/concern-themes"
    icon = "tag"
    menu_label = "Concern themes"
    form_fields = ["name"]
    list_display = ["name"]
    search_fields = ["name"]
    list_export = ["name"]
    export_filename = "concern-themes"
    export_names_people = False


# --- Community concerns ----------------------------------------------------------------------------


class ConcernViewSet(ExportModelViewSet):
    """Concerns raised at meetings or sent in by PAG members: places and themes, never a named person.

    The model's ``clean`` runs the one personal-data guard on the description and the response.
    """

    model = CommunityConcern
    name = "concerns"
    url_prefix = "governance/concerns"
    icon = "warning"
    menu_label = "Community concerns"
    list_display = ["theme", "ward", "borough_wide", "level", "raised_by", "raised_on", "meeting"]
    list_filter = ["series", "theme", "level", "ward", "borough_wide"]
    search_fields = ["description", "response", "raised_by__name"]
    ordering = ["-raised_on"]
    list_export = [
        "raised_on",
        "series",
        "meeting",
        "theme",
        "ward",
        "borough_wide",
        "level",
        "raised_by",
        "description",
        "response",
    ]
    export_filename = "community-concerns"
    export_names_people = False  # organisations, places and themes; the guard keeps people out of the text
    panels = [
        HelpPanel(
            content="<p>Concerns are about places and themes, never about a named person: no names, contact "
            "details or anything that points to someone. Concerns about an individual go to the safeguarding "
            "route, not here.</p>"
        ),
        *CommunityConcern.panels,
    ]


# --- Actions -----------------------------------------------------------------------------------


def action_state(action: MeetingAction) -> str:
    return OVERDUE if action.is_overdue else action.get_status_display()


def action_owner(action: MeetingAction) -> str:
    """Who answers for the action: the person, the organisation, or both."""
    person = (action.owner.get_full_name() or str(action.owner)) if action.owner else ""
    return ", ".join(name for name in (person, str(action.owner_organisation or "")) if name)


class ActionFilterSet(WagtailFilterSet):
    overdue = django_filters.BooleanFilter(label="Overdue", method="filter_overdue")

    class Meta:
        model = MeetingAction
        fields = ["status", "meeting__series", "owner_organisation", "due_on"]

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        overdue = {"status": ActionStatus.OPEN, "due_on__lt": timezone.localdate()}
        if value is None:
            return queryset
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class ActionIndexView(ExportIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("meeting__series", "owner", "owner_organisation")


class UpdateLogPanel(Panel):
    """The action's update log, newest last, with a link to add an update (the only way its status moves)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "crm/governance/action_update_log.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            action = self.instance
            context["action"] = action
            context["updates"] = list(action.updates.select_related("by")) if action.pk else []
            context["add_url"] = reverse("meeting_actions:add_update", args=[action.pk]) if action.pk else ""
            return context


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What happened. Needed when the action is done or dropped. No names or contact details.",
    )


class ActionUpdateView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Add an entry to an action's update log (``services.action_update``)."""

    permission_required = "change"
    template_name = "crm/governance/action_update_form.html"
    form_class = ActionUpdateForm
    page_title = "Add an update"
    header_icon = "list-ul"

    @cached_property
    def action(self) -> MeetingAction:
        return get_object_or_404(MeetingAction.objects.select_related("meeting__series"), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.action)

    def get_initial(self):
        return {"status": self.action.status}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            action=self.action,
            updates=self.action.updates.select_related("by"),
            edit_url=reverse("meeting_actions:edit", args=[self.action.pk]),
        )

    def form_valid(self, form):
        try:
            action_update(
                action=self.action,
                note=form.cleaned_data["note"],
                status=form.cleaned_data["status"],
                by=self.request.user,
            )
        except GovernanceError as error:
            form.add_error("note", [error.message, *error.detail])
            return self.form_invalid(form)
        messages.success(self.request, "Update added.")
        return redirect("meeting_actions:edit", self.action.pk)


class ActionEditView(EditView):
    pass


class MeetingActionViewSet(ExportModelViewSet):
    model = MeetingAction
    name = "meeting_actions"
    url_prefix = "governance/actions"
    icon = "list-ul"
    menu_label = "Actions"
    index_view_class = ActionIndexView
    filterset_class = ActionFilterSet
    search_fields = ["description", "owner_organisation__name", "owner__first_name", "owner__last_name"]
    ordering = ["due_on"]
    list_display = [
        "description",
        Column("owner", label="Owner", accessor=action_owner),
        "meeting",
        "due_on",
        StatusTagColumn("state", label="Status", accessor=action_state, primary=lambda action: action.is_overdue),
    ]
    list_export = ["description", "meeting", "owner", "owner_organisation", "due_on", "status", "is_overdue"]
    export_headings = {"owner": "Owner (person)", "owner_organisation": "Owner (organisation)", "is_overdue": "Overdue"}
    export_filename = "meeting-actions"
    export_names_people = True  # owners are named people
    # The status moves only through "Add an update", so the update log is complete.
    panels = [
        FieldPanel("meeting"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("owner"), FieldPanel("owner_organisation")]),
        FieldPanel("due_on"),
        UpdateLogPanel(heading="Status and update log"),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("update/<int:pk>/", self.update_view, name="add_update"),
        ]

    @property
    def update_view(self):
        return ActionUpdateView.as_view(permission_policy=self.permission_policy)


class GovernanceViewSetGroup(ModelViewSetGroup):
    items = (
        MeetingSeriesViewSet,
        MeetingViewSet,
        MeetingMinutesViewSet,
        ConcernViewSet,
        MeetingActionViewSet,
        ConcernThemeViewSet,
    )
    menu_label = "Governance"
    menu_icon = "group"
    menu_order = 210
