"""Where people stand against mandatory training: the status rules, worked out in bulk for the dashboard.

A person's completions are the sessions of a satisfying course they were marked
present at, once the session has ended (``events.selectors.certified_attendances``:
checked in at the door is attending, not trained), and external certificates the
team approved; pending certificates do not count, nor do self-declared marks (typed at the door by
someone not signed in, then joined to the account by email) until a trainer confirms them. The latest
completion decides:

- valid for ``valid_for_months`` from the day of the training: it expires on
  that day plus the months (the first day it no longer counts); blank months
  means it never expires;
- ``renewal_window_days`` before the expiry it becomes *due for renewal*;
- without a valid completion outside the renewal window, a confirmed booking on
  a session of a satisfying course that has not ended yet, or being present at
  one now (``attending``), makes the person *booked*;
- after the expiry, *expired*; with no completion at all, *not started*.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db.models import Max, QuerySet
from django.utils import timezone

# The one small-number rule for anything published lives in crm (its words re-exported for readers of this one).
from crm.suppression import FEWER_THAN, HIDDEN, SMALL_NUMBER, Sum, shown, suppressed  # noqa: F401

from .models import (
    Attendance,
    Booking,
    BookingStatus,
    CertificateStatus,
    ExternalCertificate,
    RequirementStatus,
    SessionStatus,
    TrainingRequirement,
    TrainingSession,
)
from .selectors import certified_attendances

User = get_user_model()


@dataclass
class PersonStatus:
    """One person against one requirement."""

    user: object
    status: str
    last_completed: dt.date | None = None
    expires_on: dt.date | None = None  # the first day the completion no longer counts
    booked_session: TrainingSession | None = None
    pending_certificate: bool = False
    attending: bool = False  # marked present at ``booked_session``, which has not ended: complete once it has

    @property
    def label(self) -> str:
        return RequirementStatus(self.status).label

    @property
    def valid_until(self) -> dt.date | None:
        return last_valid_day(self.expires_on)


def last_valid_day(expires_on: dt.date | None) -> dt.date | None:
    """The last day a completion counts, as people read it: "complete until 13 May 2028"."""
    return expires_on - dt.timedelta(days=1) if expires_on else None


def expiry_date(requirement: TrainingRequirement, completed: dt.date) -> dt.date | None:
    if requirement.valid_for_months is None:
        return None
    return completed + relativedelta(months=requirement.valid_for_months)


def status_on(
    requirement: TrainingRequirement, *, last_completed: dt.date | None, booked: bool, today: dt.date
) -> tuple[str, dt.date | None]:
    """The status rule itself, for one person: returns ``(status, expires_on)``."""
    expires_on = expiry_date(requirement, last_completed) if last_completed else None
    if last_completed and (
        expires_on is None or today < expires_on - dt.timedelta(days=requirement.renewal_window_days)
    ):
        return RequirementStatus.COMPLETE, expires_on
    if booked:
        return RequirementStatus.BOOKED, expires_on
    if last_completed and today < expires_on:
        return RequirementStatus.DUE_RENEWAL, expires_on
    if last_completed:
        return RequirementStatus.EXPIRED, expires_on
    return RequirementStatus.NOT_STARTED, None


def requirement_people(requirement: TrainingRequirement) -> QuerySet:
    """Everyone the requirement applies to: active accounts in any of its groups."""
    return (
        User.objects.filter(is_active=True, groups__in=requirement.groups.all())
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def requirement_statuses(
    *, requirement: TrainingRequirement, people: QuerySet | None = None, today: dt.date | None = None
) -> list[PersonStatus]:
    """Every person's status against the requirement, in five queries however many people there are."""
    today = today or timezone.localdate()
    now = timezone.now()
    people = requirement_people(requirement) if people is None else people
    people_ids = people.values("pk")
    courses = requirement.courses.values("pk")
    attended = dict(
        certified_attendances(now=now)
        .filter(user__in=people_ids, session__course__in=courses)
        .values("user")
        .annotate(last=Max("session__starts_at"))
        .values_list("user", "last")
    )
    attending: dict[int, TrainingSession] = {}
    for attendance in (
        Attendance.objects.filter(
            user__in=people_ids,
            self_declared=False,
            session__course__in=courses,
            session__status=SessionStatus.SCHEDULED,
            session__ends_at__gt=now,
        )
        .select_related("session", "session__course")
        .order_by("session__starts_at")
    ):
        attending.setdefault(attendance.user_id, attendance.session)
    certified = dict(
        ExternalCertificate.objects.filter(
            requirement=requirement, user__in=people_ids, status=CertificateStatus.APPROVED
        )
        .values("user")
        .annotate(last=Max("completed_on"))
        .values_list("user", "last")
    )
    pending = set(
        ExternalCertificate.objects.filter(
            requirement=requirement, user__in=people_ids, status=CertificateStatus.PENDING
        ).values_list("user", flat=True)
    )
    booked: dict[int, TrainingSession] = {}
    upcoming = (
        Booking.objects.filter(
            user__in=people_ids,
            status=BookingStatus.CONFIRMED,
            session__course__in=courses,
            session__status=SessionStatus.SCHEDULED,
            session__ends_at__gt=now,
        )
        .select_related("session", "session__course")
        .order_by("session__starts_at")
    )
    for booking in upcoming:
        booked.setdefault(booking.user_id, booking.session)
    results = []
    for person in people:
        dates = [d for d in (attended.get(person.pk), certified.get(person.pk)) if d]
        dates = [timezone.localdate(d) if isinstance(d, dt.datetime) else d for d in dates]
        last = max(dates) if dates else None
        session = attending.get(person.pk) or booked.get(person.pk)
        status, expires_on = status_on(requirement, last_completed=last, booked=session is not None, today=today)
        results.append(
            PersonStatus(
                person,
                status,
                last,
                expires_on,
                session,
                person.pk in pending,
                attending=person.pk in attending,
            )
        )
    return results


