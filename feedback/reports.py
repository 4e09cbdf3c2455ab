"""The financial-year performance report and the quarterly return: the team's figures for committee and Home Office.

Every number comes from the one counting rule in ``feedback.selectors`` (who counts as trained,
which sessions were held, which feedback counts) and the one calendar in ``crm.periods``:

- a session counts in the period its start falls in (London time); cancelled sessions and
  sessions with nobody counted as trained never count;
- ``wrap`` / ``education`` / ``members``: sessions of courses in that reporting category and the
  people marked present at them. WRAP's ``council_staff`` are attendees whose organisation type
  was ``council`` on the day, ``external_staff`` everyone else. Members are split by the side and
  Cabinet seat recorded on their attendance (as on the day); ``others`` (an extra key) are people
  at a Member session with no side, such as officers, so ``trained = administration + opposition + others``;
- ``outreach``: visits whose date falls in the period, and those of type face to face;
- ``feedback``: responses about held sessions of **every** category in the period (the JSON says
  so under ``feedback_covers``); means rounded to 2 decimals, ``None`` without a response.

Aggregation happens in the database: four queries a period, whatever the number of attendances.

The publishable return puts every count of people and of outreach through ``crm.suppression``
(the compliance summary's rule). Session counts are published as they are: they count events on
the public training calendar, not people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, F, FloatField, Q

from crm.exports import csv_bytes, xlsx_bytes
from crm.models import OrganisationType, OutreachVisit
from crm.outreach.models import ContactType
from crm.periods import FinancialYear, financial_year_of
from crm.suppression import FEWER_THAN, SMALL_NUMBER, SUPPRESSION_NOTE, Sum, shown, suppressed
from events.models import ReportingCategory

from .selectors import counted_attendances, counted_responses, held_sessions

FEEDBACK_COVERS = "Responses about every held session in the period, all course categories."
MEAN_HIDDEN = f"not shown: {FEWER_THAN} responses"

# Every figure in order: section -> (section label, [(measure, label)]). The CSV, the XLSX and the page use it.
SECTIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "wrap": (
        "WRAP",
        [
            ("sessions", "Sessions held"),
            ("trained", "Staff trained"),
            ("council_staff", "Local authority staff"),
            ("external_staff", "External staff"),
        ],
    ),
    "education": (
        "Education",
        [("sessions", "Briefing/training sessions held"), ("trained", "Education staff trained")],
    ),
    "members": (
        "Elected Members",
        [
            ("sessions", "Sessions held"),
            ("trained", "People trained"),
            ("administration", "Members from the Administration"),
            ("opposition", "Members from the Opposition"),
            ("cabinet", "Cabinet Members (within the Administration)"),
            ("others", "Others attending (not Members)"),
        ],
    ),
    "outreach": ("Community outreach", [("total", "Instances of outreach"), ("face_to_face", "Face to face")]),
    "feedback": (
        "Feedback",
        [
            ("responses", "Responses"),
            ("mean_overall", "Mean overall rating (1 to 5)"),
            ("confidence_uplift", "Mean confidence uplift (after minus before)"),
        ],
    ),
}
MEANS = {("feedback", "mean_overall"), ("feedback", "confidence_uplift")}
# Counted events, not people: published as they are (see the module docstring).
UNSUPPRESSED = {("wrap", "sessions"), ("education", "sessions"), ("members", "sessions")}


def _mean(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def period_figures(starts: dt.datetime, ends: dt.datetime) -> dict[str, dict[str, Any]]:
    """The figures of sessions and visits in ``[starts, ends)``: the shape the report and each quarter share."""
    category = "session__course__reporting_category"
    wrap, education, member = (
        Q(**{category: ReportingCategory.WRAP}),
        Q(**{category: ReportingCategory.EDUCATION}),
        Q(**{category: ReportingCategory.MEMBER}),
    )
    people = counted_attendances(starts=starts, ends=ends).aggregate(
        wrap=Count("pk", filter=wrap),
        council=Count("pk", filter=wrap & Q(organisation_type=OrganisationType.COUNCIL)),
        education=Count("pk", filter=education),
        members=Count("pk", filter=member),
        administration=Count("pk", filter=member & Q(member_side="administration")),
        opposition=Count("pk", filter=member & Q(member_side="opposition")),
        cabinet=Count("pk", filter=member & Q(member_side="administration", is_cabinet_member=True)),
    )
    sessions = held_sessions(starts=starts, ends=ends).aggregate(
        **{
            name: Count("pk", filter=Q(course__reporting_category=value))
            for name, value in (
                ("wrap", ReportingCategory.WRAP),
                ("education", ReportingCategory.EDUCATION),
                ("members", ReportingCategory.MEMBER),
            )
        }
    )
    outreach = OutreachVisit.objects.filter(visited_at__gte=starts, visited_at__lt=ends).aggregate(
        total=Count("pk"), face_to_face=Count("pk", filter=Q(contact_type=ContactType.FACE_TO_FACE))
    )
    both = Q(confidence_before__isnull=False, confidence_after__isnull=False)
    feedback = (
        counted_responses(starts=starts, ends=ends)
        .filter(session__in=held_sessions(starts=starts, ends=ends))
        .aggregate(
            responses=Count("pk"),
            mean_overall=Avg("overall", output_field=FloatField()),
            confidence_uplift=Avg(
                F("confidence_after") - F("confidence_before"), filter=both, output_field=FloatField()
            ),
        )
    )
    return {
        "wrap": {
            "sessions": sessions["wrap"],
            "trained": people["wrap"],
            "council_staff": people["council"],
            "external_staff": people["wrap"] - people["council"],
        },
        "education": {"sessions": sessions["education"], "trained": people["education"]},
        "members": {
            "sessions": sessions["members"],
            "trained": people["members"],
            "administration": people["administration"],
            "opposition": people["opposition"],
            "cabinet": people["cabinet"],
            "others": people["members"] - people["administration"] - people["opposition"],
        },
        "outreach": {"total": outreach["total"], "face_to_face": outreach["face_to_face"]},
        "feedback": {
            "responses": feedback["responses"],
            "mean_overall": _mean(feedback["mean_overall"]),
            "confidence_uplift": _mean(feedback["confidence_uplift"]),
        },
    }


def performance_report(*, year: int) -> dict[str, Any]:
    """The financial year starting 1 April ``year``: the committee report's figures, JSON-ready."""
    fy = FinancialYear(year)
    return {
        "financial_year": fy.label,
        "start": fy.first_day.isoformat(),
        "end": fy.last_day.isoformat(),
        **period_figures(fy.starts_at, fy.ends_at),
        "feedback_covers": FEEDBACK_COVERS,
    }


