"""Schools coverage: how many of the borough's open schools the team reached in a financial year, by phase.

For one financial year (1 April – 31 March, ``crm.periods``), each open school (``Organisation
.objects.open_schools()``: a school whose GIAS status is open) counts as

- **staff trained** when its people were marked present at a training session that started in the
  year (WRAP, Member or other training: any course that is not an education briefing), or such a
  session was held for it as a closed session (``events.timeline``'s rule of whose attendance is
  whose; figures count only what ``certified_attendances`` counts);
- **briefed** when the same is true of an *education briefing* (``ReportingCategory.EDUCATION``):
  a whole-school briefing held for it, or its staff at an open briefing;
- **reached** when either.

Only sessions that took place count: ended and not cancelled. The list of schools with **no
engagement in the last 12 months** looks at everything on their engagement timelines
(``crm.timeline``: training, closed sessions, outreach visits, and whatever later apps add), in
the 12 months up to now, whatever year is chosen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from crm.models import Organisation, SchoolPhase
from crm.periods import FinancialYear
from crm.timeline import timelines_by_organisation

from .models import ReportingCategory
from .timeline import attendance_for_organisations, closed_sessions_for_organisations

NO_PHASE = "Phase not recorded"
NO_ENGAGEMENT_MONTHS = 12


@dataclass
class PhaseCoverage:
    """One phase's open schools and how many of them were reached in the year."""

    label: str
    schools: int = 0
    trained: int = 0
    briefed: int = 0
    reached: int = 0

    @property
    def not_reached(self) -> int:
        return self.schools - self.reached

    def percent(self, count: int) -> float:
        return round(100 * count / self.schools, 1) if self.schools else 0.0

    @property
    def reached_percent(self) -> float:
        return self.percent(self.reached)


@dataclass
class UnreachedSchool:
    """An open school with nothing on its timeline in the last 12 months."""

    organisation: Organisation
    last_engaged: dt.datetime | None  # the latest thing on its timeline before that, if anything


@dataclass
class SchoolsCoverage:
    year: FinancialYear
    phases: list[PhaseCoverage]
    total: PhaseCoverage
    no_engagement_since: dt.datetime
    not_engaged: list[UnreachedSchool] = field(default_factory=list)
    trained_ids: set[int] = field(default_factory=set)
    briefed_ids: set[int] = field(default_factory=set)


def _reached_in(year: FinancialYear, school_ids: list[int], *, now: dt.datetime) -> tuple[set[int], set[int]]:
    """(trained, briefed): the schools whose staff had training, or a briefing, in the year (two queries)."""
    until = min(year.ends_at, now)
    trained: set[int] = set()
    briefed: set[int] = set()
    attended = (
        attendance_for_organisations(school_ids, now=now)
        .filter(session__starts_at__gte=year.starts_at, session__starts_at__lt=until)
        .values_list("for_organisation", "session__course__reporting_category")
        .distinct()
        .order_by()
    )
    held = (
        closed_sessions_for_organisations(school_ids)
        .filter(starts_at__gte=year.starts_at, starts_at__lt=until, ends_at__lte=now)
        .values_list("organisation_id", "course__reporting_category")
        .distinct()
        .order_by()
    )
    for school_id, category in [*attended, *held]:
        (briefed if category == ReportingCategory.EDUCATION else trained).add(school_id)
    return trained, briefed


def schools_coverage(*, year: FinancialYear, now: dt.datetime | None = None) -> SchoolsCoverage:
    """The year's coverage by phase, and the open schools with no engagement in the last 12 months."""
    now = now or timezone.now()
    schools = list(Organisation.objects.open_schools().select_related("ward").order_by("name", "pk"))
    ids = [school.pk for school in schools]
    trained, briefed = _reached_in(year, ids, now=now)

    phases = {value: PhaseCoverage(label) for value, label in SchoolPhase.choices}
    phases[""] = PhaseCoverage(NO_PHASE)
    total = PhaseCoverage("All open schools")
    for school in schools:
        row = phases.get(school.phase, phases[""])
        for counted in (row, total):
            counted.schools += 1
            counted.trained += school.pk in trained
            counted.briefed += school.pk in briefed
            counted.reached += school.pk in trained or school.pk in briefed

    since = now - relativedelta(months=NO_ENGAGEMENT_MONTHS)
    engaged = timelines_by_organisation(organisation_ids=ids, since=since, until=now)
    quiet = [school for school in schools if school.pk not in engaged]
    earlier = timelines_by_organisation(organisation_ids=[school.pk for school in quiet], until=since)
    not_engaged = [
        UnreachedSchool(school, earlier[school.pk][0].when if school.pk in earlier else None) for school in quiet
    ]
    return SchoolsCoverage(
        year=year,
        phases=[row for value, row in phases.items() if row.schools or value],
        total=total,
        no_engagement_since=since,
        not_engaged=not_engaged,
        trained_ids=trained,
        briefed_ids=briefed,
    )


# --- As tables, for the page and its downloads (crm.exports) -------------------------------------------

PHASE_HEADINGS = ["Phase", "Open schools", "Staff trained", "Briefed", "Reached (either)", "Not reached", "% reached"]
SCHOOL_HEADINGS = ["School", "URN", "Phase", "Ward", "Last engagement"]


def phase_table(coverage: SchoolsCoverage) -> list[list]:
    return [
        [row.label, row.schools, row.trained, row.briefed, row.reached, row.not_reached, row.reached_percent]
        for row in [*coverage.phases, coverage.total]
    ]


def not_engaged_table(coverage: SchoolsCoverage) -> list[list]:
    return [
        [
            item.organisation.name,
            item.organisation.urn,
            item.organisation.get_phase_display(),
            item.organisation.ward.name if item.organisation.ward_id else "",
            timezone.localdate(item.last_engaged) if item.last_engaged else "Never",
        ]
        for item in coverage.not_engaged
    ]
