"""The council's financial year and its quarters, in London time: how every report divides time.

A financial year runs 1 April to 31 March; "2025/26" starts on 1 April 2025 and is called 2025
here. Quarters: Q1 April–June, Q2 July–September, Q3 October–December, Q4 January–March.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

QUARTER_MONTHS = {1: "Apr–Jun", 2: "Jul–Sep", 3: "Oct–Dec", 4: "Jan–Mar"}


def _london() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def financial_year_of(day: dt.date | dt.datetime) -> int:
    """The financial year a day (or a moment, in London) falls in, by the year it starts."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day, _london()).date()
    return day.year if day.month >= 4 else day.year - 1


def quarter_of(day: dt.date | dt.datetime) -> int:
    """1 to 4: the quarter of the financial year (Q1 April–June ... Q4 January–March)."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day, _london()).date()
    return (day.month - 4) % 12 // 3 + 1


@dataclass(frozen=True)
class FinancialYear:
    start_year: int

    @classmethod
    def of(cls, day: dt.date | dt.datetime) -> FinancialYear:
        return cls(financial_year_of(day))

    @classmethod
    def current(cls) -> FinancialYear:
        return cls.of(timezone.localdate())

    @property
    def label(self) -> str:
        """ "2025/26" """
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self):
        return self.label

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    @property
    def starts_at(self) -> dt.datetime:
        """Midnight in London on 1 April."""
        return dt.datetime(self.start_year, 4, 1, tzinfo=_london())

    @property
    def ends_at(self) -> dt.datetime:
        """Midnight in London on the next 1 April: the first moment after the year."""
        return dt.datetime(self.start_year + 1, 4, 1, tzinfo=_london())

    def quarter_label(self, quarter: int) -> str:
        return f"Q{quarter} {QUARTER_MONTHS[quarter]}"

    def quarter_bounds(self, quarter: int) -> tuple[dt.datetime, dt.datetime]:
        """Midnight in London on the quarter's first day, and on the day after its last (Q1: 1 April, 1 July)."""
        if quarter not in QUARTER_MONTHS:
            raise ValueError("A quarter is 1 to 4.")

        def start(q: int) -> dt.datetime:
            month = 4 + 3 * (q - 1)
            return dt.datetime(self.start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=_london())

        return start(quarter), start(quarter + 1)


def financial_years_between(first: dt.date, last: dt.date) -> list[FinancialYear]:
    """Every financial year from the one holding ``first`` to the one holding ``last``, oldest first."""
    return [FinancialYear(year) for year in range(financial_year_of(first), financial_year_of(last) + 1)]
