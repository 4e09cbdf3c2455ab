"""National-scale data for measuring the reports (``manage.py seed_scale``), and the timing of the reports on it.

``seed(attendances=N, outreach=M)`` makes about ten financial years of training the way a large
council's (or a national programme's) would look: sessions of courses of every reporting
category (WRAP, education, Members, other, and a few Faith Forum events that count in no figure),
about 25 people present at each held session, some sessions cancelled and some with nobody
counted; organisations of every kind in wards; attendances with the organisation, Member side
and Cabinet seat of the day, some walk-ins without an account, some self-declared marks nobody
confirmed, some marks taken back; trainers on every session; feedback asked of and given by a
share of the people trained; and ``M`` outreach visits (a third of ``N`` by default).

Every row it makes can be told from everybody else's, so ``clear()`` removes exactly these rows:

- wards, organisations and outreach tags are named ``Scale data: ...``; people have an
  ``@scale.invalid`` address (a reserved domain: nobody is ever emailed);
- courses are draft pages with slugs ``scale-data-...`` (never on the public site), and the
  sessions are theirs, with a venue starting ``Scale data:``;
- attendances, trainers, feedback requests and answers hang off those sessions; outreach visits
  are in the scale wards.

On PostgreSQL rows go in with ``COPY`` (psycopg's ``cursor.copy()``), elsewhere with
``bulk_create`` in big batches. Ids are given, not returned, so that attendances, feedback and
trainers are written in one pass. Running it again adds as much again, reusing the wards,
organisations, courses and people made before.

``time_reports()`` times the financial-year report and everything the analytics dashboard
computes, for ``make bench`` and the README's table.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Site

from crm.models import MemberSide, Organisation, OrganisationType, User, Ward
from crm.outreach.models import ContactType, OutreachActivity, OutreachTag, OutreachVisit
from crm.periods import FinancialYear
from events.models import (
    Attendance,
    AttendanceMethod,
    CoursePage,
    ReportingCategory,
    SessionStatus,
    SessionVisibility,
    TrainingIndexPage,
    TrainingSession,
)
from feedback.models import FeedbackRequest, FeedbackResponse

PREFIX = "Scale data: "
SLUG = "scale-data-"
EMAIL_DOMAIN = "scale.invalid"
YEARS = 10
PRESENT = 25  # people at a held session, on average
CANCELLED_SHARE = 0.03
NOT_HELD_SHARE = 0.02  # scheduled, but nobody counted: only marks taken back or typed in and never confirmed
UPCOMING_SHARE = 0.01
WALK_IN_SHARE = 0.04
SELF_DECLARED_SHARE = 0.02
UNDONE_SHARE = 0.01
UNMATCHED_SHARE = 0.1  # typed an organisation that is not linked to the register
ASKED_SHARE = 0.6  # of the people counted: emailed for feedback
ANSWERED_SHARE = 0.6  # of those asked
ANONYMOUS_SHARE = 0.1
COMMENT_SHARE = 0.15
BATCH = 5_000

# (category, course title, share of sessions)
COURSES = [
    (ReportingCategory.WRAP, "WRAP (scale)", 0.30),
    (ReportingCategory.WRAP, "WRAP for partners (scale)", 0.12),
    (ReportingCategory.WRAP, "WRAP refresher online (scale)", 0.08),
    (ReportingCategory.EDUCATION, "School staff briefing (scale)", 0.22),
    (ReportingCategory.EDUCATION, "DSL briefing (scale)", 0.06),
    (ReportingCategory.MEMBER, "Elected Member training (scale)", 0.04),
    (ReportingCategory.OTHER, "Online safety awareness (scale)", 0.08),
    (ReportingCategory.OTHER, "Prevent for managers (scale)", 0.08),
    (ReportingCategory.FORUM, "Faith Forum meeting (scale)", 0.02),
]
WARDS = [
    "Addison",
    "Avonmore",
    "Brook Green",
    "College Park and Old Oak",
    "Coningham",
    "Fulham Reach",
    "Fulham Town",
    "Grove",
    "Hammersmith Broadway",
    "Lillie",
    "Munster",
    "Palace and Hurlingham",
    "Parsons Green and Sandford",
    "Ravenscourt",
    "Sands End",
    "Shepherd's Bush Green",
    "Walham Green",
    "Wendell Park",
    "West Kensington",
    "White City",
    "Wormholt",
]
ORGANISATIONS = {  # kind -> how many
    OrganisationType.COUNCIL: 4,
    OrganisationType.SCHOOL: 240,
    OrganisationType.STATUTORY: 40,
    OrganisationType.COMMUNITY: 90,
    OrganisationType.FAITH: 70,
    OrganisationType.ELECTED_MEMBER: 1,
    OrganisationType.OTHER: 25,
}
# Who comes to a session of each category: (kind of organisation, weight)
AUDIENCE = {
    ReportingCategory.WRAP: [
        (OrganisationType.COUNCIL, 80),
        (OrganisationType.STATUTORY, 8),
        (OrganisationType.COMMUNITY, 6),
        (OrganisationType.FAITH, 2),
        (OrganisationType.SCHOOL, 2),
        (OrganisationType.OTHER, 2),
    ],
    ReportingCategory.EDUCATION: [(OrganisationType.SCHOOL, 100)],
    ReportingCategory.OTHER: [
        (OrganisationType.COUNCIL, 40),
        (OrganisationType.STATUTORY, 20),
        (OrganisationType.COMMUNITY, 20),
        (OrganisationType.SCHOOL, 10),
        (OrganisationType.OTHER, 10),
    ],
    ReportingCategory.FORUM: [(OrganisationType.FAITH, 80), (OrganisationType.COMMUNITY, 20)],
}
TRAINERS = 30
OFFICERS = 12
TAGS = ["online harms", "far right", "community tensions", "school holidays", "world events"]
MOST_USEFUL = ["The case studies.", "Knowing how to refer.", "Local examples.", "The discussion."]
IMPROVE = ["More time for questions.", "Could be shorter.", "More on online material.", "Nothing."]
START_TIMES = [(9, 30), (10, 0), (13, 30), (14, 0), (18, 0)]


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


# --- Writing rows fast ------------------------------------------------------------------------------


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


STEPS: dict[str, float] = {}


def _write(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order, attribute names) into ``model``'s table: COPY or bulk_create."""
    began = time.perf_counter()
    try:
        return _insert(model, columns, rows)
    finally:
        name = model._meta.db_table
        STEPS[name] = STEPS.get(name, 0.0) + time.perf_counter() - began


