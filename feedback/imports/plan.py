"""A legacy register matched to courses, sessions and people: the plan of what an import writes (nothing here writes).

The rules are in the package's docstring (``feedback.imports``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from crm.imports import ImportInvalid
from crm.models import Organisation
from crm.selectors import exact_matches, organisation_name_key
from events.models import (
    Attendance,
    Booking,
    BookingStatus,
    CoursePage,
    ReportingCategory,
    SessionStatus,
    TrainingIndexPage,
    TrainingSession,
)

from ..models import ImportedNoShow
from .rows import RegisterImportRow, register_import_rows

if TYPE_CHECKING:
    from crm.models import User

PLAN_MESSAGES = {
    "team_only": "Only the Prevent team can import legacy registers.",
    "no_training_index": "There is no Training page for new courses to go under. Add it in Pages first.",
    "course_other_category": "Row {row}, column '{column}': the course “{title}” is already in the category "
    "{existing}, not {category}. Correct the category, or give the course another title.",
    "course_two_categories": "Row {row}, column '{column}': “{title}” is {category} on this row but {other} on "
    "row {first}. A course has one category.",
    "course_ambiguous": "Row {row}, column '{column}': {count} courses are called “{title}”. Give them different "
    "titles in Pages first.",
    "session_ambiguous": "Row {row}, column '{column}': “{title}” has {count} sessions on {date}, so the row could be "
    "either. Record it with that session's own register.",
    "session_cancelled": "Row {row}, column '{column}': “{title}”'s session on {date} was cancelled, so nobody "
    "attended it.",
    "duplicate_person": "Row {row}, column '{column}': {who} is also on row {first} for the same session. "
    "Each person should be on a session's register once.",
    "present_not_no_show": "Row {row}: {who} is already marked present at {session}, so the register's “no” was "
    "not recorded.",
}


def _problem(code: str, **params) -> str:
    return PLAN_MESSAGES[code].format(**params)


@dataclass
class PlannedSession:
    """A session the rows belong to: found (``session``) or to be made (``session`` None until applied)."""

    course_key: str
    date: dt.date
    session: TrainingSession | None
    rows: list[int] = field(default_factory=list)
    organisations: list[Organisation | None] = field(default_factory=list)
    new: bool = False
    problem: str = ""  # a PLAN_MESSAGES code when the rows cannot be placed on it
    count: int = 0

    @property
    def organisation(self) -> Organisation | None:
        """The one organisation in the register every row names: a session made for it is closed."""
        first = self.organisations[0] if self.organisations else None
        if first is not None and all(org is not None and org.pk == first.pk for org in self.organisations):
            return first
        return None


@dataclass
class PlannedPerson:
    """One row that writes: an attendance, an imported no-show, or a booking marked as a no-show."""

    row: RegisterImportRow
    action: str  # "attendance", "no_show", "booking_no_show"
    user: User | None = None
    booking: Booking | None = None
    organisation: Organisation | None = None
    replaces: ImportedNoShow | None = None

    @property
    def session_key(self) -> tuple[str, dt.date]:
        return self.row.course.casefold(), self.row.session_date

    def describe(self) -> str:
        what = {
            "attendance": "present",
            "no_show": "no-show",
            "booking_no_show": "no-show (their booking is marked)",
        }[self.action]
        return (
            f"Row {self.row.row}: {self.row.full_name}, {self.row.course} on {self.row.session_date:%d/%m/%Y}: {what}"
        )


@dataclass
class RegisterImportPlan:
    """Everything an import would do (a dry run) or did."""

    file_name: str
    courses: dict[str, CoursePage | None] = field(default_factory=dict)
    new_courses: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (title, category)
    sessions: dict[tuple[str, dt.date], PlannedSession] = field(default_factory=dict)
    attendances: list[PlannedPerson] = field(default_factory=list)
    attendances_already: int = 0
    no_shows: list[PlannedPerson] = field(default_factory=list)
    no_shows_already: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = True

    @property
    def new_sessions(self) -> list[PlannedSession]:
        return [planned for planned in self.sessions.values() if planned.new]

    @property
    def changes(self) -> bool:
        return bool(self.new_courses or self.new_sessions or self.attendances or self.no_shows)

    def counts(self) -> dict[str, int]:
        return {
            "courses_created": len(self.new_courses),
            "sessions_created": len(self.new_sessions),
            "attendances_created": len(self.attendances),
            "attendances_already": self.attendances_already,
            "no_shows_recorded": len(self.no_shows),
            "no_shows_already": self.no_shows_already,
        }

    @property
    def digest(self) -> str:
        """A fingerprint of what would be written: a confirmed preview is applied only if it would still do the same."""
        text = repr(
            (
                sorted(self.new_courses.items()),
                sorted((planned.course_key, planned.date.isoformat()) for planned in self.new_sessions),
                [(person.row, person.action, person.replaces is not None) for person in self.attendances],
                [(person.row, person.action) for person in self.no_shows],
                self.warnings,
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def summary(self) -> str:
        counts = self.counts()
        would = "would be " if self.dry_run else ""
        text = (
            f"Legacy register {self.file_name}: {counts['courses_created']} courses {would}created, "
            f"{counts['sessions_created']} sessions {would}created, {counts['attendances_created']} attendances "
            f"{would}created ({counts['attendances_already']} already there), {counts['no_shows_recorded']} no-shows "
            f"{would}recorded ({counts['no_shows_already']} already there)."
        )
        return f"{text} Dry run: nothing was saved." if self.dry_run else f"{text} Saved."

    def sections(self) -> list[tuple[str, list[str]]]:
        """What would be written, under headings (``manage.py`` prints them; the preview shows them)."""
        return [
            (
                "New courses (unpublished)",
                [f"{title} ({ReportingCategory(category).label})" for title, category in self.new_courses.values()],
            ),
            (
                "New sessions (past, register closed)",
                [f"{self._title(planned.course_key)} on {planned.date:%d/%m/%Y}" for planned in self.new_sessions],
            ),
            ("Attendances", [person.describe() for person in self.attendances]),
            ("No-shows", [person.describe() for person in self.no_shows]),
            ("Warnings", list(self.warnings)),
        ]

    def lines(self) -> list[str]:
        lines = [self.summary()]
        for heading, items in self.sections():
            if items:
                lines.append(f"{heading} ({len(items)}):")
                lines += [f"  {item}" for item in items]
        return lines

    def _title(self, key: str) -> str:
        course = self.courses.get(key)
        return course.title if course is not None else self.new_courses[key][0]


def _london_day(date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(date, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min))


def _row_number(problem: str) -> int:
    match = re.match(r"Row (\d+)", problem)
    return int(match.group(1)) if match else 0


def _courses(plan: RegisterImportPlan, rows: list[RegisterImportRow], spelt: dict, problems: list[str]) -> list:
    """Each row's course: found by title (any case, published or not), or planned; rows that cannot be placed out."""
    by_title: dict[str, list[CoursePage]] = defaultdict(list)
    for page in CoursePage.objects.all():
        by_title[page.title.casefold()].append(page)
    first_category: dict[str, tuple[str, int]] = {}
    placed = []
    for row in rows:
        key = row.course.casefold()
        params = {"row": row.row, "column": spelt.get("course", "course"), "title": row.course}
        label = ReportingCategory(row.category).label
        if key in first_category and first_category[key][0] != row.category:
            other, first = first_category[key]
            params["column"] = spelt.get("category", "category")
            problems.append(
                _problem(
                    "course_two_categories", category=label, other=ReportingCategory(other).label, first=first, **params
                )
            )
            continue
        first_category.setdefault(key, (row.category, row.row))
        existing = by_title.get(key, [])
        if len(existing) > 1:
            problems.append(_problem("course_ambiguous", count=len(existing), **params))
            continue
        if existing and existing[0].reporting_category != row.category:
            params["column"] = spelt.get("category", "category")
            existing_label = ReportingCategory(existing[0].reporting_category).label
            problems.append(_problem("course_other_category", existing=existing_label, category=label, **params))
            continue
        plan.courses[key] = existing[0] if existing else None
        if not existing:
            plan.new_courses.setdefault(key, (row.course, row.category))
        placed.append(row)
    return placed


