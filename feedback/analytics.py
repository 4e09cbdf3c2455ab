"""The analytics dashboard's figures (Reports → Feedback and training analytics), as pandas DataFrames.

Every figure starts from ``feedback.selectors`` — ``counted_attendances`` (who counts as trained),
``held_sessions`` and ``counted_responses`` — so the dashboard and the committee report can never
disagree; time is divided by ``crm.periods`` (financial years from 1 April, quarters Q1 Apr–Jun ...,
months in London time, by when the session started).

The database does the counting (``values().annotate()``, conditional aggregation, feedback months
truncated in London time); no attendance row ever reaches Python. Attendance is counted in two
reads whatever the size of the data: every held session with its count of people trained and
the London year and month it started (for months, quarters, the trend over years, courses,
categories and trainers), and the year's counts by session, kind of organisation and ward (for
audience and ward). pandas reshapes what the database counted: missing months filled with 0,
sessions added up by course and trainer, sums divided into means and rates. At 3 million
attendances and a million outreach visits on PostgreSQL (``manage.py seed_scale``; a shared
two-core machine) the per-attendance way — a London-time month for every row, one scan per
breakdown — took 5 s a page; joining every attendance to its session, then counting, 2.5 s; each
session's marks counted from the ``attendance_counted`` index and read without per-value
conversion, about 1.4 s; every session's marks counted in one pass over that index
(``counted_marks_by_session``) and joined to the sessions in pandas, about 1.1 s on an idle
machine (``portal.scale.time_reports``).

"Sessions held" are ``held_sessions``: sessions with someone counted as trained, i.e. the sessions
that have a count here.

Ratings are summed with their counts rather than averaged in the database, so that a year's or a
quarter's mean is exact (sum over count), not a mean of monthly means.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from zoneinfo import ZoneInfo

import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, TruncMonth
from django.utils import timezone

from crm.models import OrganisationType, Ward
from crm.periods import FinancialYear
from events.models import CoursePage, ReportingCategory, TrainingSession

from .selectors import counted_attendances, counted_marks_by_session, counted_responses, counted_sessions

NOT_KNOWN = "Not known"
NO_WARD = "No ward / not matched"
NO_TRAINER = "No trainer recorded"
RECENT_COMMENTS = 20
RATINGS = ("overall", "trainer", "relevance")
BOTH_CONFIDENCES = Q(confidence_before__isnull=False, confidence_after__isnull=False)

ATTENDANCE_COLUMNS = ["trained", "sessions"]
FEEDBACK_SUMS = [
    "responses",
    *(f"{name}_{part}" for name in RATINGS for part in ("sum", "n")),
    "before_sum",
    "after_sum",
    "uplift_sum",
    "uplift_n",
    "recommend_yes",
    "recommend_n",
]


def london() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(value: dt.datetime | dt.date) -> dt.date:
    """The first day of a month the database truncated (an aware datetime on most databases), in London."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(london())
        value = value.date()
    return value.replace(day=1)


def months_of(year: FinancialYear) -> list[dt.date]:
    """April to March: the first day of each month of the financial year."""
    return [dt.date(year.start_year + (month < 4), month, 1) for month in (*range(4, 13), 1, 2, 3)]


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    """A DataFrame of aggregated rows (dicts), with every column present even when there are no rows."""
    frame = pd.DataFrame(list(rows))
    for column in columns:
        if column not in frame:
            frame[column] = pd.Series(dtype="object")
    return frame


def _fetch(rows: QuerySet) -> list[tuple]:
    """A ``values_list`` query's rows as the database driver gives them, for pandas: without Django's
    per-value converters (an ``int()`` of every count, year and month: a third of a second at 3 million
    attendances). Its integer columns are integers in the SQL (counts, or ``Cast``)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ints(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    frame[columns] = frame[columns].astype(float).fillna(0).astype(int)
    return frame


def _feedback_aggregates() -> dict:
    """One response row's worth of sums and counts, summed by the database in whatever grouping it is given."""
    aggregates = {"responses": Count("pk")}
    for name in RATINGS:
        aggregates[f"{name}_sum"] = Sum(name)
        aggregates[f"{name}_n"] = Count(name)
    aggregates.update(
        before_sum=Sum("confidence_before", filter=BOTH_CONFIDENCES),
        after_sum=Sum("confidence_after", filter=BOTH_CONFIDENCES),
        uplift_sum=Sum(F("confidence_after") - F("confidence_before"), filter=BOTH_CONFIDENCES),
        uplift_n=Count("pk", filter=BOTH_CONFIDENCES),
        recommend_yes=Count("pk", filter=Q(would_recommend=True)),
        recommend_n=Count("would_recommend"),
    )
    return aggregates