def _insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    count = 0
    if _is_postgres():
        columns, rows = _with_defaults(model, columns, rows)
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in columns)
        with connection.cursor() as cursor:
            # Binary COPY: PostgreSQL parses no text; the columns' types come from the table itself.
            cursor.execute(f"SELECT {names} FROM {table} LIMIT 0")  # noqa: S608
            types = [column.type_code for column in cursor.description]
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


def _with_defaults(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]):
    """COPY leaves a left-out column NULL (Django keeps defaults in Python): add each left-out field's default."""
    extra = []
    for model_field in model._meta.concrete_fields:
        if model_field.attname in columns or model_field.null or model_field.primary_key:
            continue
        if model_field.has_default() and callable(model_field.default):
            raise ValueError(f"{model.__name__}.{model_field.name} needs a value of its own in each row")
        extra.append((model_field.attname, model_field.get_default()))
    if not extra:
        return columns, rows
    tail = tuple(value for _, value in extra)
    return (*columns, *(name for name, _ in extra)), (row + tail for row in rows)


@contextmanager
def _foreign_key_triggers_off() -> Iterator[bool]:
    """On PostgreSQL as a superuser, no foreign-key triggers inside the block (within the caller's transaction).

    The rows this module writes refer only to rows it has just written or read, so checking each
    reference again (PostgreSQL does it once per row per key, at commit) only costs time: about a
    third of a seed's, and most of a clear's. ``clear`` checks in bulk first that nothing else
    refers to what it deletes. Anyone else gets the checks: slower, same result. Yields whether
    they are off.
    """
    off = False
    if _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            off = bool(row and row[0])
            if off:
                cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield off
    finally:
        if off:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = origin")
            except DatabaseError:  # the transaction failed: its rollback puts the setting back
                pass


def _next_id(model: type[models.Model]) -> int:
    """The first id after every row of ``model`` (ids are given by this module, then the sequence is moved on)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def _reset_sequences(*models_: type[models.Model]) -> None:
    """After ids were given by hand: PostgreSQL's sequences go past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(_NoStyle(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class _NoStyle:
    """The ``style`` argument ``sequence_reset_sql`` wants, without colours."""

    def __getattr__(self, name: str) -> Callable[[str], str]:
        return lambda text: text


# --- Reference data: wards, organisations, people, courses ------------------------------------------


def _wards() -> list[int]:
    names = [f"{PREFIX}{name}" for name in WARDS]
    existing = set(Ward.objects.filter(name__in=names).values_list("name", flat=True))
    Ward.objects.bulk_create([Ward(name=name) for name in names if name not in existing])
    return list(Ward.objects.filter(name__in=names).order_by("name").values_list("pk", flat=True))