def person_requirements(*, user, today: dt.date | None = None) -> list[tuple[TrainingRequirement, PersonStatus]]:
    """The active requirements that apply to one person, with their status: what My training shows."""
    requirements = TrainingRequirement.objects.filter(active=True, groups__in=user.groups.all()).distinct()
    people = User.objects.filter(pk=user.pk)
    return [
        (requirement, requirement_statuses(requirement=requirement, people=people, today=today)[0])
        for requirement in requirements
    ]


# --- Counting ---------------------------------------------------------------------------------

MEMBER_GROUPS = (
    ("administration", "Administration"),
    ("opposition", "Opposition"),
    ("cabinet", "Cabinet Members"),
)


def _member_group(status: PersonStatus) -> list[str]:
    user = status.user
    groups = []
    if user.member_side in ("administration", "opposition"):
        groups.append(user.member_side)
    if user.is_cabinet_member:
        groups.append("cabinet")
    return groups


@dataclass
class CountRow:
    """Counts by status for one group of people (everyone, the Administration, ...)."""

    label: str
    counts: dict[str, int]
    # Rows that add up (Everyone = Administration + Opposition): a count hidden in one must be hidden in all,
    # or subtraction gives it away. The Cabinet is a part of the Administration, not a term of the sum.
    adds_up: bool = True

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percent(self, status: str) -> float:
        return round(100 * self.counts[status] / self.total, 1) if self.total else 0.0

    def cells(self):
        """(status, label, count, percent) in the dashboard's column order."""
        return [(value, label, self.counts[value], self.percent(value)) for value, label in RequirementStatus.choices]


def count_rows(statuses: list[PersonStatus], *, by_member_group: bool) -> list[CountRow]:
    """Everyone first, then (for Member training) the Administration, the Opposition and the Cabinet."""

    def tally(items):
        counter = Counter(item.status for item in items)
        return {value: counter.get(value, 0) for value, _ in RequirementStatus.choices}

    rows = [CountRow("Everyone", tally(statuses))]
    if by_member_group:
        for key, label in MEMBER_GROUPS:
            rows.append(
                CountRow(label, tally([s for s in statuses if key in _member_group(s)]), adds_up=key != "cabinet")
            )
    return rows


def is_member_requirement(requirement: TrainingRequirement) -> bool:
    """Break counts down by political side when the requirement is for elected Members.

    Decided by the requirement's groups, not by who happens to be in them: a councillor who is also a
    school's safeguarding lead does not turn a staff requirement into a Member one.
    """
    from crm.roles import ELECTED_MEMBER

    return requirement.groups.filter(name=ELECTED_MEMBER).exists()


@dataclass
class RequirementCounts:
    """One requirement counted: the Everyone row first, then the sides for Member training."""

    requirement: TrainingRequirement
    rows: list[CountRow]
    for_members: bool

    @property
    def people(self) -> int:
        return self.rows[0].total


def active_requirement_counts(*, today: dt.date | None = None) -> list[RequirementCounts]:
    """Every active requirement counted by status: the dashboard's overview and the team's monthly email."""
    counted = []
    for requirement in TrainingRequirement.objects.filter(active=True):
        for_members = is_member_requirement(requirement)
        statuses = requirement_statuses(requirement=requirement, today=today)
        counted.append(RequirementCounts(requirement, count_rows(statuses, by_member_group=for_members), for_members))
    return counted


def published_table(rows: list[CountRow]) -> list[tuple[str, list[tuple[str, str]], str]]:
    """The table as it may be published, by the one small-number rule (``crm.suppression.suppressed``).

    The sums a reader could subtract with: each row and its total; and, across the rows that add up
    (Everyone = Administration + Opposition), each status and the totals. Those rows hide a status
    together: with only two groups, any two shown counts would bracket the third within a few.
    Counts under 5 read "fewer than 5"; larger ones hidden to protect them read "not shown".
    Returns ``(label, [(status label, shown)], total shown)`` per row.
    """
    statuses = [value for value, _ in RequirementStatus.choices]
    counts: dict[tuple[int, str], int] = {}
    for i, row in enumerate(rows):
        for status in sorted(statuses):  # between equal counts, the first in this order is hidden
            counts[(i, status)] = row.counts[status]
    for i, row in enumerate(rows):
        counts[(i, TOTAL)] = row.total
    sums = [Sum((i, TOTAL), tuple((i, status) for status in statuses)) for i in range(len(rows))]
    linked = [i for i, row in enumerate(rows) if row.adds_up]
    if len(linked) > 1:
        everyone, *groups = linked
        sums += [Sum((everyone, status), tuple((i, status) for i in groups), together=True) for status in statuses]
        sums.append(Sum((everyone, TOTAL), tuple((i, TOTAL) for i in groups)))
    hidden = suppressed(counts, sums)
    return [
        (
            row.label,
            [(label, shown(row.counts[value], (i, value) in hidden)) for value, label in RequirementStatus.choices],
            shown(row.total, (i, TOTAL) in hidden),
        )
        for i, row in enumerate(rows)
    ]


TOTAL = "total"  # the key of a row's total among the counts published_table suppresses
