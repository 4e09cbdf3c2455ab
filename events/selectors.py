"""Reads for the course pages, My training, feeds and certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from .models import (
    Attendance,
    Booking,
    BookingStatus,
    ReportingCategory,
    SessionStatus,
    SessionVisibility,
    TrainingSession,
)


def certified_attendances(*, now: dt.datetime | None = None) -> QuerySet[Attendance]:
    """The rule of when a certificate exists: the person was marked present and the session has ended.

    Someone checked in at the door is attending, not trained: until the session's end there is no
    certificate (page, PDF, public check, My training's link) and no "complete" requirement
    (``events.compliance`` counts only these). A cancelled session gives none. A self-declared mark
    (typed at the door by someone not signed in) gives none until a trainer confirms it.
    """
    return Attendance.objects.filter(certifying_session(now=now, through="session__"), CERTIFYING_MARK)


# The two halves of the certificate rule, for reads that count marks per session before joining the sessions.
CERTIFYING_MARK = Q(self_declared=False)  # with the standing manager's: a mark taken back is no mark


def certifying_session(*, now: dt.datetime | None = None, through: str = "") -> Q:
    """The session half of ``certified_attendances``: the session has ended and was not cancelled.

    ``through`` is the path from the model queried to the session (``"session__"`` from an attendance).
    """
    now = now or timezone.now()
    return Q(**{f"{through}ends_at__lte": now, f"{through}status": SessionStatus.SCHEDULED})


def upcoming_open_sessions(*, course=None) -> QuerySet[TrainingSession]:
    """Open, scheduled sessions that have not started yet."""
    sessions = TrainingSession.objects.filter(
        visibility=SessionVisibility.OPEN, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).select_related("course")
    return sessions.filter(course=course) if course is not None else sessions


def course_listing(*, parent, user):
    """The courses under a training index, each with its next open session and how many are coming up.

    Restricted courses are listed too: the index names who they are for to people who may not open them.
    """
    from .models import CoursePage

    now = timezone.now()
    open_upcoming = Q(
        sessions__visibility=SessionVisibility.OPEN,
        sessions__status=SessionStatus.SCHEDULED,
        sessions__starts_at__gt=now,
    )
    return (
        CoursePage.objects.child_of(parent)
        .live()
        # Faith Forum events are listed on the forum's own pages, not among the courses.
        .exclude(reporting_category=ReportingCategory.FORUM)
        .annotate(next_session=Min("sessions__starts_at", filter=open_upcoming))
        .annotate(upcoming_count=Count("sessions", filter=open_upcoming))
        .order_by("path")
    )


def course_sessions_for_listing(*, course, user) -> list[TrainingSession]:
    """A course page's upcoming open sessions, each marked with the viewer's own booking status."""
    sessions = list(upcoming_open_sessions(course=course))
    if user.is_authenticated and sessions:
        mine = dict(
            Booking.objects.filter(user=user, session__in=sessions)
            .exclude(status=BookingStatus.CANCELLED)
            .values_list("session_id", "status")
        )
        for session in sessions:
            session.my_status = mine.get(session.pk)
    return sessions


def other_places_on_course(*, user, session) -> list[Booking]:
    """The person's live bookings (places or waiting) on other sessions of the same course that have not ended.

    Booking a second session of a course warns first with these (the Book page).
    """
    if not user.is_authenticated:
        return []
    return list(
        Booking.objects.filter(
            user=user,
            session__course_id=session.course_id,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITING],
            session__ends_at__gt=timezone.now(),
        )
        .exclude(session=session)
        .select_related("session", "session__course")
        .order_by("session__starts_at")
    )


def lesson_progress_for(*, user, course) -> dict:
    """Which of a course's lessons the person has completed: ids, count and total."""
    from .models import LessonProgress

    total = course.lessons.count()
    done = set()
    if user.is_authenticated:
        done = set(LessonProgress.objects.filter(user=user, lesson__page=course).values_list("lesson_id", flat=True))
    return {"completed_ids": done, "completed": len(done), "total": total}


def waiting_positions(bookings) -> dict[int, int]:
    """Each waiting booking's place in its session's queue (1 = next to be offered a place)."""
    positions = {}
    for booking in bookings:
        if booking.status == BookingStatus.WAITING:
            positions[booking.pk] = (
                Booking.objects.filter(
                    Q(created_at__lt=booking.created_at) | Q(created_at=booking.created_at, pk__lt=booking.pk),
                    session_id=booking.session_id,
                    status=BookingStatus.WAITING,
                ).count()
                + 1
            )
    return positions


def _same_person(user) -> Q:
    """An attendance of this person: recorded under their account, or under their email (a walk-in)."""
    same = Q(user_id=user.pk)
    if user.email:
        same |= Q(email__iexact=user.email)
    return same


def booking_attendance(*, booking: Booking) -> Attendance | None:
    """The booking's person's attendance at its session, if marked present (linked to it, their account or email)."""
    return (
        Attendance.objects.filter(session_id=booking.session_id)
        .filter(Q(booking_id=booking.pk) | _same_person(booking.user))
        .order_by("checked_in_at")
        .first()
    )


def booking_attended(*, booking: Booking) -> bool:
    """Whether the booking's person was marked present at its session."""
    return booking_attendance(booking=booking) is not None


@dataclass
class MyTraining:
    upcoming: list
    attended: list
    courses_in_progress: list
    colleagues: list  # places the person booked for colleagues, still to come: see ``colleague_bookings``
    invitations: list = field(default_factory=list)  # see ``invitations_sent``


def my_training(*, user) -> MyTraining:
    """Everything on a person's My training page, in a handful of queries."""
    from .models import CoursePage, LessonProgress

    now = timezone.now()
    upcoming = list(
        Booking.objects.filter(
            user=user, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITING], session__ends_at__gt=now
        )
        .select_related("session", "session__course")
        .order_by("session__starts_at")
    )
    positions = waiting_positions(upcoming)
    present = (
        set(
            Attendance.objects.filter(
                _same_person(user), session_id__in=[booking.session_id for booking in upcoming]
            ).values_list("session_id", flat=True)
        )
        if upcoming
        else set()  # nothing to ask about: no query (issue 15)
    )
    for booking in upcoming:
        booking.position = positions.get(booking.pk)
        booking.present = booking.session_id in present  # checked in: attending, and no longer cancellable
    attended = list(
        Attendance.objects.filter(user=user)
        # Faith Forum events are not training: no certificate, no feedback; the forum's pages say who came.
        .exclude(session__course__reporting_category=ReportingCategory.FORUM)
        .select_related("session", "session__course")
        .order_by("-session__starts_at")
    )
    certified = set(certified_attendances(now=now).filter(user=user).values_list("pk", flat=True))
    for attendance in attended:
        attendance.has_certificate = attendance.pk in certified
    course_ids = set(LessonProgress.objects.filter(user=user).values_list("lesson__page_id", flat=True))
    courses = []
    for course in CoursePage.objects.filter(pk__in=course_ids).live().order_by("title") if course_ids else []:
        courses.append((course, lesson_progress_for(user=user, course=course)))
    return MyTraining(
        upcoming=upcoming,
        attended=attended,
        courses_in_progress=courses,
        colleagues=colleague_bookings(lead=user),
        invitations=invitations_sent(lead=user),
    )