def _session(
    plan: RegisterImportPlan, row: RegisterImportRow, spelt: dict, problems: list[str]
) -> PlannedSession | None:
    """The row's session: found by course and London date, or planned as a new past session."""
    key = (row.course.casefold(), row.session_date)
    if key not in plan.sessions:
        course = plan.courses[key[0]]
        found = []
        if course is not None:
            starts, ends = _london_day(row.session_date)
            found = list(TrainingSession.objects.filter(course=course, starts_at__gte=starts, starts_at__lt=ends))
        held = [session for session in found if session.status == SessionStatus.SCHEDULED]
        planned = PlannedSession(course_key=key[0], date=row.session_date, session=held[0] if held else None)
        planned.new = not found
        if len(held) > 1:
            planned.problem = "session_ambiguous"
            planned.count = len(held)
        elif found and not held:
            planned.problem = "session_cancelled"
        plan.sessions[key] = planned
    planned = plan.sessions[key]
    if planned.problem:
        column = spelt.get("session_date", "session_date")
        date = f"{row.session_date:%d/%m/%Y}"
        problems.append(
            _problem(planned.problem, row=row.row, column=column, title=row.course, date=date, count=planned.count)
        )
        return None
    return planned


def _account(email: str) -> tuple[User | None, User | None]:
    """``(the account with this email, that account if its email is verified)``: only the second is linked."""
    if not email:
        return None, None
    account = get_user_model().objects.filter(email__iexact=email).first()
    if account is None:
        return None, None
    verified = EmailAddress.objects.filter(user=account, email__iexact=email, verified=True).exists()
    return account, account if verified else None


