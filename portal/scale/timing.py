"""Timing the financial-year report and the analytics dashboard: ``time_reports``."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection

from crm.outreach.models import OutreachVisit
from crm.periods import FinancialYear
from events.models import (
    Attendance,
)

# --- Timing the reports -----------------------------------------------------------------------------


def report_year() -> int:
    """The year the reports are timed for: the last complete financial year."""
    return FinancialYear.current().start_year - 1


def dashboard(year: int) -> dict:
    """Everything the analytics dashboard's page computes for ``year`` (``feedback.analytics_admin.AnalyticsView``):
    the list of years, every table and its chart, the year's totals and feedback figures."""
    from feedback.analytics import Analytics
    from feedback.analytics_admin import TABLES

    current = FinancialYear.current()
    everything = Analytics(current)
    years = sorted({*everything.years_with_data, current}, key=lambda fy: -fy.start_year)
    analytics = everything.for_year(FinancialYear(year))
    tables = {}
    for slug, table in TABLES.items():
        frame = table.data(analytics)
        tables[slug] = (frame, table.chart_for(frame))
    return {
        "years": years,
        "tables": tables,
        "totals": analytics.totals,
        "feedback": analytics.feedback_totals,
    }


def _median_seconds(function: Callable[[], object], rounds: int) -> float:
    function()  # warm-up: connections, caches, the database's buffers
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def time_reports(year: int | None = None, *, rounds: int = 3) -> dict:
    """Seconds for the financial-year report and for the analytics dashboard: the median of ``rounds``
    runs after one warm-up. ``year`` defaults to the last complete financial year."""
    from feedback.reports import performance_report

    year = report_year() if year is None else year
    return {
        "year": FinancialYear(year).label,
        "attendances": Attendance.history.count(),
        "outreach_visits": OutreachVisit.objects.count(),
        "report_seconds": _median_seconds(lambda: performance_report(year=year), rounds),
        "dashboard_seconds": _median_seconds(lambda: dashboard(year), rounds),
        "database": connection.vendor,
    }