def invitations_sent(*, lead) -> list:
    """The colleague invitations ``lead`` sent for sessions still to come, newest first: what My training shows them."""
    from .models import ColleagueInvitation

    return list(
        ColleagueInvitation.objects.filter(invited_by=lead, session__ends_at__gt=timezone.now())
        .select_related("session", "session__course")
        .order_by("-created_at", "-pk")
    )


def _mark_present(bookings: list[Booking]) -> None:
    """Set ``present`` on each booking: its person was marked present at its session. One query (none for no bookings)."""
    if not bookings:
        return
    sessions = {booking.session_id for booking in bookings}
    marks = Attendance.objects.filter(session_id__in=sessions).values_list(
        "session_id", "booking_id", "user_id", "email"
    )
    by_booking = {booking_id for _, booking_id, _, _ in marks if booking_id}
    by_user = {(session_id, user_id) for session_id, _, user_id, _ in marks if user_id}
    by_email = {(session_id, email.casefold()) for session_id, _, _, email in marks if email}
    for booking in bookings:
        booking.present = (
            booking.pk in by_booking
            or (booking.session_id, booking.user_id) in by_user
            or (booking.session_id, booking.user.email.casefold()) in by_email
        )


def colleague_bookings(*, lead) -> list[Booking]:
    """The places ``lead`` booked for colleagues on sessions still to come: each with ``position`` and ``present``.

    What My training shows a lead, who can withdraw each until the booking deadline (``booking_cancel``).
    The Prevent team books people from the admin and manages those bookings there: none for them.
    """
    from crm import roles

    if roles.has_role(lead, roles.PREVENT_ADMIN):
        return []
    bookings = list(
        Booking.objects.filter(
            booked_by=lead,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITING],
            session__ends_at__gt=timezone.now(),
        )
        .exclude(user=lead)
        .select_related("user", "session", "session__course")
        .order_by("session__starts_at", "user__first_name", "user__last_name", "pk")
    )
    positions = waiting_positions(bookings)
    for booking in bookings:
        booking.position = positions.get(booking.pk)
    _mark_present(bookings)
    return bookings