def _ratio(top: pd.Series, bottom: pd.Series, *, scale: float = 1, places: int = 2) -> pd.Series:
    """top / bottom (times scale), rounded; empty (NaN) where there is nothing to divide by."""
    bottom = bottom.astype(float).where(bottom > 0)
    return (top.astype(float) * scale / bottom).round(places)


def feedback_figures(sums: pd.DataFrame) -> pd.DataFrame:
    """Means and rates from summed responses: mean ratings, confidence before/after and uplift with n, % recommend.

    ``sums`` holds ``FEEDBACK_SUMS`` and ``trained`` (counted attendances): the response rate is
    responses ÷ counted attendances. Means are over the responses that answered; before, after and
    the uplift (after − before) over the responses that gave both.
    """
    out = sums[[c for c in sums.columns if c not in FEEDBACK_SUMS]].copy()
    out["responses"] = sums["responses"].astype(int)
    out["response_rate"] = _ratio(sums["responses"], sums["trained"], scale=100, places=1)
    for name in RATINGS:
        out[f"mean_{name}"] = _ratio(sums[f"{name}_sum"], sums[f"{name}_n"])
    out["confidence_before"] = _ratio(sums["before_sum"], sums["uplift_n"])
    out["confidence_after"] = _ratio(sums["after_sum"], sums["uplift_n"])
    out["uplift"] = _ratio(sums["uplift_sum"], sums["uplift_n"])
    out["uplift_n"] = sums["uplift_n"].astype(int)
    out["recommend_percent"] = _ratio(sums["recommend_yes"], sums["recommend_n"], scale=100, places=1)
    return out


