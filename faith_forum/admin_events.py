"""The team's admin screens for forum events: scheduling and publishing, each event's figures, participation.

- Faith Forum → Events (``/admin/faith-forum/events/``): a ``ModelViewSet`` on ``ForumEvent`` whose form
  also holds the session's fields; saving goes through ``forum_event_create`` / ``forum_event_update``
  (one transaction, the events app's session rules and emails). Publish (and take off the pages) are
  their own buttons, as publishing emails members the first time.
- Each event's report (``<id>/report/``): replies by answer with guests, who came (the events app's
  attendance) and the organisations represented; the list of who came downloads as CSV/XLSX, audited.
- Participation (``/admin/faith-forum/participation/?year=2025``): each member organisation's rate over
  a financial year; organisations, not people, so its downloads are not audited.

Every screen is the team's only (``TeamOnlyMixin``, ``TeamMenuItem``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views import View
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from crm.admin_access import TeamMenuItem, TeamOnlyMixin
from crm.exports import ExportIndexView, ExportModelViewSet, SpreadsheetExportMixin
from crm.periods import FinancialYear, financial_year_of

from .event_forms import ForumEventAdminForm
from .models import ForumEvent
from .selectors import event_report, participation
from .services import (
    ForumEventError,
    forum_event_create,
    forum_event_delete,
    forum_event_publish,
    forum_event_unpublish,
    forum_event_update,
)

ICON = "group"


# --- Events: list, add, edit, delete ----------------------------------------------------------------


class ForumEventIndexView(TeamOnlyMixin, ExportIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("session", "session__course")
            .annotate(
                going=Count("rsvps", filter=Q(rsvps__answer="going"), distinct=True),
                present=Count(
                    "session__attendances", filter=Q(session__attendances__undone_at__isnull=True), distinct=True
                ),
            )
        )

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            MenuItem(
                "Report", url=reverse("forum_events:report", args=[instance.pk]), icon_name="doc-full", priority=20
            )
        )
        buttons.append(
            MenuItem(
                "Check-in desk", url=reverse("events:desk", args=[instance.session_id]), icon_name="tick", priority=21
            )
        )
        return buttons


class ForumEventSaveMixin(TeamOnlyMixin):
    """The event and its session saved together by their service; a refused rule shows on the form."""

    def save_instance(self):
        form = self.form
        session = form.session_instance()
        trainers = list(form.cleaned_data["trainers"])
        if self.form.instance.pk:
            event = forum_event_update(event=form.instance, session=session, trainers=trainers, by=self.request.user)
        else:
            event = forum_event_create(event=form.instance, session=session, trainers=trainers, by=self.request.user)
        log(event, self.log_action, user=self.request.user)
        return event

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
            self.produced_error_message = "The event could not be saved: see the errors below."
            return self.form_invalid(form)


class ForumEventCreateView(ForumEventSaveMixin, generic.CreateView):
    log_action = "wagtail.create"

    def get_success_url(self):
        return reverse("forum_events:edit", args=[self.object.pk])

    def get_success_message(self, instance):
        return f"“{instance.title}” is scheduled. It is not published yet: publish it to list it and email members."


class ForumEventEditView(ForumEventSaveMixin, generic.EditView):
    log_action = "wagtail.edit"

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        label = "Take off the forum pages" if self.object.is_published else "Publish"
        buttons.append(
            HeaderButton(label, url=reverse("forum_events:publish", args=[self.object.pk]), icon_name="upload")
        )
        buttons.append(
            HeaderButton("Report", url=reverse("forum_events:report", args=[self.object.pk]), icon_name="doc-full")
        )
        return buttons


class ForumEventDeleteView(TeamOnlyMixin, generic.DeleteView):
    """Deleting a forum event deletes its session with it (``session_delete`` logs what went)."""

    def delete_action(self):
        forum_event_delete(event=self.object, by=self.request.user)


class ForumEventPublishView(TeamOnlyMixin, WagtailAdminTemplateMixin, View):
    """Publish an event (emailing members the first time), or take it off the forum's pages. A page asks first."""

    template_name = "faith_forum/admin/event_publish.html"
    header_icon = ICON

    @cached_property
    def event(self) -> ForumEvent:
        return get_object_or_404(ForumEvent.objects.select_related("session"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"{'Take off' if self.event.is_published else 'Publish'}: {self.event.title}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("forum_events:index"), "label": "Forum events"},
            {"url": reverse("forum_events:edit", args=[self.event.pk]), "label": self.event.title},
            {"url": "", "label": "Take off" if self.event.is_published else "Publish"},
        ]

    def get(self, request, pk):
        return TemplateResponse(request, self.template_name, self.get_context_data(event=self.event))

    def post(self, request, pk):
        event = self.event
        if event.is_published:
            forum_event_unpublish(event=event, by=request.user)
            log(event, "wagtail.unpublish", user=request.user)
            messages.success(request, f"“{event.title}” is no longer listed on the forum's pages.")
        else:
            try:
                sent = forum_event_publish(event=event, by=request.user)
            except ForumEventError as error:
                messages.error(request, error.message)
                return redirect("forum_events:edit", event.pk)
            log(event, "wagtail.publish", user=request.user)
            messages.success(
                request,
                f"“{event.title}” is published"
                + (
                    f" and {sent} member{'s' if sent != 1 else ''} emailed."
                    if sent
                    else " (members were emailed before)."
                ),
            )
        return redirect("forum_events:edit", event.pk)


# --- Each event's report -----------------------------------------------------------------------------


class ForumEventReportView(TeamOnlyMixin, SpreadsheetExportMixin, ReportView):
    """One event: replies by answer (with guests), who came and the organisations represented."""

    template_name = "faith_forum/admin/event_report.html"
    header_icon = ICON
    paginate_by = 200
    export_names_people = True
    export_what = "forum event attendance"
    list_export = ["name", "email", "organisations", "method", "checked_in_at"]
    export_headings = {
        "name": "Name",
        "email": "Email",
        "organisations": "Member organisations",
        "method": "How recorded",
        "checked_in_at": "Checked in at",
    }

    @cached_property
    def event(self) -> ForumEvent:
        return get_object_or_404(ForumEvent.objects.select_related("session", "session__course"), pk=self.kwargs["pk"])

    @cached_property
    def report(self):
        return event_report(event=self.event)

    def get_page_title(self):
        return f"Report: {self.event}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("forum_events:index"), "label": "Forum events"},
            {"url": "", "label": self.event.title},
        ]

    def get_index_url(self):
        return reverse("forum_events:report", args=[self.event.pk])

    def get_index_results_url(self):
        return reverse("forum_events:report_results", args=[self.event.pk])

    def get_queryset(self):
        return self.report.attendances

    def get_export_about(self):
        return self.event

    def to_row_dict(self, item):
        return {
            "name": item.display_name,
            "email": item.user.email if item.user_id else item.email,
            "organisations": ", ".join(item.organisations),
            "method": item.get_method_display(),
            "checked_in_at": item.checked_in_at,
        }

    @cached_property
    def columns(self):
        return [
            Column("name", label="Name", accessor="display_name"),
            Column("organisations", label="Member organisations", accessor=lambda a: ", ".join(a.organisations)),
            Column("method", label="How recorded", accessor="get_method_display"),
            Column("checked_in_at", label="Checked in at", accessor=lambda a: timezone.localtime(a.checked_in_at)),
        ]

    def get_filename(self):
        return f"forum-event-{slugify(self.event.title)}-{timezone.localdate(self.event.session.starts_at):%Y-%m-%d}"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context.update(event=self.event, report=self.report)
        return context


