"""Ward hot spots: outreach by ward × quarter of a financial year, or ward × financial year.

Each *measure* counts something per ward and moment: outreach visits, people engaged at them, and
(once PAG meetings exist) concerns raised. Measures from apps above crm register themselves, as
timeline sources do (``register_hotspot_measure`` from the app's ``ready``). A measure is told the
time span and the filters (contact type, topic tag); one that cannot apply a filter says so
(``filters``), and the page says it is not filtered.

The team sees exact counts (``hotspot_grid``). Anything published (committee papers, and every
download of that version) goes through ``crm.suppression.suppress_grid``: the same rule as the
compliance public summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .periods import FinancialYear, financial_year_of, quarter_of
from .suppression import PublishedGrid, suppress_grid

QUARTER, YEAR = "quarter", "year"
PERIODS = {QUARTER: "Quarters of the year", YEAR: "Financial years"}
YEARS_IN_GRID = 5  # the "by financial year" grid: the chosen year and the four before it

# Shading: five bands of the grid's largest count. Text colour keeps 4.5:1 contrast on each.
LEVELS = 4


@dataclass(frozen=True)
class HotspotFilters:
    contact_type: str = ""
    tag_id: int | None = None


@dataclass(frozen=True)
class HotspotMeasure:
    """Something counted per ward: ``rows(start=, end=, filters=)`` yields ``(ward_id, when, amount)``."""

    key: str
    label: str
    rows: Callable[..., Iterable[tuple[int, dt.datetime, int]]]
    filters: frozenset[str] = frozenset({"contact_type", "tag"})  # the filters it applies
    note: str = ""  # what the page should say about what the measure leaves out


_measures: dict[str, HotspotMeasure] = {}


def register_hotspot_measure(measure: HotspotMeasure) -> HotspotMeasure:
    """Add a measure (PAG concerns, say) to the hot-spot grid's choices; registering again replaces it."""
    _measures[measure.key] = measure
    return measure


def hotspot_measures() -> dict[str, HotspotMeasure]:
    return dict(_measures)


def _visits(*, start: dt.datetime, end: dt.datetime, filters: HotspotFilters):
    from .models import OutreachVisit

    visits = OutreachVisit.objects.filter(visited_at__gte=start, visited_at__lt=end)
    if filters.contact_type:
        visits = visits.filter(contact_type=filters.contact_type)
    if filters.tag_id:
        visits = visits.filter(tags=filters.tag_id)
    return visits.order_by().values_list("ward_id", "visited_at", "people_engaged")


def outreach_visit_rows(*, start, end, filters):
    return ((ward, when, 1) for ward, when, _ in _visits(start=start, end=end, filters=filters))


def people_engaged_rows(*, start, end, filters):
    return ((ward, when, people) for ward, when, people in _visits(start=start, end=end, filters=filters))


register_hotspot_measure(HotspotMeasure("visits", "Outreach visits", outreach_visit_rows))
register_hotspot_measure(HotspotMeasure("people", "People engaged", people_engaged_rows))


@dataclass
class HotspotGrid:
    """Wards × periods of one measure, exact."""

    measure: HotspotMeasure
    period: str
    year: FinancialYear
    wards: list  # crm.Ward, in name order
    columns: list[str]
    counts: list[list[int]]
    filters: HotspotFilters = field(default_factory=HotspotFilters)

    @property
    def row_totals(self) -> list[int]:
        return [sum(row) for row in self.counts]

    @property
    def column_totals(self) -> list[int]:
        return [sum(row[c] for row in self.counts) for c in range(len(self.columns))]

    @property
    def total(self) -> int:
        return sum(self.row_totals)

    @property
    def ward_names(self) -> list[str]:
        return [ward.name for ward in self.wards]

    def level(self, count: int) -> int:
        """0 (none) to ``LEVELS`` (the busiest): the shading band, and the number printed beside it."""
        top = max((count for row in self.counts for count in row), default=0)
        if count <= 0 or top <= 0:
            return 0
        return max(1, -(-count * LEVELS // top))  # ceiling: the largest is always the top band

    def table(self) -> tuple[list[str], list[list]]:
        """The exact grid as a downloadable table: headings, a row per ward, then the totals."""
        headings = ["Ward", *self.columns, "Total"]
        rows = [[ward, *row, sum(row)] for ward, row in zip(self.ward_names, self.counts, strict=True)]
        rows.append(["Total", *self.column_totals, self.total])
        return headings, rows

    def published(self) -> PublishedGrid:
        """The grid as it may be published: small numbers suppressed by the one rule."""
        return suppress_grid(self.counts, row_labels=self.ward_names, column_labels=self.columns)


def hotspot_grid(
    *, measure: HotspotMeasure, period: str, year: FinancialYear, filters: HotspotFilters | None = None
) -> HotspotGrid:
    """Every ward (none left out: a ward with nothing is a finding) × the quarters of ``year``, or × the years to it."""
    from .models import Ward

    filters = filters or HotspotFilters()
    wards = list(Ward.objects.order_by("name"))
    if period == QUARTER:
        years = [year]
        columns = [year.quarter_label(quarter) for quarter in range(1, 5)]
    else:
        years = [FinancialYear(start) for start in range(year.start_year - YEARS_IN_GRID + 1, year.start_year + 1)]
        columns = [item.label for item in years]
    index = {ward.pk: n for n, ward in enumerate(wards)}
    counts = [[0] * len(columns) for _ in wards]
    for ward_id, when, amount in measure.rows(start=years[0].starts_at, end=years[-1].ends_at, filters=filters):
        if ward_id not in index:
            continue
        column = quarter_of(when) - 1 if period == QUARTER else financial_year_of(when) - years[0].start_year
        counts[index[ward_id]][column] += amount
    return HotspotGrid(measure, period, year, wards, columns, counts, filters)
