"""Sessions, attendance, feedback and outreach visits of the scale data: ``seed``."""

from __future__ import annotations

import datetime as dt
import math
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crm.models import OrganisationType
from crm.outreach.models import ContactType, OutreachActivity, OutreachVisit
from crm.periods import FinancialYear
from events.models import (
    Attendance,
    AttendanceMethod,
    ReportingCategory,
    SessionStatus,
    SessionVisibility,
    TrainingSession,
)
from feedback.models import FeedbackRequest, FeedbackResponse

from . import reference
from .reference import Person, email_address
from .rows import STEPS, foreign_key_triggers_off, next_id, reset_sequences, write_rows
from .shape import (
    ANONYMOUS_SHARE,
    ANSWERED_SHARE,
    ASKED_SHARE,
    AUDIENCE,
    CANCELLED_SHARE,
    COMMENT_SHARE,
    IMPROVE,
    MOST_USEFUL,
    NOT_HELD_SHARE,
    OFFICERS,
    PREFIX,
    PRESENT,
    SELF_DECLARED_SHARE,
    START_TIMES,
    TRAINERS,
    UNDONE_SHARE,
    UNMATCHED_SHARE,
    UPCOMING_SHARE,
    WALK_IN_SHARE,
    YEARS,
)

# --- Sessions, attendance, feedback -----------------------------------------------------------------