def register_import_plan(upload) -> RegisterImportPlan:
    """Read, check and match the whole file into a plan; ``ImportInvalid`` lists every bad row. Writes nothing."""
    rows, problems, spelt = register_import_rows(upload)
    plan = RegisterImportPlan(file_name=getattr(upload, "name", "") or "file")
    rows = _courses(plan, rows, spelt, problems)
    if plan.new_courses and not TrainingIndexPage.objects.exists():
        problems.insert(0, _problem("no_training_index"))
    register = exact_matches()
    seen: dict[tuple, int] = {}
    for row in rows:
        planned = _session(plan, row, spelt, problems)
        if planned is None:
            continue
        identity = (row.course.casefold(), row.session_date, row.identity)
        if identity in seen:
            column = spelt.get("email" if row.email else "last_name", "")
            problems.append(
                _problem("duplicate_person", row=row.row, column=column, who=row.full_name, first=seen[identity])
            )
            continue
        seen[identity] = row.row
        organisation = register.get(organisation_name_key(row.organisation)) if row.organisation else None
        planned.rows.append(row.row)
        planned.organisations.append(organisation)
        _person(plan, row, planned.session, organisation)
    if problems:
        raise ImportInvalid(sorted(problems, key=_row_number))
    return plan


def _person(plan: RegisterImportPlan, row: RegisterImportRow, session, organisation) -> None:
    """What the row writes, if anything: someone already present or already recorded absent changes nothing.

    A mark someone took back on the desk (``undone_at``) is not made again: the correction stands.
    """
    account, linked = _account(row.email)
    present, marked, no_show, booking = False, False, None, None
    if session is not None:
        if row.email:
            same = Q(email__iexact=row.email) | (Q(user=account) if account else Q(pk__in=[]))
            marks = Attendance.history.filter(same, session=session)
            no_show = ImportedNoShow.objects.filter(session=session, email__iexact=row.email).first()
        else:
            same_name = {"full_name__iexact": row.full_name, "organisation_name__iexact": row.organisation}
            marks = Attendance.history.filter(session=session, **same_name)
            no_show = ImportedNoShow.objects.filter(session=session, email="", **same_name).first()
        present, marked = marks.filter(undone_at__isnull=True).exists(), marks.exists()
        if account is not None:
            booking = Booking.objects.filter(session=session, user=account, status=BookingStatus.CONFIRMED).first()
    if row.attended:
        if marked:
            plan.attendances_already += 1
        else:
            plan.attendances.append(
                PlannedPerson(row, "attendance", user=linked, organisation=organisation, replaces=no_show)
            )
    elif present:
        plan.warnings.append(_problem("present_not_no_show", row=row.row, who=row.full_name, session=session))
    elif booking is not None:
        if booking.no_show:
            plan.no_shows_already += 1
        else:
            plan.no_shows.append(PlannedPerson(row, "booking_no_show", booking=booking))
    elif no_show is not None:
        plan.no_shows_already += 1
    else:
        plan.no_shows.append(PlannedPerson(row, "no_show", organisation=organisation))