# --- Participation over a financial year ---------------------------------------------------------------


class ParticipationView(TeamOnlyMixin, SpreadsheetExportMixin, ReportView):
    """Each member organisation's forum events held while it was a member, those it had someone at, and the rate."""

    template_name = "faith_forum/admin/participation.html"
    header_icon = ICON
    paginate_by = 200
    page_title = "Faith Forum participation"
    export_names_people = False
    export_what = "forum participation"
    list_export = ["organisation", "faith", "status", "could_attend", "attended", "rate"]
    export_headings = {
        "organisation": "Organisation",
        "faith": "Faith",
        "status": "Membership",
        "could_attend": "Forum events it could attend",
        "attended": "Events it had someone at",
        "rate": "Participation rate (%)",
    }

    @cached_property
    def year(self) -> FinancialYear:
        try:
            return FinancialYear(int(self.request.GET.get("year", "")))
        except ValueError:
            return FinancialYear.current()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": "Participation"}]

    def get_index_url(self):
        return reverse("forum_participation:index")

    def get_index_results_url(self):
        return reverse("forum_participation:index_results")

    def get_queryset(self):
        return participation(year=self.year)

    def to_row_dict(self, item):
        return {
            "organisation": item.organisation,
            "faith": item.membership.get_faith_display(),
            "status": item.membership.get_status_display(),
            "could_attend": item.could_attend,
            "attended": item.attended,
            "rate": item.rate if item.rate is not None else "",
        }

    @cached_property
    def columns(self):
        return [
            Column("organisation", label="Organisation", accessor="organisation"),
            Column("status", label="Membership", accessor=lambda p: p.membership.get_status_display()),
            Column("could_attend", label="Events it could attend", accessor="could_attend"),
            Column("attended", label="Events it had someone at", accessor="attended"),
            Column("rate", label="Rate", accessor=lambda p: "—" if p.rate is None else f"{p.rate}%"),
        ]

    def get_filename(self):
        return f"faith-forum-participation-{self.year.start_year}"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        this_year = financial_year_of(timezone.localdate())
        context.update(
            year=self.year,
            years=[FinancialYear(y) for y in range(this_year, this_year - 6, -1)],
        )
        return context


