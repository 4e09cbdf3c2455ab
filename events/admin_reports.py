"""The compliance dashboard in the Wagtail admin: mandatory training by status, for the Prevent team.

Three screens, every one of them for the team only (names and counts alike):

- the overview: each active requirement, counted by status, and for elected Members
  by Administration, Opposition and Cabinet;
- the drill-down: one requirement person by person, filtered by status and side,
  exported to CSV or XLSX by Wagtail's ``ReportView`` through ``crm.exports`` (every download logged);
- the public summary: counts only, small numbers suppressed, to paste into a committee report.

The status rules and the counting live in ``events.compliance``; this module only shows them.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton

from crm.admin_access import TeamMenuItem, TeamOnlyMixin
from crm.exports import CSV, SpreadsheetExportMixin, csv_bytes, spreadsheet_response
from crm.models import MemberSide
from crm.suppression import SUPPRESSION_NOTE

from .compliance import (
    PersonStatus,
    active_requirement_counts,
    count_rows,
    is_member_requirement,
    published_table,
    requirement_statuses,
)
from .models import RequirementStatus, TrainingRequirement

User = get_user_model()

ICON = "doc-full-inverse"


class RequirementMixin(TeamOnlyMixin):
    """Views of one requirement, found from the URL, with everyone's status worked out once per request."""

    @cached_property
    def requirement(self) -> TrainingRequirement:
        return get_object_or_404(TrainingRequirement, pk=self.kwargs["requirement_id"])

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def statuses(self) -> list[PersonStatus]:
        return requirement_statuses(requirement=self.requirement, today=self.today)

    @cached_property
    def for_members(self) -> bool:
        return is_member_requirement(self.requirement)

    def overview_breadcrumbs(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "Home"},
            {"url": reverse("compliance:index"), "label": "Compliance"},
        ]


# --- Overview --------------------------------------------------------------------------------


class ComplianceOverviewView(TeamOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every active requirement, counted by status (and by side for elected Members)."""

    template_name = "events/admin/compliance_overview.html"
    page_title = "Mandatory training compliance"
    header_icon = ICON

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": "Compliance"}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            today=today,
            requirements=active_requirement_counts(today=today),
            statuses=RequirementStatus.choices,
        )
        return context


# --- Drill-down ------------------------------------------------------------------------------


def _name(status: PersonStatus) -> str:
    return status.user.get_full_name() or status.user.email


def _on_screen(value):
    # On screen a tick-box column shows only the Yes; the export says Yes or No.
    return ("Yes" if value else "") if isinstance(value, bool) else value


# Each column of the drill-down and its export: name -> (heading, value). Member-only ones are marked.
PERSON_FIELDS: dict[str, tuple[str, object]] = {
    "name": ("Name", _name),
    "email": ("Email", lambda s: s.user.email),
    "organisation": ("Organisation", lambda s: s.user.organisation_name),
    "political_group": ("Political group", lambda s: s.user.political_group),
    "side": ("Side", lambda s: s.user.get_member_side_display()),
    "cabinet": ("Cabinet", lambda s: s.user.is_cabinet_member),
    "status": ("Status", lambda s: s.label),
    "last_completed": ("Last completed", lambda s: s.last_completed),
    "valid_until": ("Valid until", lambda s: s.valid_until),
    "booked_session": ("Booked session", lambda s: str(s.booked_session) if s.booked_session else ""),
    "pending_certificate": ("Certificate pending", lambda s: s.pending_certificate),
}
MEMBER_FIELDS = ("political_group", "side", "cabinet")
NO_WRAP = ("name", "status", "last_completed", "valid_until")

CABINET_CHOICES = [("yes", "Cabinet Members"), ("no", "Not in the Cabinet")]


class PersonStatusFilterSet(WagtailFilterSet):
    """Filters on worked-out statuses: the listing is a list of ``PersonStatus``, not a QuerySet."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=RequirementStatus.choices, empty_label="All", widget=forms.RadioSelect
    )
    side = django_filters.ChoiceFilter(
        label="Side", choices=MemberSide.choices, empty_label="All", widget=forms.RadioSelect
    )
    cabinet = django_filters.ChoiceFilter(
        label="Cabinet", choices=CABINET_CHOICES, empty_label="All", widget=forms.RadioSelect
    )

    class Meta:
        model = User
        fields = ()

    def __init__(self, *args, for_members: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_members:
            for name in ("side", "cabinet"):
                del self.filters[name]

    def filter_queryset(self, statuses: list[PersonStatus]) -> list[PersonStatus]:
        wanted = self.form.cleaned_data
        if wanted.get("status"):
            statuses = [s for s in statuses if s.status == wanted["status"]]
        if wanted.get("side"):
            statuses = [s for s in statuses if s.user.member_side == wanted["side"]]
        if wanted.get("cabinet"):
            cabinet = wanted["cabinet"] == "yes"
            statuses = [s for s in statuses if s.user.is_cabinet_member == cabinet]
        return statuses


class RequirementPeopleView(RequirementMixin, SpreadsheetExportMixin, ReportView):
    """One requirement, person by person, with names: the team's working list, exported to CSV or XLSX."""

    template_name = "events/admin/compliance_requirement.html"
    header_icon = ICON
    filterset_class = PersonStatusFilterSet
    verbose_name = "person"
    verbose_name_plural = "people"
    paginate_by = 100
    export_names_people = True
    export_what = "compliance list"

    def get_page_title(self):
        return self.requirement.name

    def get_breadcrumbs_items(self):
        return self.overview_breadcrumbs() + [{"url": "", "label": self.requirement.name}]

    def get_index_url(self):
        return reverse("compliance:requirement", args=[self.requirement.pk])

    def get_index_results_url(self):
        return reverse("compliance:requirement_results", args=[self.requirement.pk])

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "for_members": self.for_members}

    def get_export_about(self):
        return self.requirement

    def get_queryset(self):
        return self.statuses

    @cached_property
    def fields(self) -> dict[str, tuple[str, object]]:
        return {name: field for name, field in PERSON_FIELDS.items() if self.for_members or name not in MEMBER_FIELDS}

    @property
    def list_export(self):
        return list(self.fields)

    @property
    def export_headings(self):
        return {name: heading for name, (heading, _) in self.fields.items()}

    def to_row_dict(self, item):
        return {name: value(item) for name, (_, value) in self.fields.items()}

    @cached_property
    def columns(self):
        columns = []
        for name, (heading, value) in self.fields.items():
            if name == "name":
                columns.append(
                    TitleColumn(
                        name,
                        label=heading,
                        accessor=value,
                        classname="w-whitespace-nowrap",
                        get_url=lambda s: reverse("wagtailusers_users:edit", args=[s.user.pk]),
                    )
                )
            else:
                columns.append(
                    Column(
                        name,
                        label=heading,
                        accessor=lambda s, value=value: _on_screen(value(s)),
                        classname="w-whitespace-nowrap" if name in NO_WRAP else None,
                    )
                )
        return columns

    def get_filename(self):
        return f"compliance-{slugify(self.requirement.name)}-{self.today:%Y-%m-%d}"

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                "Public summary", url=reverse("compliance:summary", args=[self.requirement.pk]), icon_name="doc-full"
            )
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context.update(requirement=self.requirement, today=self.today, for_members=self.for_members)
        return context