@dataclass
class Seeded:
    """How many rows of each kind one run made, and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # seconds each table took, and the commit

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _london() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _uuid(rng: random.Random) -> uuid.UUID:
    """A random UUID, never from ``rng``: the same ``--seed`` twice must not make the same ids."""
    return uuid.uuid4()


CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def certificate_code(pk: int) -> str:
    """A scale attendance's certificate code: ``ZZ`` and its id in the codes' own alphabet (unique as the id is)."""
    digits = []
    for _ in range(8):
        pk, digit = divmod(pk, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[digit])
    return "ZZ" + "".join(reversed(digits))


@dataclass
class _Plan:
    """Which sessions a run makes: their start, course, state, and how many marks each has."""

    starts: list[dt.datetime]
    courses: list[int]
    categories: list[str]
    states: list[str]  # held, cancelled, not_held, upcoming
    marks: list[int]


def _plan(rng: random.Random, attendances: int, courses: list[tuple[int, str, float]], now: dt.datetime) -> _Plan:
    """Exactly ``attendances`` marks over held sessions of about ``PRESENT`` each, with cancelled,
    not-held and upcoming sessions among them, spread over ``YEARS`` financial years up to today.

    The first sessions are one of each category, so that even a small run has them all.
    """
    not_held_marks = 2 if attendances >= 100 else 0
    estimate = math.ceil(attendances / PRESENT)
    others = max(round(estimate * (CANCELLED_SHARE + NOT_HELD_SHARE)), 2) if attendances else 0
    cancelled = max(round(others * CANCELLED_SHARE / (CANCELLED_SHARE + NOT_HELD_SHARE)), 1) if others else 0
    not_held = others - cancelled
    target = attendances - not_held * not_held_marks
    held = max(math.ceil(target / PRESENT), 1) if target else 0
    marks = [PRESENT] * held
    for i in range(0, held - 1, 2):  # +d and -d in pairs keeps the total
        d = rng.randint(0, 10)
        marks[i] += d
        marks[i + 1] -= d
    extra = sum(marks) - target
    i = held - 1
    while extra > 0:
        cut = min(extra, marks[i])
        marks[i] -= cut
        extra -= cut
        i -= 1
    states = ["held"] * held + ["cancelled"] * cancelled + ["not_held"] * not_held
    rng.shuffle(states)
    past = len(states)
    upcoming = max(round(past * UPCOMING_SHARE), 1) if attendances else 0
    states += ["upcoming"] * upcoming
    held_marks = iter(marks)
    counts = [
        next(held_marks) if state == "held" else (not_held_marks if state == "not_held" else 0) for state in states
    ]

    by_category: dict[str, list[tuple[int, str, float]]] = {}
    for course in courses:
        by_category.setdefault(course[1], []).append(course)
    firsts = [by_category[category][0] for category in ReportingCategory.values if category in by_category]
    chosen = rng.choices(courses, weights=[share for *_, share in courses], k=len(states))
    held_at = [i for i, state in enumerate(states) if state == "held"]
    for position, course in zip(held_at, firsts, strict=False):
        chosen[position] = course

    first_day = FinancialYear(FinancialYear.current().start_year - YEARS + 1).first_day
    last_day = timezone.localdate(now) - dt.timedelta(days=1)
    span = (last_day - first_day).days
    london = _london()
    starts = []
    for i in range(len(states)):
        if i < past:
            day = first_day + dt.timedelta(days=span * (i + rng.random()) // max(past, 1))
        else:
            day = timezone.localdate(now) + dt.timedelta(days=rng.randint(2, 90))
        if day.weekday() >= 5:
            day -= dt.timedelta(days=day.weekday() - 4)  # sessions are on weekdays
        hour, minute = rng.choice(START_TIMES)
        starts.append(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=london).astimezone(dt.UTC))
    return _Plan(starts, [c[0] for c in chosen], [c[1] for c in chosen], states, counts)


class _Pool:
    """People of one kind, handed out in consecutive blocks so nobody is twice at one session."""

    def __init__(self, people: list[Person]):
        self.people = people
        self.next = 0

    def take(self, count: int) -> list[Person]:
        size = len(self.people)
        block = [self.people[(self.next + k) % size] for k in range(min(count, size))]
        self.next = (self.next + count) % size
        return block


def seed(*, attendances: int, outreach: int | None = None, seed_value: int | None = None) -> Seeded:
    """Make ``attendances`` attendance rows (and everything around them) and ``outreach`` visits (default N/3)."""
    if outreach is None:
        outreach = attendances // 3
    rng = random.Random(seed_value)
    began = time.perf_counter()
    result = Seeded()
    now = timezone.now()
    STEPS.clear()
    with transaction.atomic(), foreign_key_triggers_off():
        wards = reference.wards()
        organisations = reference.organisations(rng, wards)
        courses = reference.courses()
        tags = reference.tags()
        council = organisations[OrganisationType.COUNCIL]
        trainers = reference.people(rng, "trainer", TRAINERS, council, OrganisationType.COUNCIL)
        officers = reference.people(rng, "officer", OFFICERS, council, OrganisationType.COUNCIL)
        plan = _plan(rng, attendances, courses, now)
        # About one account for every eight marks: most people come once, some come back.
        staff = max(attendances // 8, 200)
        pools = {}
        for kind, weight in AUDIENCE[ReportingCategory.WRAP] + AUDIENCE[ReportingCategory.OTHER]:
            pools.setdefault(kind, 0)
            pools[kind] += weight
        pools[OrganisationType.FAITH] = pools.get(OrganisationType.FAITH, 0) + 10
        pools[OrganisationType.SCHOOL] += 60
        total = sum(pools.values())
        people = {
            kind: _Pool(reference.people(rng, kind, max(staff * weight // total, 60), organisations[kind]))
            for kind, weight in pools.items()
        }
        members = _Pool(
            reference.people(
                rng,
                OrganisationType.ELECTED_MEMBER,
                max(attendances // 400, 60),
                organisations[OrganisationType.ELECTED_MEMBER],
            )
        )
        result.counts.update(_sessions(rng, plan, organisations, trainers, people, members, now))
        if outreach:
            result.counts["outreach visits"] = _outreach(rng, outreach, wards, organisations, officers, tags, now)
        committing = time.perf_counter()
    result.seconds = time.perf_counter() - began
    result.steps = {**STEPS, "commit": time.perf_counter() - committing}
    return result


def _sessions(rng, plan: _Plan, organisations, trainers, people, members, now) -> dict[str, int]:
    first_session = next_id(TrainingSession)
    first_attendance = next_id(Attendance)
    schools = organisations[OrganisationType.SCHOOL]
    session_rows = []
    trainer_rows = []
    for i, starts in enumerate(plan.starts):
        pk = first_session + i
        closed = plan.categories[i] == ReportingCategory.EDUCATION and rng.random() < 0.7
        school = schools[rng.randrange(len(schools))] if closed else None
        session_rows.append(
            (
                pk,
                plan.courses[i],
                starts,
                starts + dt.timedelta(hours=2),
                f"{PREFIX}{school[1] if school else 'Civic Centre room ' + str(i % 12 + 1)}",
                30 if plan.categories[i] != ReportingCategory.FORUM else 60,
                plan.categories[i] != ReportingCategory.FORUM,
                0,
                SessionStatus.CANCELLED if plan.states[i] == "cancelled" else SessionStatus.SCHEDULED,
                SessionVisibility.CLOSED if closed else SessionVisibility.OPEN,
                school[0] if school else None,
                _uuid(rng),
                f"scale-{pk}",
                now,
                now,
            )
        )
        for trainer in rng.sample(trainers, 1 if rng.random() < 0.7 else 2):
            trainer_rows.append((pk, trainer.pk))
    counts = {}
    counts["sessions"] = write_rows(
        TrainingSession,
        (
            "id",
            "course_id",
            "starts_at",
            "ends_at",
            "venue",
            "capacity",
            "places_limited",
            "places_taken",
            "status",
            "visibility",
            "organisation_id",
            "uid",
            "checkin_token",
            "created_at",
            "updated_at",
        ),
        session_rows,
    )
    Through = TrainingSession.trainers.through
    counts["session trainers"] = write_rows(Through, ("trainingsession_id", "user_id"), trainer_rows)

    asked: list[tuple[int, int, dt.datetime, bool]] = []  # (attendance, session, session start, answered)

    def attendance_rows() -> Iterator[tuple]:
        pk = first_attendance
        for i, starts in enumerate(plan.starts):
            count = plan.marks[i]
            if not count:
                continue
            session = first_session + i
            category = plan.categories[i]
            state = plan.states[i]
            trainer = trainers[i % len(trainers)].pk
            if category == ReportingCategory.MEMBER:
                officers_here = count // 10
                who = members.take(count - officers_here) + people[OrganisationType.COUNCIL].take(officers_here)
            else:
                kinds = AUDIENCE[category]
                main = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
                second = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
                split = count if second == main else count - count // 5
                who = people[main].take(split) + people[second].take(count - split)
                if len(who) < count:  # a small pool: fill from the council's
                    who += people[OrganisationType.COUNCIL].take(count - len(who))
            closes = starts + dt.timedelta(hours=2)
            for person in who:
                roll = rng.random()
                undone = state == "not_held" and roll < 0.5 or roll < UNDONE_SHARE
                self_declared = (
                    state == "not_held" and not undone or UNDONE_SHARE <= roll < UNDONE_SHARE + (SELF_DECLARED_SHARE)
                )
                walk_in = not self_declared and (
                    UNDONE_SHARE + SELF_DECLARED_SHARE <= roll < UNDONE_SHARE + SELF_DECLARED_SHARE + WALK_IN_SHARE
                )
                organisation = person.organisation
                if organisation is not None and rng.random() < UNMATCHED_SHARE:
                    organisation = None
                checked_in = starts + dt.timedelta(minutes=rng.randint(-20, 10))
                if self_declared or walk_in:
                    user, email = None, email_address(f"walk-in-{pk}")
                    name = f"Scale walk-in {pk}"
                    method = AttendanceMethod.SELF if self_declared else AttendanceMethod.WALK_IN
                    kind = "" if rng.random() < 0.3 else person.kind
                    side, cabinet = "", False
                else:
                    user, email, name, kind = person.pk, person.email, person.name, person.kind
                    side, cabinet = person.side, person.cabinet
                    method = AttendanceMethod.TICKET if roll > 0.5 else AttendanceMethod.REGISTER
                yield (
                    pk,
                    session,
                    user,
                    name,
                    email,
                    organisation[1] if organisation else (f"{PREFIX}typed organisation" if kind else ""),
                    kind,
                    side,
                    cabinet,
                    organisation[0] if organisation else None,
                    "Scale role",
                    method,
                    checked_in,
                    trainer,
                    certificate_code(pk),
                    checked_in + dt.timedelta(minutes=5) if undone else None,
                    trainer if undone else None,
                    self_declared,
                )
                if not undone and not self_declared and closes <= now and rng.random() < ASKED_SHARE:
                    asked.append((pk, session, starts, rng.random() < ANSWERED_SHARE))
                pk += 1

    counts["attendances"] = write_rows(
        Attendance,
        (
            "id",
            "session_id",
            "user_id",
            "full_name",
            "email",
            "organisation_name",
            "organisation_type",
            "member_side",
            "is_cabinet_member",
            "organisation_id",
            "job_role",
            "method",
            "checked_in_at",
            "checked_in_by_id",
            "certificate_code",
            "undone_at",
            "undone_by_id",
            "self_declared",
        ),
        attendance_rows(),
    )
    counts["feedback requests"] = write_rows(
        FeedbackRequest,
        ("attendance_id", "emailed_at", "answered"),
        ((pk, starts + dt.timedelta(days=1), answered) for pk, _, starts, answered in asked),
    )
    counts["feedback responses"] = write_rows(
        FeedbackResponse,
        (
            "id",
            "session_id",
            "attendance_id",
            "anonymous",
            "submitted_on",
            "overall",
            "trainer",
            "relevance",
            "confidence_before",
            "confidence_after",
            "would_recommend",
            "most_useful",
            "improve",
            "answers",
        ),
        _responses(rng, asked),
    )
    reset_sequences(TrainingSession, Attendance)
    return counts


def _responses(rng: random.Random, asked) -> Iterator[tuple]:
    for pk, session, starts, answered in asked:
        if not answered:
            continue
        anonymous = rng.random() < ANONYMOUS_SHARE
        before = rng.choice((1, 2, 2, 3, 3, 4))
        comment = rng.random() < COMMENT_SHARE
        yield (
            _uuid(rng),
            session,
            None if anonymous else pk,
            anonymous,
            (starts + dt.timedelta(days=rng.randint(1, 7))).date(),
            rng.choice((3, 4, 4, 5, 5)),
            rng.choice((4, 4, 5, 5, 5)),
            rng.choice((3, 4, 4, 5)),
            before,
            min(5, before + rng.choice((0, 1, 1, 2))),
            rng.random() < 0.9,
            rng.choice(MOST_USEFUL) if comment else "",
            rng.choice(IMPROVE) if comment else "",
            [],
        )


def _outreach(rng, how_many: int, wards, organisations, officers, tags, now) -> int:
    first = next_id(OutreachVisit)
    first_day = FinancialYear(FinancialYear.current().start_year - YEARS + 1).starts_at
    span = (now - first_day).total_seconds()
    places = {
        OutreachActivity.ASSEMBLY: organisations[OrganisationType.SCHOOL],
        OutreachActivity.FAITH_SETTING: organisations[OrganisationType.FAITH],
        OutreachActivity.PARTNERSHIP_MEETING: organisations[OrganisationType.STATUTORY],
        OutreachActivity.TRAINING_PROMOTION: organisations[OrganisationType.COMMUNITY],
    }
    activities = list(OutreachActivity.values)
    contact_types = list(ContactType.values)
    contact_weights = [60, 15, 10, 5, 10]
    tag_rows = []

    def rows() -> Iterator[tuple]:
        for n in range(how_many):
            pk = first + n
            activity = rng.choice(activities)
            at = places.get(activity)
            organisation = at[rng.randrange(len(at))] if at else None
            visited = first_day + dt.timedelta(seconds=rng.random() * span)
            if rng.random() < 0.3:
                tag_rows.append((pk, tags[rng.randrange(len(tags))]))
            yield (
                pk,
                _uuid(rng),
                visited,
                organisation[2] if organisation else wards[rng.randrange(len(wards))],
                organisation[0] if organisation else None,
                "" if organisation else f"{PREFIX}market stall",
                rng.choices(contact_types, weights=contact_weights)[0],
                activity,
                rng.randint(1, 120),
                "",
                "",
                "",
                officers[n % len(officers)].pk,
                visited,
                visited,
            )

    count = write_rows(
        OutreachVisit,
        (
            "id",
            "uuid",
            "visited_at",
            "ward_id",
            "organisation_id",
            "venue",
            "contact_type",
            "activity",
            "people_engaged",
            "partner_agencies",
            "outcome",
            "notes",
            "officer_id",
            "created_at",
            "updated_at",
        ),
        rows(),
    )
    write_rows(OutreachVisit.tags.through, ("outreachvisit_id", "outreachtag_id"), tag_rows)
    reset_sequences(OutreachVisit)
    return count
