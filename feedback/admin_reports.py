"""Reports → Performance report: the financial year's figures as committee-report sentences, for the team.

- ``/admin/reports/performance/?year=2025``: the sentences, the tables, a year switcher, a print
  stylesheet (the page prints without the admin around it) and the downloads; ``?export=csv|xlsx``
  is the year's figures as section, measure, value;
- ``json/?year=``: the same figures as JSON (``feedback.reports.performance_report``);
- ``quarterly/?year=`` and ``publishable/?year=``: the quarterly return, exact or with small
  numbers suppressed, as a page and as XLSX (a sheet a quarter) or CSV (``?export=``).

No download names anyone (counts only), so none is written to the audit log
(``crm.exports.export_audit`` is for lists that name people). Team only, like the compliance dashboard.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from crm.admin_access import TeamMenuItem, TeamOnlyMixin  # noqa: F401 - TeamMenuItem for wagtail_hooks
from crm.exports import CSV, XLSX, SpreadsheetExportMixin, spreadsheet_response, xlsx_bytes
from crm.periods import FinancialYear
from crm.suppression import SUPPRESSION_NOTE

from .report_sentences import report_sentences
from .reports import (
    REPORT_HEADINGS,
    RETURN_COLUMN_WIDTHS,
    SECTIONS,
    figure_rows,
    performance_report,
    quarterly_csv,
    quarterly_return,
    quarterly_xlsx,
    report_csv,
    report_rows,
    report_years,
)

ICON = "doc-full"
BAD_YEAR = "That is not a financial year the report covers: showing the current one."


class YearMixin(TeamOnlyMixin):
    """The financial year from ``?year=`` (the year it starts), else the current one; a bad one says so."""

    @cached_property
    def years(self) -> list[FinancialYear]:
        return report_years()

    @cached_property
    def year(self) -> FinancialYear:
        raw = self.request.GET.get("year")
        current = FinancialYear.current()
        if raw is None:
            return current
        try:
            year = FinancialYear(int(raw))
        except ValueError:
            year = None
        if year is None or not 2000 <= year.start_year <= current.start_year + 1:
            messages.error(self.request, BAD_YEAR)
            return current
        return year

    def filename(self, what: str) -> str:
        return f"{what}-{self.year.start_year}-{(self.year.start_year + 1) % 100:02d}"


class PerformanceReportView(YearMixin, SpreadsheetExportMixin, WagtailAdminTemplateMixin, TemplateView):
    """The year's figures as sentences and tables; ``?export=csv|xlsx`` downloads them (section, measure, value)."""

    template_name = "feedback/admin/performance_report.html"
    header_icon = ICON
    export_names_people = False
    list_export = ["section", "measure", "value"]

    def get_page_title(self):
        return f"Performance report {self.year.label}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": "Performance report"}]

    @cached_property
    def report(self) -> dict:
        return performance_report(year=self.year.start_year)

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.as_spreadsheet(None, request.GET["export"])
        return super().get(request, *args, **kwargs)

    def get_filename(self):
        return self.filename("performance-report")

    def write_csv_response(self, queryset):
        return spreadsheet_response(report_csv(self.report), fmt=CSV, filename=f"{self.get_filename()}.csv")

    def write_xlsx_response(self, queryset):
        body = xlsx_bytes(
            REPORT_HEADINGS,
            report_rows(self.report),
            sheet_title=f"Performance {self.year.label}",
            column_widths=RETURN_COLUMN_WIDTHS,
        )
        return spreadsheet_response(body, fmt=XLSX, filename=f"{self.get_filename()}.xlsx")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = f"year={self.year.start_year}"
        context.update(
            year=self.year,
            years=self.years,
            report=self.report,
            sentences=report_sentences(self.report),
            tables=_tables(self.report),
            downloads=[
                ("Figures (JSON)", f"{reverse('feedback_report:json')}?{query}&format=json"),
                ("Figures (CSV)", f"{reverse('feedback_report:index')}?{query}&export=csv"),
                ("Figures (XLSX)", f"{reverse('feedback_report:index')}?{query}&export=xlsx"),
                ("Quarterly return (XLSX)", f"{reverse('feedback_report:quarterly')}?{query}&export=xlsx"),
                ("Quarterly return (CSV)", f"{reverse('feedback_report:quarterly')}?{query}&export=csv"),
                ("Publishable return (XLSX)", f"{reverse('feedback_report:publishable')}?{query}&export=xlsx"),
                ("Publishable return (CSV)", f"{reverse('feedback_report:publishable')}?{query}&export=csv"),
            ],
            quarterly_url=f"{reverse('feedback_report:quarterly')}?{query}",
            publishable_url=f"{reverse('feedback_report:publishable')}?{query}",
        )
        return context


def _tables(figures: dict) -> list[tuple[str, list[tuple[str, object]]]]:
    """(section label, [(measure label, value)]) for the page's tables."""
    return [
        (section_label, [(label, figures[section][measure]) for measure, label in measures])
        for section, (section_label, measures) in SECTIONS.items()
    ]


class PerformanceReportJsonView(YearMixin, TemplateView):
    """The year's figures as the JSON of ``manage.py performance_report``, downloaded."""

    def get(self, request, *args, **kwargs):
        report = performance_report(year=self.year.start_year)
        response = HttpResponse(
            json.dumps(report, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename("performance-report")}.json"'
        response["Cache-Control"] = "private, no-store"
        return response


class QuarterlyReturnView(YearMixin, SpreadsheetExportMixin, WagtailAdminTemplateMixin, TemplateView):
    """The quarterly return as a page, and as XLSX (a sheet a quarter) or CSV; exact or publishable."""

    template_name = "feedback/admin/quarterly_return.html"
    header_icon = ICON
    export_names_people = False
    list_export = ["quarter", "section", "measure", "value"]
    publishable = False

    def get_page_title(self):
        what = "Publishable return" if self.publishable else "Quarterly return"
        return f"{what} {self.year.label}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("feedback_report:index"), "label": "Performance report"},
            {"url": "", "label": "Publishable return" if self.publishable else "Quarterly return"},
        ]

    @cached_property
    def figures(self):
        return quarterly_return(year=self.year.start_year, publishable=self.publishable)

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.as_spreadsheet(None, request.GET["export"])
        return super().get(request, *args, **kwargs)

    def get_filename(self):
        return self.filename("publishable-return" if self.publishable else "quarterly-return")

    def write_csv_response(self, queryset):
        return spreadsheet_response(quarterly_csv(self.figures), fmt=CSV, filename=f"{self.get_filename()}.csv")

    def write_xlsx_response(self, queryset):
        return spreadsheet_response(quarterly_xlsx(self.figures), fmt=XLSX, filename=f"{self.get_filename()}.xlsx")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            year=self.year,
            years=self.years,
            publishable=self.publishable,
            periods=[(label, figure_rows(figures)) for label, figures in self.figures.periods],
            note=SUPPRESSION_NOTE if self.publishable else "",
            report_url=f"{reverse('feedback_report:index')}?year={self.year.start_year}",
        )
        return context


class PerformanceReportViewSet(ViewSet):
    """The report's URLs under /admin/reports/performance/; its menu item is in Reports (wagtail_hooks)."""

    name = "feedback_report"
    url_prefix = "reports/performance"
    icon = ICON
    menu_label = "Performance report"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("", PerformanceReportView.as_view(), name="index"),
            path("json/", PerformanceReportJsonView.as_view(), name="json"),
            path("quarterly/", QuarterlyReturnView.as_view(), name="quarterly"),
            path("publishable/", QuarterlyReturnView.as_view(publishable=True), name="publishable"),
        ]
