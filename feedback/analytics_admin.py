"""Reports → Feedback and training analytics: the figures of ``feedback.analytics`` for the Prevent team only.

- ``/admin/reports/feedback-analytics/?year=2025``: one financial year (a GET form switches it),
  each breakdown as a server-drawn SVG chart (no JavaScript; ``role="img"`` with a title and a
  description) beside the accessible data table it was drawn from;
- ``/admin/reports/feedback-analytics/export/<table>/?year=2025&export=csv`` (or ``xlsx``): any one
  of those tables, through ``crm.exports`` (formula escaping: a comment may start with "=").

Downloads and the audit log: the tables are counts, means and rates — they name nobody — so their
downloads are not recorded by ``export_audit``. The comments table is free text with the course
and the session's date only (never the person, even for a named response), so it names nobody
either. The trainers table names the trainers: its downloads are recorded (``names_people``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django import forms
from django.contrib import messages
from django.http import Http404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from crm.admin_access import TeamOnlyMixin
from crm.exports import CSV, XLSX, SpreadsheetExportMixin
from crm.periods import FinancialYear

from .analytics import Analytics

ICON = "table"
BAD_YEAR = "That financial year is not on the list: showing the current year instead."
TRAINER_NOTE = "A session with two trainers counts for both, so these figures add up to more than the year's totals."
UPLIFT_NOTE = (
    "Confidence before and after, and the uplift (after minus before), are over the responses that gave both; "
    "n is how many did. Response rate: responses ÷ people counted as trained."
)
MISSING = "–"


# --- Charts (server-drawn SVG) ---------------------------------------------------------------------

CHART_WIDTH = 320
LABEL_CHARS = 32


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def shown(value: Any, *, suffix: str = "") -> str:
    """A value as a table cell or chart label shows it: "–" for nothing, whole numbers without ".0"."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, float):
        text = f"{value:g}" if value == round(value, 2) else f"{value:.2f}"
        return text + suffix
    if isinstance(value, int):
        return f"{value}{suffix}"
    if hasattr(value, "strftime"):
        return f"{value:%-d %b %Y}"
    return str(value)


def bar_chart(labels: list[str], values: list[Any], *, suffix: str = "", extra: list[str] | None = None) -> dict:
    """Horizontal bars, one per row, each with its label and value written above it (no colour-only meaning)."""
    numbers = [_number(value) for value in values]
    top = max((abs(n) for n in numbers if n is not None), default=0) or 1
    bars = []
    for n, (label, value, number) in enumerate(zip(labels, values, numbers, strict=True)):
        text = shown(value, suffix=suffix) + (f" {extra[n]}" if extra else "")
        label = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"  # full in the table
        width = round(300 * max(number or 0, 0) / top, 1)
        bars.append({"text": f"{label}: {text}", "width": width, "y": 4 + n * 34})
    return {"kind": "bars", "bars": bars, "height": 8 + len(bars) * 34, "width": CHART_WIDTH}


def column_chart(labels: list[str], values: list[Any], *, suffix: str = "", line: bool = False) -> dict:
    """Vertical columns (or a line through points) over short labels, each value written above its column."""
    numbers = [_number(value) for value in values]
    top = max((n for n in numbers if n is not None), default=0) or 1
    slot = CHART_WIDTH / max(len(labels), 1)
    base, tall = 160, 120
    columns = []
    for n, (label, value, number) in enumerate(zip(labels, values, numbers, strict=True)):
        height = round(tall * max(number or 0, 0) / top, 1)
        centre = round(slot * n + slot / 2, 1)
        columns.append(
            {
                "label": label,
                "text": shown(value, suffix=suffix),
                "x": round(centre - slot * 0.3, 1),
                "centre": centre,
                "width": round(slot * 0.6, 1),
                "height": height,
                "top": round(base - height, 1),
                "value_y": round(base - height - (9 if line else 5), 1),  # clear of a line's point
            }
        )
    points = " ".join(f"{column['centre']},{column['top']}" for column in columns)
    return {
        "kind": "line" if line else "columns",
        "columns": columns,
        "points": points,
        "base": base,
        "label_y": base + 16,
        "height": base + 24,
        "width": CHART_WIDTH,
        "font_size": 11 if len(columns) > 8 else 12,
    }


# --- The tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    kind: str  # "bars", "columns" or "line"
    label: str  # the frame's column naming each bar
    value: str  # the frame's column drawn
    suffix: str = ""
    extra: str = ""  # a column added after the value in a bar's text, e.g. the number of responses behind it
    short: bool = False  # label columns by their first word ("Apr 2025" -> "Apr")