# --- Public summary --------------------------------------------------------------------------


class RequirementSummaryView(RequirementMixin, TemplateView):
    """Counts only, small numbers suppressed, no percentages: safe to paste into a public committee report."""

    template_name = "events/admin/compliance_summary.html"
    as_csv = False

    @cached_property
    def title(self) -> str:
        return f"{self.requirement.name} — position at {self.today:%-d %B %Y}"

    def table(self) -> tuple[list[str], list[list[str]]]:
        """The published table: a heading row, then one row per group of people."""
        headings = ["Group", *(label for _, label in RequirementStatus.choices), "Total"]
        published = published_table(count_rows(self.statuses, by_member_group=self.for_members))
        return headings, [[label, *(shown for _, shown in cells), total] for label, cells, total in published]

    def get(self, request, *args, **kwargs):
        if self.as_csv or request.GET.get("format") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def csv_response(self):
        """Counts only, no names: written by the one export helper, and not an audited download."""
        headings, rows = self.table()
        filename = f"compliance-summary-{slugify(self.requirement.name)}-{self.today:%Y-%m-%d}.csv"
        return spreadsheet_response(csv_bytes(headings, rows), fmt=CSV, filename=filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        headings, rows = self.table()
        context.update(
            title=self.title,
            requirement=self.requirement,
            today=self.today,
            headings=headings,
            rows=rows,
            note=SUPPRESSION_NOTE,
        )
        return context


# --- The viewset -----------------------------------------------------------------------------


class ComplianceViewSet(ViewSet):
    """The dashboard's URLs under /admin/training/compliance/, and its item in the Training menu."""

    name = "compliance"
    url_prefix = "training/compliance"
    icon = ICON
    menu_label = "Compliance"
    menu_item_class = TeamMenuItem
    # Shown through TrainingViewSetGroup's submenu; True would add a second, top-level item.
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("", ComplianceOverviewView.as_view(), name="index"),
            path("<int:requirement_id>/", RequirementPeopleView.as_view(), name="requirement"),
            path(
                "<int:requirement_id>/results/",
                RequirementPeopleView.as_view(results_only=True),
                name="requirement_results",
            ),
            path("<int:requirement_id>/summary/", RequirementSummaryView.as_view(), name="summary"),
            path("<int:requirement_id>/summary.csv", RequirementSummaryView.as_view(as_csv=True), name="summary_csv"),
        ]