def figure_rows(figures: dict[str, dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """(section label, measure label, value) for every figure, in ``SECTIONS`` order."""
    return [
        (section_label, label, figures[section][measure])
        for section, (section_label, measures) in SECTIONS.items()
        for measure, label in measures
    ]


def report_rows(report: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The CSV of the year's report: the period first, then every figure."""
    return [
        ("Financial year", "Year", report["financial_year"]),
        ("Financial year", "From", report["start"]),
        ("Financial year", "To", report["end"]),
        *figure_rows(report),
        ("Feedback", "Covers", report["feedback_covers"]),
    ]


REPORT_HEADINGS = ("Section", "Measure", "Value")


def report_csv(report: dict[str, Any]) -> bytes:
    """The year's report as CSV (section, measure, value), through the one export helper."""
    return csv_bytes(REPORT_HEADINGS, report_rows(report))


# --- The quarterly return ---------------------------------------------------------------------


@dataclass
class QuarterlyReturn:
    """One financial year's figures for each quarter and for the whole year (exact, or as published)."""

    year: FinancialYear
    periods: list[tuple[str, dict[str, dict[str, Any]]]]  # (label, figures): Q1..Q4, then the year
    publishable: bool = False

    HEADINGS = REPORT_HEADINGS

    def sheets(self) -> list[tuple[str, list[str], list[tuple]]]:
        """(sheet title, headings, rows) per period: a sheet a quarter and a last one for the year."""
        return [(label, list(self.HEADINGS), figure_rows(figures)) for label, figures in self.periods]

    def csv_rows(self) -> list[tuple]:
        """(quarter, section, measure, value) for every figure of every period."""
        return [(label, *row) for label, figures in self.periods for row in figure_rows(figures)]


def quarterly_return(*, year: int, publishable: bool = False) -> QuarterlyReturn:
    """The figures per quarter (Q1 April–June ... Q4 January–March) and for the year, for the Home Office return."""
    fy = FinancialYear(year)
    periods = [(fy.quarter_label(q), period_figures(*fy.quarter_bounds(q))) for q in range(1, 5)]
    periods.append((f"Year {fy.label}", period_figures(fy.starts_at, fy.ends_at)))
    result = QuarterlyReturn(year=fy, periods=periods)
    return published(result) if publishable else result


def published(exact: QuarterlyReturn) -> QuarterlyReturn:
    """The return as it may be published: small counts suppressed, and what would give them away.

    Relations a reader can subtract with: WRAP staff = local authority + external; Member session
    attendees = Administration + Opposition + others; each year total = the sum of its quarters.
    A mean over fewer than 5 responses is not shown.
    """
    counts: dict[tuple[int, str, str], int] = {}
    for p, (_, figures) in enumerate(exact.periods):
        for section, (_, measures) in SECTIONS.items():
            for measure, _ in measures:
                if (section, measure) not in MEANS | UNSUPPRESSED:
                    counts[(p, section, measure)] = figures[section][measure]
    year = len(exact.periods) - 1
    sums = []
    for p in range(len(exact.periods)):
        sums.append(Sum((p, "wrap", "trained"), ((p, "wrap", "council_staff"), (p, "wrap", "external_staff"))))
        sums.append(
            Sum(
                (p, "members", "trained"),
                ((p, "members", "administration"), (p, "members", "opposition"), (p, "members", "others")),
            )
        )
    for _, section, measure in [key for key in counts if key[0] == year]:
        sums.append(Sum((year, section, measure), tuple((q, section, measure) for q in range(year))))
    hidden = suppressed(counts, sums)

    periods = []
    for p, (label, figures) in enumerate(exact.periods):
        shown_figures: dict[str, dict[str, Any]] = {}
        for section, (_, measures) in SECTIONS.items():
            shown_figures[section] = {}
            for measure, _ in measures:
                value = figures[section][measure]
                if (section, measure) in MEANS:
                    if value is not None and figures["feedback"]["responses"] < SMALL_NUMBER:
                        value = MEAN_HIDDEN
                elif (p, section, measure) in hidden:
                    value = shown(value, True)  # the words; a count left shown stays a number the sheet can sum
                shown_figures[section][measure] = value
        periods.append((label, shown_figures))
    return QuarterlyReturn(year=exact.year, periods=periods, publishable=True)


RETURN_CSV_HEADINGS = ("Quarter", "Section", "Measure", "Value")
RETURN_COLUMN_WIDTHS = (22, 44, 24)


def quarterly_csv(figures: QuarterlyReturn) -> bytes:
    """The return as CSV: quarter, section, measure, value; the publishable one ends with the suppression note."""
    rows = figures.csv_rows()
    if figures.publishable:
        rows.append(("Note", "", "", SUPPRESSION_NOTE))
    return csv_bytes(RETURN_CSV_HEADINGS, rows)


def quarterly_xlsx(figures: QuarterlyReturn) -> bytes:
    """The return as a workbook: a sheet a quarter, one for the year, and the publishable one's note."""
    (title, headings, rows), *more = figures.sheets()
    if figures.publishable:
        more.append(("Note", ["Note"], [[SUPPRESSION_NOTE]]))
    return xlsx_bytes(headings, rows, sheet_title=title, column_widths=RETURN_COLUMN_WIDTHS, more_sheets=more)


def report_years() -> list[FinancialYear]:
    """Financial years with a held session or an outreach visit, and the current one: newest first."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    london = ZoneInfo(settings.TIME_ZONE)
    months = [*held_sessions().datetimes("starts_at", "month", tzinfo=london)]
    months += [*OutreachVisit.objects.datetimes("visited_at", "month", tzinfo=london)]
    years = {financial_year_of(month) for month in months} | {FinancialYear.current().start_year}
    return [FinancialYear(year) for year in sorted(years, reverse=True)]