@dataclass(frozen=True)
class Table:
    """One table of the dashboard: its columns (frame column -> heading), how it is drawn, and its download."""

    slug: str
    title: str
    columns: tuple[tuple[str, str], ...]
    frame: Callable[[Analytics], pd.DataFrame]
    section: str
    chart: Chart | None = None
    note: str = ""
    names_people: bool = False

    def data(self, analytics: Analytics) -> pd.DataFrame:
        return self.frame(analytics)[[name for name, _ in self.columns]]

    def records(self, analytics: Analytics) -> list[dict[str, Any]]:
        """The rows as plain Python values (no numpy types; nothing is None) for ``crm.exports``."""
        return [
            {
                key: None if pd.isna(value) else (value.item() if isinstance(value, np.generic) else value)
                for key, value in row.items()
            }
            for row in self.data(analytics).to_dict("records")
        ]

    def chart_for(self, frame: pd.DataFrame) -> dict | None:
        spec = self.chart
        if spec is None or frame.empty:
            return None
        labels = [str(label) for label in frame[spec.label]]
        if spec.short:
            labels = [label.split()[0] for label in labels]
        values = list(frame[spec.value])
        if spec.kind == "bars":
            extra = [f"(n={shown(n)})" for n in frame[spec.extra]] if spec.extra else None
            return bar_chart(labels, values, suffix=spec.suffix, extra=extra)
        return column_chart(labels, values, suffix=spec.suffix, line=spec.kind == "line")


ATTENDANCE = (("trained", "Trained"), ("sessions", "Sessions held"))
FEEDBACK = (
    ("trained", "Trained"),
    ("responses", "Responses"),
    ("response_rate", "Response rate (%)"),
    ("mean_overall", "Overall rating (mean, 1–5)"),
    ("mean_trainer", "Trainer rating (mean, 1–5)"),
    ("mean_relevance", "Relevance (mean, 1–5)"),
    ("confidence_before", "Confidence before (mean)"),
    ("confidence_after", "Confidence after (mean)"),
    ("uplift", "Confidence uplift"),
    ("uplift_n", "Uplift: responses with both (n)"),
    ("recommend_percent", "Would recommend (%)"),
)

TABLES: dict[str, Table] = {
    table.slug: table
    for table in (
        Table(
            "months",
            "Trained and sessions held by month",
            (("label", "Month"), *ATTENDANCE),
            lambda a: a.by_month,
            "attendance",
            Chart("columns", "label", "trained", short=True),
        ),
        Table(
            "quarters",
            "Trained and sessions held by quarter",
            (("label", "Quarter"), *ATTENDANCE),
            lambda a: a.by_quarter,
            "attendance",
            Chart("columns", "label", "trained", short=True),
        ),
        Table(
            "years",
            "Trained and sessions held by financial year",
            (("label", "Financial year"), *ATTENDANCE),
            lambda a: a.by_year,
            "attendance",
            Chart("line", "label", "trained"),
        ),
        Table(
            "courses",
            "Trained by course",
            (("course", "Course"), ("category", "Reporting category"), *ATTENDANCE),
            lambda a: a.by_course,
            "breakdowns",
            Chart("bars", "course", "trained"),
        ),
        Table(
            "categories",
            "Trained by reporting category",
            (("category", "Reporting category"), *ATTENDANCE),
            lambda a: a.by_category,
            "breakdowns",
            Chart("bars", "category", "trained"),
        ),
        Table(
            "audiences",
            "Trained by audience (kind of organisation on the day)",
            (("audience", "Audience"), *ATTENDANCE),
            lambda a: a.by_audience,
            "breakdowns",
            Chart("bars", "audience", "trained"),
        ),
        Table(
            "wards",
            "Trained by ward (of the organisation in the register)",
            (("ward", "Ward"), *ATTENDANCE),
            lambda a: a.by_ward,
            "breakdowns",
            Chart("bars", "ward", "trained"),
        ),
        Table(
            "trainers",
            "Sessions held and trained by trainer",
            (("trainer", "Trainer"), ("sessions", "Sessions held"), ("trained", "Trained")),
            lambda a: a.by_trainer,
            "breakdowns",
            Chart("bars", "trainer", "sessions"),
            note=TRAINER_NOTE,
            names_people=True,
        ),
        Table(
            "feedback-months",
            "Feedback by month",
            (("label", "Month"), *FEEDBACK),
            lambda a: a.feedback_by_month,
            "feedback",
            Chart("columns", "label", "response_rate", suffix="%", short=True),
            note=UPLIFT_NOTE,
        ),
        Table(
            "feedback-courses",
            "Feedback by course",
            (("course", "Course"), *FEEDBACK),
            lambda a: a.feedback_by_course,
            "feedback",
            Chart("bars", "course", "uplift", extra="uplift_n"),
            note=UPLIFT_NOTE,
        ),
        Table(
            "comments",
            "Recent comments",
            (("date", "Session date"), ("course", "Course"), ("most_useful", "Most useful"), ("improve", "To improve")),
            lambda a: a.recent_comments,
            "comments",
            note="The newest 20 written answers of the year, as typed, with the course and the session's date only.",
        ),
    )
}
CHART_TITLES = {
    "months": "People trained each month",
    "quarters": "People trained each quarter",
    "years": "People trained each financial year",
    "courses": "People trained on each course",
    "categories": "People trained in each reporting category",
    "audiences": "People trained from each kind of organisation",
    "wards": "People trained from organisations in each ward",
    "trainers": "Sessions held by each trainer",
    "feedback-months": "Response rate each month (%)",
    "feedback-courses": "Confidence uplift on each course, with the responses behind it (n)",
}
SECTIONS = (
    ("attendance", "Attendance over time"),
    ("breakdowns", "Who was trained"),
    ("feedback", "Feedback"),
    ("comments", "Comments"),
)


