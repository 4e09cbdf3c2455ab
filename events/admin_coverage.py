"""Training → Schools coverage (team only): ``events.coverage`` for a chosen financial year, and its downloads.

``?year=2025`` chooses 2025/26 (the current year by default); ``?export=csv`` or ``xlsx`` with
``table=phases`` (the counts by phase) or ``table=schools`` (the schools with no engagement in the
last 12 months) downloads that table through ``crm.exports``. Neither names a person.
"""

from __future__ import annotations

from django.contrib import messages
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from crm.admin_access import TeamMenuItem, TeamOnlyMixin
from crm.exports import CSV, XLSX, csv_bytes, spreadsheet_response, xlsx_bytes
from crm.periods import FinancialYear

from .coverage import PHASE_HEADINGS, SCHOOL_HEADINGS, not_engaged_table, phase_table, schools_coverage
from .models import TrainingSession

YEARS_SHOWN = 6  # the current financial year and the five before it, unless sessions go back further
BAD_YEAR = "Choose a financial year from the list: showing the current one."
BAD_EXPORT = "Choose CSV or XLSX, and the table by phase or the list of schools."
TABLES = {"phases": "by-phase", "schools": "no-engagement"}


class SchoolsCoverageView(TeamOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "events/admin/schools_coverage.html"
    page_title = "Schools coverage"
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": "Schools coverage"}]

    @cached_property
    def years(self) -> list[FinancialYear]:
        """Newest first: the current year and the five before it, or back to the first session."""
        current = FinancialYear.current().start_year
        oldest = current - YEARS_SHOWN + 1
        first = TrainingSession.objects.order_by("starts_at").values_list("starts_at", flat=True).first()
        if first is not None:
            oldest = min(oldest, FinancialYear.of(first).start_year)
        return [FinancialYear(year) for year in range(current, oldest - 1, -1)]

    @cached_property
    def year(self) -> FinancialYear:
        wanted = self.request.GET.get("year", "")
        for year in self.years:
            if wanted == str(year.start_year):
                return year
        if wanted:
            messages.error(self.request, BAD_YEAR)
        return self.years[0]

    @cached_property
    def coverage(self):
        return schools_coverage(year=self.year)

    def get(self, request, *args, **kwargs):
        fmt, table = request.GET.get("export"), request.GET.get("table", "phases")
        if fmt is not None:
            if fmt in (CSV, XLSX) and table in TABLES:
                return self.download(fmt, table)
            messages.error(request, BAD_EXPORT)
        return super().get(request, *args, **kwargs)

    def download(self, fmt: str, table: str):
        if table == "phases":
            headings, rows, title = PHASE_HEADINGS, phase_table(self.coverage), f"Schools {self.year.label}"
        else:
            headings, rows, title = SCHOOL_HEADINGS, not_engaged_table(self.coverage), "No engagement in 12 months"
        filename = f"schools-coverage-{self.year.start_year}-{self.year.start_year % 100 + 1:02d}-{TABLES[table]}"
        filename += f"-{timezone.localdate():%Y-%m-%d}.{fmt}"
        body = csv_bytes(headings, rows) if fmt == CSV else xlsx_bytes(headings, rows, sheet_title=title)
        return spreadsheet_response(body, fmt=fmt, filename=filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            years=self.years,
            year=self.year,
            coverage=self.coverage,
            phase_headings=PHASE_HEADINGS,
            school_headings=SCHOOL_HEADINGS,
            index_url=reverse("schools_coverage:index"),
        )
        return context


class SchoolsCoverageViewSet(ViewSet):
    """Training → Schools coverage, under /admin/training/schools-coverage/."""

    name = "schools_coverage"
    url_prefix = "training/schools-coverage"
    icon = "group"
    menu_label = "Schools coverage"
    menu_item_class = TeamMenuItem
    add_to_admin_menu = False  # in TrainingViewSetGroup's submenu

    def get_urlpatterns(self):
        return [path("", SchoolsCoverageView.as_view(), name="index")]