def personal_feed_bookings(*, user) -> QuerySet[Booking]:
    """What a person's own calendar feed shows: live bookings and ones cancelled in the last 90 days, of
    sessions that ended in the last 90 days or later (the published feeds' window), so it does not grow
    with every session the person ever booked."""
    since = timezone.now() - dt.timedelta(days=90)
    return (
        Booking.objects.filter(user=user, session__ends_at__gte=since)
        .filter(Q(status=BookingStatus.CONFIRMED) | Q(status=BookingStatus.CANCELLED, cancelled_at__gte=since))
        .select_related("session", "session__course", "user")
    )


def session_roster(*, session) -> QuerySet[Booking]:
    return Booking.objects.filter(session=session).select_related("user").order_by("status", "created_at")


@dataclass
class RollLine:
    """One person on a session's roll: a live booking with its attendance (or none yet), or a walk-in's attendance."""

    booking: Booking | None = None
    attendance: Attendance | None = None

    @property
    def key(self) -> str:
        return f"b{self.booking.pk}" if self.booking is not None else f"a{self.attendance.pk}"

    @property
    def person(self):
        """The account: the booking's, else the walk-in's if they have one (None for a walk-in without)."""
        return self.booking.user if self.booking is not None else self.attendance.user

    @cached_property  # a desk row shows it several times; 200 rows (issue 15)
    def name(self) -> str:
        if self.booking is not None:
            return self.booking.user.get_full_name() or self.booking.user.email
        return self.attendance.display_name

    @property
    def email(self) -> str:
        return self.person.email if self.person is not None else self.attendance.email

    @property
    def organisation(self) -> str:
        if self.booking is not None:
            return self.booking.user.organisation_name
        return self.attendance.organisation_name or getattr(self.person, "organisation_name", "")

    @property
    def present(self) -> bool:
        return self.attendance is not None

    @property
    def is_confirmed(self) -> bool:
        return self.booking is not None and self.booking.status == BookingStatus.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.booking is not None and self.booking.status == BookingStatus.WAITING

    @property
    def walk_in(self) -> bool:
        """Present with no live booking on the roll (none, or only a cancelled one)."""
        return self.booking is None

    @property
    def self_declared(self) -> bool:
        """Present by their own typing at the door, not yet confirmed by a trainer."""
        return self.attendance is not None and self.attendance.self_declared

    @property
    def no_show(self) -> bool:
        """Marked a no-show when the register was closed, and still not present."""
        return self.is_confirmed and self.booking.no_show and not self.present


# The check-in desk lists the roll's lines: key, name, organisation, booking, attendance, is_waiting.
DeskRow = RollLine


def roll_counts(lines) -> dict[str, int]:
    """Counts of a roll's lines: booked (confirmed places), waiting, present, walk_ins, no_shows.

    ``present`` and ``walk_ins`` include self-declared marks; ``self_declared`` says how many of the present are.
    """
    counts = {"booked": 0, "waiting": 0, "present": 0, "walk_ins": 0, "no_shows": 0, "self_declared": 0}
    for line in lines:
        counts["self_declared"] += line.self_declared
        counts["booked"] += line.is_confirmed
        counts["waiting"] += line.is_waiting
        counts["present"] += line.present
        counts["walk_ins"] += line.present and line.walk_in
        counts["no_shows"] += line.no_show
    return counts