# --- Choosing the year -----------------------------------------------------------------------------


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    def __init__(self, *args, years: list[FinancialYear], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year.start_year, year.label) for year in years]


class AnalyticsMixin(TeamOnlyMixin):
    """The year from ``?year=`` (the years with data, and the current one), and the figures for it."""

    @cached_property
    def analytics(self) -> Analytics:
        current = FinancialYear.current()
        everything = Analytics(current)
        years = sorted({*everything.years_with_data, current}, key=lambda year: -year.start_year)
        self.year_form = YearForm(
            self.request.GET if "year" in self.request.GET else None, years=years, initial={"year": current.start_year}
        )
        if not self.year_form.is_bound:
            return everything
        if not self.year_form.is_valid():
            messages.error(self.request, BAD_YEAR)
            self.year_form = YearForm(initial={"year": current.start_year}, years=years)
            return everything
        return everything.for_year(FinancialYear(self.year_form.cleaned_data["year"]))


class AnalyticsView(AnalyticsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "feedback/admin/analytics.html"
    page_title = "Feedback and training analytics"
    header_icon = ICON

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": "Feedback and training analytics"}]

    def table_context(self, table: Table, analytics: Analytics) -> dict:
        frame = table.data(analytics)
        year = analytics.year.start_year
        export = reverse("feedback_analytics:export", args=[table.slug])
        return {
            "table": table,
            "id": f"table-{table.slug}",
            "headings": [heading for _, heading in table.columns],
            "rows": [[shown(value) for value in row] for row in frame.itertuples(index=False)],
            "chart": table.chart_for(frame),
            "chart_title": CHART_TITLES.get(table.slug, table.title),
            "csv_url": f"{export}?year={year}&export={CSV}",
            "xlsx_url": f"{export}?year={year}&export={XLSX}",
        }

    def feedback_summary(self, totals: dict) -> dict[str, str]:
        """The year's feedback figures as shown: "–" where there is nothing to show, percentages with "%"."""
        percent = ("response_rate", "recommend_percent")
        return {key: shown(value, suffix="%" if key in percent else "") for key, value in totals.items()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        analytics = self.analytics
        tables = [self.table_context(table, analytics) for table in TABLES.values()]
        context.update(
            year=analytics.year,
            form=self.year_form,
            totals=analytics.totals,
            feedback=self.feedback_summary(analytics.feedback_totals),
            sections=[
                {"slug": slug, "title": title, "tables": [t for t in tables if t["table"].section == slug]}
                for slug, title in SECTIONS
            ],
        )
        return context


class AnalyticsExportView(AnalyticsMixin, SpreadsheetExportMixin, View):
    """One table of the dashboard as CSV or XLSX (``?export=csv``) through ``crm.exports``.

    Counts and comments name nobody: not audited. The trainers table names trainers: audited
    (its ``Table.names_people``; this class attribute is the default for the others).
    """

    export_names_people = False

    @property
    def list_export(self):
        return [name for name, _ in self.table.columns]

    @property
    def export_headings(self):
        return dict(self.table.columns)

    @cached_property
    def table(self) -> Table:
        table = TABLES.get(self.kwargs["table"])
        if table is None:
            raise Http404("No such table")
        return table

    def get_export_what(self) -> str:
        return f"{self.table.title} {self.analytics.year.label}"

    def get_filename(self) -> str:
        return f"feedback-analytics-{self.table.slug}-{slugify(self.analytics.year.label)}"

    def get(self, request, *args, **kwargs):
        if not self.is_export:
            raise Http404("Choose CSV or XLSX")
        self.export_names_people = self.table.names_people
        return self.as_spreadsheet(self.table.records(self.analytics), request.GET["export"])


# --- The viewset and its menu item -----------------------------------------------------------------


class AnalyticsViewSet(ViewSet):
    """The dashboard's URLs under /admin/reports/feedback-analytics/; its item is in the Reports menu."""

    name = "feedback_analytics"
    url_prefix = "reports/feedback-analytics"
    icon = ICON
    menu_label = "Feedback and training analytics"
    add_to_admin_menu = False  # in Reports (feedback/wagtail_hooks.py)

    def get_urlpatterns(self):
        return [
            path("", AnalyticsView.as_view(), name="index"),
            path("export/<slug:table>/", AnalyticsExportView.as_view(), name="export"),
        ]