class Analytics:
    """The dashboard's figures for one financial year (and the trend over every year with data).

    Each raw query runs once per instance (``cached_property``); the frames built on it are cheap.
    """

    def __init__(self, year: FinancialYear):
        self.year = year

    def for_year(self, year: FinancialYear) -> Analytics:
        """The same figures for another year, keeping what does not depend on the year (every year's sessions, courses)."""
        other = Analytics(year)
        for name in ("_sessions", "_courses"):
            if name in self.__dict__:
                other.__dict__[name] = self.__dict__[name]
        return other

    # --- Raw aggregate queries (one each) --------------------------------------------------------

    @cached_property
    def _sessions(self) -> pd.DataFrame:
        """Every held session of every year, with how many were counted as trained at it (two queries).

        The database counts every session's marks that count in one pass over their index
        (``counted_marks_by_session``) and lists the sessions that count with the London year and
        month of their start (``counted_sessions``), so no time-zone arithmetic runs once per
        attendance; pandas joins the two halves of the rule. A session held is one in both: someone
        counted. Months, quarters, years, courses and trainers all come from this one frame.
        """
        # The London year and month of each session's start come from the database as numbers: reading
        # 100,000 timestamps into Python and converting them took longer than counting 3 million marks.
        rows = counted_sessions().values_list(
            "pk",
            "course_id",
            Cast(ExtractYear("starts_at", tzinfo=london()), IntegerField()),
            Cast(ExtractMonth("starts_at", tzinfo=london()), IntegerField()),
        )
        sessions = pd.DataFrame.from_records(
            _fetch(rows.order_by()), columns=["session_id", "course_id", "year", "month"]
        )
        counts = pd.DataFrame.from_records(_fetch(counted_marks_by_session()), columns=["session_id", "trained"])
        frame = _ints(sessions.merge(counts, on="session_id"), ["trained", "year", "month"])
        frame["month_key"] = (frame["year"] * 100 + frame["month"]).astype("Int64")
        frame["fy"] = (frame["year"] - (frame["month"] < 4).astype(int)).astype("Int64")
        return frame[["session_id", "course_id", "trained", "month_key", "fy"]]

    @cached_property
    def _year_sessions(self) -> pd.DataFrame:
        return self._sessions[self._sessions["fy"] == self.year.start_year]

    @cached_property
    def _courses(self) -> pd.DataFrame:
        """Every course's title and reporting category (a short list)."""
        rows = CoursePage.objects.values(course_id=F("id"), course=F("title"), category_value=F("reporting_category"))
        return _frame(rows.order_by(), ["course_id", "course", "category_value"])

    @cached_property
    def _people(self) -> pd.DataFrame:
        """The year's counted attendances by session, kind of organisation on the day and ward (one aggregate query)."""
        rows = (
            counted_attendances(starts=self.year.starts_at, ends=self.year.ends_at)
            .values("session_id", "organisation_type", ward_id=F("organisation__ward_id"))
            .annotate(trained=Count("*"))
            .values_list("session_id", "organisation_type", "ward_id", "trained")
            .order_by()
        )
        columns = ["session_id", "organisation_type", "ward_id", "trained"]
        frame = _ints(pd.DataFrame.from_records(_fetch(rows), columns=columns), ["trained"])
        # Ward names from the short list of wards, rather than one more join for every attendance.
        names = dict(Ward.objects.values_list("pk", "name"))
        frame["ward"] = frame["ward_id"].map(names)
        return frame

    @cached_property
    def _by_course_raw(self) -> pd.DataFrame:
        sessions = self._year_sessions
        counted = sessions.groupby("course_id").agg(trained=("trained", "sum"), sessions=("session_id", "count"))
        frame = counted.reset_index().merge(self._courses, on="course_id", how="left")
        return _ints(frame[["course_id", "course", "category_value", *ATTENDANCE_COLUMNS]], ATTENDANCE_COLUMNS)

    @cached_property
    def _feedback_monthly_raw(self) -> pd.DataFrame:
        rows = (
            counted_responses(starts=self.year.starts_at, ends=self.year.ends_at)
            .annotate(month=TruncMonth("session__starts_at", tzinfo=london()))
            .values("month")
            .annotate(**_feedback_aggregates())
            .order_by("month")
        )
        frame = _frame(rows, ["month", *FEEDBACK_SUMS])
        frame["month"] = frame["month"].map(month_start)
        return _ints(frame.groupby("month", as_index=False)[FEEDBACK_SUMS].sum(), FEEDBACK_SUMS)

    @cached_property
    def _feedback_by_course_raw(self) -> pd.DataFrame:
        rows = (
            counted_responses(starts=self.year.starts_at, ends=self.year.ends_at)
            .values(course_id=F("session__course_id"), course=F("session__course__title"))
            .annotate(**_feedback_aggregates())
            .order_by()
        )
        return _ints(_frame(rows, ["course_id", "course", *FEEDBACK_SUMS]), FEEDBACK_SUMS)

    # --- Attendance ------------------------------------------------------------------------------

    @cached_property
    def years_with_data(self) -> list[FinancialYear]:
        """Financial years in which someone was counted as trained, oldest first."""
        return [FinancialYear(int(start)) for start in sorted(self._sessions["fy"].dropna().unique())]

    @cached_property
    def by_month(self) -> pd.DataFrame:
        """The chosen year's twelve months, April to March (0 where nothing was held): trained and sessions held."""
        months = months_of(self.year)
        counted = self._year_sessions.groupby("month_key").agg(
            trained=("trained", "sum"), sessions=("session_id", "count")
        )
        counted = counted.reindex([month.year * 100 + month.month for month in months], fill_value=0)
        frame = pd.DataFrame(
            {
                "month": months,
                "label": [f"{month:%b %Y}" for month in months],
                "trained": counted["trained"].to_numpy(),
                "sessions": counted["sessions"].to_numpy(),
            }
        )
        return _ints(frame, ATTENDANCE_COLUMNS)

    @cached_property
    def by_quarter(self) -> pd.DataFrame:
        """The chosen year's four quarters (Q1 Apr–Jun ... Q4 Jan–Mar), added up from its months."""
        months = self.by_month.assign(quarter=[n // 3 + 1 for n in range(12)])
        frame = months.groupby("quarter", as_index=False)[ATTENDANCE_COLUMNS].sum()
        frame.insert(1, "label", [self.year.quarter_label(q) for q in frame["quarter"]])
        return _ints(frame, ATTENDANCE_COLUMNS)

    @cached_property
    def by_year(self) -> pd.DataFrame:
        """Every financial year from the first with data to the last (0 for a year without)."""
        years = [year.start_year for year in self.years_with_data] or [self.year.start_year]
        counted = self._sessions.groupby("fy").agg(trained=("trained", "sum"), sessions=("session_id", "count"))
        counted = counted.reindex(range(min(years), max(years) + 1), fill_value=0).rename_axis("year").reset_index()
        counted["year"] = counted["year"].astype(int)
        counted.insert(1, "label", [FinancialYear(start).label for start in counted["year"]])
        return _ints(counted[["year", "label", *ATTENDANCE_COLUMNS]], ATTENDANCE_COLUMNS)

    @cached_property
    def totals(self) -> dict[str, int]:
        """The chosen year's trained and sessions held."""
        return {column: int(self.by_month[column].sum()) for column in ATTENDANCE_COLUMNS}

    @cached_property
    def by_course(self) -> pd.DataFrame:
        """Each course with someone trained in the year: its reporting category, trained and sessions held."""
        frame = self._by_course_raw.copy()
        frame["category"] = [_category_label(value) for value in frame["category_value"]]
        frame = frame.sort_values(["trained", "course"], ascending=[False, True], ignore_index=True)
        return frame[["course_id", "course", "category", *ATTENDANCE_COLUMNS]]

    @cached_property
    def by_category(self) -> pd.DataFrame:
        """Every training category (WRAP, education, Members, other), added up from the courses; 0 where none.

        Faith Forum events are not training: their category has no line here (they count in no figure).
        """
        summed = self._by_course_raw.groupby("category_value")[ATTENDANCE_COLUMNS].sum()
        values = [value for value, _ in ReportingCategory.choices if value != ReportingCategory.FORUM]
        frame = summed.reindex(values, fill_value=0).rename_axis("category_value").reset_index()
        frame.insert(1, "category", [_category_label(value) for value in frame["category_value"]])
        return _ints(frame, ATTENDANCE_COLUMNS)

    def _by_person_column(self, column: str) -> pd.DataFrame:
        """Trained (summed) and sessions held (sessions with anyone of the group) by one column of ``_people``."""
        return self._people.groupby(column, dropna=False).agg(
            trained=("trained", "sum"), sessions=("session_id", "nunique")
        )

    @cached_property
    def by_audience(self) -> pd.DataFrame:
        """Trained by the kind of organisation recorded on the day (the attendance's snapshot); blank is "Not known"."""
        raw = self._by_person_column("organisation_type")
        values = [value for value, _ in OrganisationType.choices]
        others = [value for value in raw.index if value not in values and value]
        order = [*values, *others, *([""] if "" in raw.index else [])]
        frame = raw.reindex(order, fill_value=0).rename_axis("value").reset_index()
        frame.insert(1, "audience", [_audience_label(value) for value in frame["value"]])
        return _ints(frame[["audience", *ATTENDANCE_COLUMNS]], ATTENDANCE_COLUMNS)

    @cached_property
    def by_ward(self) -> pd.DataFrame:
        """Trained by the ward of the organisation in the register the attendance is linked to; unlinked last."""
        frame = _ints(self._by_person_column("ward").reset_index(), ATTENDANCE_COLUMNS)
        frame["unmatched"] = frame["ward"].isna()
        frame["ward"] = frame["ward"].fillna(NO_WARD)
        frame = frame.sort_values(["unmatched", "ward"], ignore_index=True)
        return frame[["ward", *ATTENDANCE_COLUMNS]]

    @cached_property
    def by_trainer(self) -> pd.DataFrame:
        """Sessions held and trained by each trainer of the session. A session with two trainers counts for both."""
        pairs = _frame(
            TrainingSession.trainers.through.objects.filter(
                trainingsession__starts_at__gte=self.year.starts_at, trainingsession__starts_at__lt=self.year.ends_at
            )
            .values(
                session_id=F("trainingsession_id"),
                trainer_id=F("user_id"),
                trainer_first=F("user__first_name"),
                trainer_last=F("user__last_name"),
                trainer_email=F("user__email"),
            )
            .order_by(),
            ["session_id", "trainer_id", "trainer_first", "trainer_last", "trainer_email"],
        )
        sessions = self._year_sessions[["session_id", "trained"]].merge(pairs, on="session_id", how="left")
        frame = (
            sessions.groupby(["trainer_id", "trainer_first", "trainer_last", "trainer_email"], dropna=False)
            .agg(trained=("trained", "sum"), sessions=("session_id", "count"))
            .reset_index()
        )
        frame = _ints(frame, ATTENDANCE_COLUMNS)
        frame["trainer"] = [
            NO_TRAINER if pd.isna(pk) else (f"{first or ''} {last or ''}".strip() or email)
            for pk, first, last, email in zip(
                frame["trainer_id"],
                frame["trainer_first"],
                frame["trainer_last"],
                frame["trainer_email"],
                strict=True,
            )
        ]
        frame["unnamed"] = frame["trainer_id"].isna()
        frame = frame.sort_values(["unnamed", "sessions", "trainer"], ascending=[True, False, True], ignore_index=True)
        return frame[["trainer", "sessions", "trained"]]

    # --- Feedback --------------------------------------------------------------------------------

    @cached_property
    def feedback_by_month(self) -> pd.DataFrame:
        """The chosen year's months: responses, response rate, mean ratings, confidence uplift with n, % recommend."""
        sums = (
            self._feedback_monthly_raw.set_index("month")
            .reindex(months_of(self.year), fill_value=0)
            .rename_axis("month")
            .reset_index()
        )
        sums = _ints(sums, FEEDBACK_SUMS)
        sums.insert(1, "label", list(self.by_month["label"]))
        sums.insert(2, "trained", list(self.by_month["trained"]))
        return feedback_figures(sums)

    @cached_property
    def feedback_totals(self) -> dict:
        """The whole year's feedback figures (one row, from the months' sums: exact means, not means of means)."""
        sums = self._feedback_monthly_raw[FEEDBACK_SUMS].sum().to_frame().T
        sums = _ints(sums, FEEDBACK_SUMS)
        sums["trained"] = self.totals["trained"]
        return feedback_figures(sums).iloc[0].to_dict()

    @cached_property
    def feedback_by_course(self) -> pd.DataFrame:
        """Each course with someone trained or a response in the year: the same figures as by month."""
        trained = self._by_course_raw[["course_id", "course", "trained"]]
        sums = trained.merge(self._feedback_by_course_raw, on="course_id", how="outer", suffixes=("", "_fb"))
        sums["course"] = sums["course"].fillna(sums["course_fb"])
        sums = sums.drop(columns=["course_fb"])
        sums = _ints(sums, ["trained", *FEEDBACK_SUMS])
        sums = sums.sort_values(["responses", "course"], ascending=[False, True], ignore_index=True)
        return feedback_figures(sums[["course", "trained", *FEEDBACK_SUMS]])

    @cached_property
    def recent_comments(self) -> pd.DataFrame:
        """The newest written answers of the year, with the course and the session's date only: never a name."""
        rows = (
            counted_responses(starts=self.year.starts_at, ends=self.year.ends_at)
            .filter(~Q(most_useful="") | ~Q(improve=""))
            .order_by("-submitted_on", "-session__starts_at")
            .values("most_useful", "improve", course=F("session__course__title"), starts_at=F("session__starts_at"))[
                :RECENT_COMMENTS
            ]
        )
        frame = _frame(rows, ["course", "starts_at", "most_useful", "improve"])
        frame.insert(0, "date", [timezone.localtime(value, london()).date() for value in frame["starts_at"]])
        return frame[["date", "course", "most_useful", "improve"]]


def _category_label(value: str) -> str:
    return ReportingCategory(value).label if value in ReportingCategory.values else (value or NOT_KNOWN)


def _audience_label(value: str) -> str:
    if not value:
        return NOT_KNOWN
    return OrganisationType(value).label if value in OrganisationType.values else value


__all__ = [
    "Analytics",
    "NO_TRAINER",
    "NO_WARD",
    "NOT_KNOWN",
    "RECENT_COMMENTS",
    "feedback_figures",
    "months_of",
]