@dataclass
class SessionRoll:
    """Everyone on a session's roll, each once: see ``session_roll`` for the pairing rule."""

    session: TrainingSession
    lines: list[RollLine]

    @property
    def counts(self) -> dict[str, int]:
        return roll_counts(self.lines)

    @cached_property
    def _by_email(self) -> dict[str, RollLine]:
        by_email = {}
        for line in self.lines:
            if line.booking is not None and line.booking.user.email:
                by_email.setdefault(line.booking.user.email.casefold(), line)
        for line in self.lines:
            if line.attendance is not None:
                typed = "" if line.attendance.self_declared else line.attendance.email
                for known in (typed, getattr(line.attendance.user, "email", "")):
                    if known:
                        by_email.setdefault(known.casefold(), line)
        return by_email

    def line_for_email(self, email: str) -> RollLine | None:
        """The line of the person using this email: a booking's account first, then an attendance's email or account."""
        return self._by_email.get(email.strip().casefold())


def session_roll(*, session: TrainingSession) -> SessionRoll:
    """Who is on a session's roll, pairing each attendance with the booking it belongs to. Two queries.

    The rule, used by the check-in desk, the register and its files, the paper
    register upload and closing the register: the roll holds the session's
    confirmed and waiting bookings (cancelled ones are not on it) and all its
    attendances. An attendance belongs to a booking on the roll when it is
    linked to it (``attendance.booking``), else when it has the same account
    (``attendance.user == booking.user``), else the same email, ignoring case
    (``attendance.email`` and ``booking.user.email``), tried in that order for
    every attendance before the next. Each attendance pairs with at most one
    booking and each booking with at most one attendance. The attendances left
    over are walk-ins: present with no live booking (someone who cancelled and
    then came is a walk-in). So a waiting-list person who checked in from the
    poster as a walk-in is one line, waiting and present. A self-declared attendance (typed at the door
    by someone not signed in) is never paired by its email: typing an address stands for nobody's booking.

    Lines come confirmed, then waiting, then walk-ins, each by name.
    """
    bookings = list(
        Booking.objects.filter(
            session=session, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITING]
        ).select_related("user")
    )
    unpaired = list(Attendance.objects.filter(session=session).select_related("user"))
    free = {booking.pk: booking for booking in bookings}
    attendance_of: dict[int, Attendance] = {}

    def email(value: str):
        return value.casefold() if value else None

    for attendance_key, booking_key in (
        (lambda a: a.booking_id, lambda b: b.pk),
        (lambda a: a.user_id, lambda b: b.user_id),
        (lambda a: None if a.self_declared else email(a.email), lambda b: email(b.user.email)),
    ):
        index = {booking_key(booking): booking for booking in free.values()}
        left = []
        for attendance in unpaired:
            key = attendance_key(attendance)
            booking = index.pop(key, None) if key is not None else None
            if booking is None:
                left.append(attendance)
            else:
                attendance_of[booking.pk] = attendance
                del free[booking.pk]
        unpaired = left
    lines = [RollLine(booking, attendance_of.get(booking.pk)) for booking in bookings]
    lines += [RollLine(None, attendance) for attendance in unpaired]
    lines.sort(key=lambda line: (line.walk_in, line.is_waiting, line.name.casefold()))
    return SessionRoll(session=session, lines=lines)


def desk_rows(*, session: TrainingSession, query: str = "", roll: SessionRoll | None = None) -> list[DeskRow]:
    """The check-in desk's list: the session's roll by name, waiting list last.

    ``query`` searches name and organisation.
    """
    roll = roll or session_roll(session=session)
    rows = sorted(roll.lines, key=lambda row: (row.is_waiting, row.name.casefold()))
    if query:
        needle = query.casefold().strip()
        rows = [row for row in rows if needle in row.name.casefold() or needle in row.organisation.casefold()]
    return rows


def desk_counts(*, session: TrainingSession, roll: SessionRoll | None = None) -> dict[str, int]:
    """The desk's live counts, from the roll: present, booked (confirmed places), walk-ins, waiting, and how many
    of the present are self-declared (not yet confirmed by a trainer)."""
    counts = (roll or session_roll(session=session)).counts
    return {name: counts[name] for name in ("present", "booked", "walk_ins", "waiting", "self_declared")}


def trainer_choices() -> QuerySet:
    """People who can run a session's check-in desk and register: active, with the Trainer role or on the team."""
    from django.contrib.auth import get_user_model

    from crm import roles

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[roles.TRAINER, roles.PREVENT_ADMIN])
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def sessions_run_by(*, user, is_team: bool) -> QuerySet[TrainingSession]:
    """The sessions a trainer runs (the team: every session), newest first."""
    sessions = TrainingSession.objects.select_related("course", "organisation")
    if not is_team:
        sessions = sessions.filter(trainers=user)
    return sessions