# --- The viewsets -----------------------------------------------------------------------------------


class ForumEventViewSet(ExportModelViewSet):
    model = ForumEvent
    name = "forum_events"
    url_prefix = "faith-forum/events"
    icon = ICON
    menu_label = "Events"
    menu_item_class = TeamMenuItem
    add_to_admin_menu = False
    index_view_class = ForumEventIndexView
    add_view_class = ForumEventCreateView
    edit_view_class = ForumEventEditView
    delete_view_class = ForumEventDeleteView
    copy_view_enabled = False
    list_display = [
        "title",
        Column("starts", label="When", accessor=lambda e: timezone.localtime(e.session.starts_at)),
        "kind",
        "audience",
        # Not True / False: the team reads the list.
        Column(
            "is_published",
            label="Published",
            accessor=lambda e: "Yes" if e.is_published else "Not yet",
            sort_key="is_published",
        ),
        Column("going", label="Going", sort_key="going"),
        Column("present", label="Present", sort_key="present"),
    ]
    list_filter = ["kind", "audience", "is_published"]
    search_fields = ["title"]
    list_export = ["title", "session__starts_at", "session__venue", "kind", "audience", "is_published", "announced_at"]
    export_headings = {"session__starts_at": "Starts", "session__venue": "Venue"}
    export_filename = "forum-events"
    export_names_people = False
    ordering = ["-session__starts_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("audience")]),
            FieldPanel("course"),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            MultiFieldPanel([FieldPanel("venue"), FieldPanel("address"), FieldPanel("online_url")], heading="Where"),
            FieldRowPanel([FieldPanel("places_limited"), FieldPanel("capacity")]),
            FieldPanel("trainers"),
            FieldPanel("description"),
            FieldPanel("accessibility_notes"),
            FieldPanel("dietary_notes"),
            FieldPanel("status"),
        ],
        base_form_class=ForumEventAdminForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/publish/", ForumEventPublishView.as_view(), name="publish"),
            path("<int:pk>/report/", ForumEventReportView.as_view(), name="report"),
            path("<int:pk>/report/results/", ForumEventReportView.as_view(results_only=True), name="report_results"),
        ]


class ParticipationViewSet(ViewSet):
    name = "forum_participation"
    url_prefix = "faith-forum/participation"
    icon = ICON
    menu_label = "Participation"
    menu_item_class = TeamMenuItem
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("", ParticipationView.as_view(), name="index"),
            path("results/", ParticipationView.as_view(results_only=True), name="index_results"),
        ]


# What h2 adds to the "Faith Forum" admin menu group (faith_forum/wagtail_hooks.py builds the group).
FORUM_EVENT_MENU_ITEMS = (ForumEventViewSet, ParticipationViewSet)