def _organisations(rng: random.Random, wards: list[int]) -> dict[str, list[tuple[int, str, int]]]:
    """(id, name, ward id) of the scale organisations of each kind, made when missing."""
    existing = {name for name in Organisation.objects.filter(name__startswith=PREFIX).values_list("name", flat=True)}
    taken_urns = set(Organisation.objects.exclude(urn="").values_list("urn", flat=True))
    urns = (f"{n:06d}" for n in range(990000, 1000000) if f"{n:06d}" not in taken_urns)
    new = []
    for kind, how_many in ORGANISATIONS.items():
        label = OrganisationType(kind).label
        for n in range(1, how_many + 1):
            name = f"{PREFIX}{label} {n}"
            if name in existing:
                continue
            school = kind == OrganisationType.SCHOOL
            new.append(
                Organisation(
                    name=name,
                    organisation_type=kind,
                    ward_id=wards[(n * 7 + len(kind)) % len(wards)],
                    urn=next(urns) if school else "",
                    phase=rng.choice(["primary", "primary", "secondary", "special"]) if school else "",
                )
            )
    Organisation.objects.bulk_create(new, batch_size=BATCH)
    found: dict[str, list[tuple[int, str, int]]] = {kind: [] for kind in ORGANISATIONS}
    rows = Organisation.objects.filter(name__startswith=PREFIX).order_by("pk")
    for pk, name, kind, ward in rows.values_list("pk", "name", "organisation_type", "ward_id"):
        found.setdefault(kind, []).append((pk, name, ward))
    return found


def _email(local: str) -> str:
    return f"{local}@{EMAIL_DOMAIN}"


@dataclass
class _Person:
    pk: int
    name: str
    email: str
    organisation: tuple[int, str, int] | None
    kind: str
    side: str = ""
    cabinet: bool = False


def _people(
    rng: random.Random, kind: str, how_many: int, organisations: list[tuple[int, str, int]], organisation_type: str = ""
) -> list[_Person]:
    """At least ``how_many`` people of one kind (``scale-<kind>-<n>``), made when missing; sides for Members."""
    stem = f"scale-{kind}-"
    have = User.objects.filter(username__startswith=stem).count()
    now = timezone.now()
    if have < how_many:
        start = _next_id(User)
        rows = []
        for n in range(have, how_many):
            organisation = organisations[n % len(organisations)] if organisations else None
            side, cabinet = "", False
            if kind == OrganisationType.ELECTED_MEMBER:
                side = MemberSide.ADMINISTRATION if n % 3 else MemberSide.OPPOSITION
                cabinet = side == MemberSide.ADMINISTRATION and n % 7 == 1
            rows.append(
                (
                    start + n - have,
                    f"{stem}{n}",
                    _email(f"{stem}{n}"),
                    "!scale-unusable",
                    "Scale",
                    f"{kind.title()} {n}",
                    organisation[1] if organisation else "",
                    organisation[0] if organisation else None,
                    organisation_type or kind,
                    "Scale role",
                    "Scale group" if side else "",
                    side,
                    cabinet,
                    False,
                    False,
                    True,
                    now,
                )
            )
        _write(
            User,
            (
                "id",
                "username",
                "email",
                "password",
                "first_name",
                "last_name",
                "organisation_name",
                "organisation_id",
                "organisation_type",
                "job_role",
                "political_group",
                "member_side",
                "is_cabinet_member",
                "is_superuser",
                "is_staff",
                "is_active",
                "date_joined",
            ),
            rows,
        )
        _reset_sequences(User)
    orgs = {organisation[0]: organisation for organisation in organisations}
    people = []
    for pk, username, email, org, side, cabinet in (
        User.objects.filter(username__startswith=stem)
        .order_by("pk")
        .values_list("pk", "username", "email", "organisation_id", "member_side", "is_cabinet_member")[:how_many]
    ):
        people.append(_Person(pk, f"Scale {username}", email, orgs.get(org), organisation_type or kind, side, cabinet))
    rng.shuffle(people)
    return people


def training_index() -> TrainingIndexPage:
    """The site's training index; one of this module's own (a draft, ``scale-data-training``) when there is none."""
    index = TrainingIndexPage.objects.first()
    if index is not None:
        return index
    home = Site.objects.get(is_default_site=True).root_page
    index = TrainingIndexPage(title=f"{PREFIX}Training", slug=f"{SLUG}training", live=False)
    home.add_child(instance=index)
    return index


def _courses() -> list[tuple[int, str, float]]:
    """(id, category, share) of the scale courses: draft pages, made when missing."""
    index = training_index()
    found = []
    for n, (category, title, share) in enumerate(COURSES):
        slug = f"{SLUG}course-{n + 1}"
        course = CoursePage.objects.filter(slug=slug).first()
        if course is None:
            course = CoursePage(
                title=f"{PREFIX}{title}",
                slug=slug,
                live=False,
                summary="Made by manage.py seed_scale to measure the reports.",
                audience="Measurement only",
                duration="2 hours",
                reporting_category=category,
            )
            index.add_child(instance=course)
        found.append((course.pk, category, share))
    return found


def _tags() -> list[int]:
    names = [f"{PREFIX}{name}" for name in TAGS]
    existing = set(OutreachTag.objects.filter(name__in=names).values_list("name", flat=True))
    OutreachTag.objects.bulk_create([OutreachTag(name=name) for name in names if name not in existing])
    return list(OutreachTag.objects.filter(name__in=names).values_list("pk", flat=True))


# --- Sessions, attendance, feedback -----------------------------------------------------------------


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

    def __init__(self, people: list[_Person]):
        self.people = people
        self.next = 0

    def take(self, count: int) -> list[_Person]:
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
    with transaction.atomic(), _foreign_key_triggers_off():
        wards = _wards()
        organisations = _organisations(rng, wards)
        courses = _courses()
        tags = _tags()
        council = organisations[OrganisationType.COUNCIL]
        trainers = _people(rng, "trainer", TRAINERS, council, OrganisationType.COUNCIL)
        officers = _people(rng, "officer", OFFICERS, council, OrganisationType.COUNCIL)
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
            kind: _Pool(_people(rng, kind, max(staff * weight // total, 60), organisations[kind]))
            for kind, weight in pools.items()
        }
        members = _Pool(
            _people(
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
    first_session = _next_id(TrainingSession)
    first_attendance = _next_id(Attendance)
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
    counts["sessions"] = _write(
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
    counts["session trainers"] = _write(Through, ("trainingsession_id", "user_id"), trainer_rows)

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
                    user, email = None, _email(f"walk-in-{pk}")
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

    counts["attendances"] = _write(
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
    counts["feedback requests"] = _write(
        FeedbackRequest,
        ("attendance_id", "emailed_at", "answered"),
        ((pk, starts + dt.timedelta(days=1), answered) for pk, _, starts, answered in asked),
    )
    counts["feedback responses"] = _write(
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
    _reset_sequences(TrainingSession, Attendance)
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
    first = _next_id(OutreachVisit)
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

    count = _write(
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
    _write(OutreachVisit.tags.through, ("outreachvisit_id", "outreachtag_id"), tag_rows)
    _reset_sequences(OutreachVisit)
    return count


TABLES = (Attendance, FeedbackRequest, FeedbackResponse, TrainingSession, User, OutreachVisit)


def tidy() -> float:
    """After a big load or clear on PostgreSQL: VACUUM ANALYZE the big tables (as autovacuum would, later), so that
    plans see the new counts and index-only scans work. Inside a transaction (a test), ANALYZE only. Seconds taken."""
    if not _is_postgres():
        return 0.0
    began = time.perf_counter()
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(f"{command} {_table(model)}")
    return time.perf_counter() - began


# --- Removing it --------------------------------------------------------------------------------------


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def clear() -> dict[str, int]:
    """Remove every row ``seed`` made, and nothing else: plain DELETEs by the marks, children first.

    Raises ``IntegrityError`` (and removes nothing) if a row that is not scale data refers to
    scale data, e.g. someone booked a scale session by hand.
    """
    like_prefix, like_slug = f"{PREFIX}%", f"{SLUG}%"
    sessions = (
        f"SELECT s.id FROM {_table(TrainingSession)} s JOIN {_table(Page)} p ON p.id = s.course_id "  # noqa: S608
        "WHERE p.slug LIKE %s AND s.venue LIKE %s",
        [like_slug, like_prefix],
    )
    attendances = (f"SELECT id FROM {_table(Attendance)} WHERE session_id IN ({sessions[0]})", sessions[1])  # noqa: S608
    wards = (f"SELECT id FROM {_table(Ward)} WHERE name LIKE %s", [like_prefix])  # noqa: S608
    visits = (f"SELECT id FROM {_table(OutreachVisit)} WHERE ward_id IN ({wards[0]})", wards[1])  # noqa: S608
    users = (
        f"SELECT id FROM {_table(User)} WHERE username LIKE %s AND email LIKE %s",  # noqa: S608
        ["scale-%", f"%@{EMAIL_DOMAIN}"],
    )
    named = ("name LIKE %s", [like_prefix])
    steps = [
        ("feedback responses", FeedbackResponse, "session_id", sessions),
        ("feedback requests", FeedbackRequest, "attendance_id", attendances),
        ("attendances", Attendance, "session_id", sessions),
        ("session trainers", TrainingSession.trainers.through, "trainingsession_id", sessions),
        ("sessions", TrainingSession, "id", sessions),
        ("courses", None, None, None),
        ("outreach tags", OutreachVisit.tags.through, "outreachvisit_id", visits),
        ("outreach visits", OutreachVisit, "id", visits),
        ("people", User, "id", users),
        ("organisations", Organisation, None, named),
        ("wards", Ward, None, named),
        ("outreach topic tags", OutreachTag, None, named),
    ]
    counts = {}
    STEPS.clear()
    with transaction.atomic(), connection.cursor() as cursor, _foreign_key_triggers_off():
        if _is_postgres():  # plans for the deletes and checks below need the counts of what seed made
            for model in TABLES:
                cursor.execute(f"ANALYZE {_table(model)}")
        deleted = {model: (column, select, params) for _, model, column, (select, params) in _steps(steps) if model}
        _refuse_outside_references(cursor, deleted)
        for label, model, column, (select, params) in _steps(steps):
            began = time.perf_counter()
            if model is None:
                counts[label] = _delete_courses()
            else:
                where = f"{column} IN ({select})" if column else select
                cursor.execute(f"DELETE FROM {_table(model)} WHERE {where}", params)  # noqa: S608
                counts[label] = cursor.rowcount
            STEPS[f"delete {label}"] = time.perf_counter() - began
    return counts


def _steps(steps):
    for label, model, column, select in steps:
        yield label, model, column, select or ("", [])


def _refuse_outside_references(cursor, deleted: dict) -> None:
    """Raise ``IntegrityError`` naming the table when a row that ``clear`` keeps refers to a row it deletes.

    What the foreign-key triggers would have found one row at a time at commit, found with one
    query per foreign key into the deleted tables.
    """
    from django.apps import apps
    from django.db import IntegrityError

    def condition(model, alias: str) -> tuple[str, list]:
        column, select, params = deleted[model]
        if column:
            return f"{alias}.{connection.ops.quote_name(column)} IN ({select})", params
        return select, params

    def kept(model) -> tuple[str, list]:
        """Rows of ``model`` that ``clear`` keeps: NOT EXISTS, an anti-join (NOT IN would scan the list per row)."""
        column, select, params = deleted[model]
        if column:
            quoted = connection.ops.quote_name(column)
            return f"NOT EXISTS (SELECT 1 FROM ({select}) d WHERE d.id = r.{quoted})", params  # noqa: S608
        return f"NOT ({select})", params

    for model in apps.get_models(include_auto_created=True):
        for model_field in model._meta.local_concrete_fields:
            target = getattr(model_field, "related_model", None)
            if not model_field.is_relation or target not in deleted:
                continue
            target_pk = connection.ops.quote_name(target._meta.pk.column)
            goes, goes_params = condition(target, "t")
            # A count, not "LIMIT 1": with a limit PostgreSQL plans for finding a row at once, and when there is
            # none (the usual case) walks a million rows through a nested loop.
            sql = (
                f"SELECT COUNT(*) FROM {_table(model)} r WHERE r.{connection.ops.quote_name(model_field.column)} IN "  # noqa: S608
                f"(SELECT t.{target_pk} FROM {_table(target)} t WHERE {goes})"
            )
            params = list(goes_params)
            if model in deleted:
                stays, stays_params = kept(model)
                sql += f" AND {stays}"
                params += stays_params
            began = time.perf_counter()
            cursor.execute(sql, params)
            STEPS[f"check {model._meta.db_table}.{model_field.column}"] = time.perf_counter() - began
            if cursor.fetchone()[0]:
                raise IntegrityError(
                    f"{model._meta.db_table}.{model_field.column} refers to scale data in {target._meta.db_table}: "
                    "remove or change those rows first; nothing was removed."
                )


def _delete_courses() -> int:
    """The scale courses (and the scale training index, when this module made it), through Wagtail."""
    deleted = []
    for page in Page.objects.filter(slug__startswith=SLUG, depth__gt=2).order_by("-depth"):
        if page.get_children().exclude(slug__startswith=SLUG).exists():
            continue
        deleted.append(page.pk)
        page.specific.delete()
    # Wagtail logged making and deleting them: measurement, not the team's history.
    PageLogEntry.objects.filter(page_id__in=deleted).delete()
    return len(deleted)


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
