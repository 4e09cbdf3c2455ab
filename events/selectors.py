"""Reads for the course pages, My training, feeds and certificates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from .models import Attendance, Booking, BookingStatus, SessionStatus, SessionVisibility, TrainingSession


def upcoming_open_sessions(*, course=None) -> QuerySet[TrainingSession]:
    """Open, scheduled sessions that have not started yet."""
    sessions = TrainingSession.objects.filter(
        visibility=SessionVisibility.OPEN, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).select_related("course")
    return sessions.filter(course=course) if course is not None else sessions


def course_listing(*, parent, user):
    """The courses under a training index, each with its next open session and how many are coming up."""
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
        .public()
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
            positions[booking.pk] = Booking.objects.filter(
                Q(created_at__lt=booking.created_at) | Q(created_at=booking.created_at, pk__lt=booking.pk),
                session_id=booking.session_id,
                status=BookingStatus.WAITING,
            ).count() + 1
    return positions


@dataclass
class MyTraining:
    upcoming: list
    attended: list
    courses_in_progress: list


def my_training(*, user) -> MyTraining:
    """Everything on a person's My training page, in a handful of queries."""
    from .models import CoursePage, LessonProgress

    now = timezone.now()
    upcoming = list(
        Booking.objects.filter(user=user, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITING],
                               session__ends_at__gt=now)
        .select_related("session", "session__course")
        .order_by("session__starts_at")
    )
    positions = waiting_positions(upcoming)
    for booking in upcoming:
        booking.position = positions.get(booking.pk)
    attended = list(
        Attendance.objects.filter(user=user).select_related("session", "session__course").order_by("-session__starts_at")
    )
    course_ids = set(LessonProgress.objects.filter(user=user).values_list("lesson__page_id", flat=True))
    courses = []
    for course in CoursePage.objects.filter(pk__in=course_ids).live().order_by("title"):
        courses.append((course, lesson_progress_for(user=user, course=course)))
    return MyTraining(upcoming=upcoming, attended=attended, courses_in_progress=courses)


def personal_feed_bookings(*, user) -> QuerySet[Booking]:
    """What a person's own calendar feed shows: live bookings and ones cancelled in the last 90 days."""
    since = timezone.now() - dt.timedelta(days=90)
    return (
        Booking.objects.filter(user=user)
        .filter(Q(status=BookingStatus.CONFIRMED) | Q(status=BookingStatus.CANCELLED, cancelled_at__gte=since))
        .select_related("session", "session__course", "user")
    )


def session_roster(*, session) -> QuerySet[Booking]:
    return Booking.objects.filter(session=session).select_related("user").order_by("status", "created_at")


@dataclass
class DeskRow:
    """One line on the check-in desk: a booking (present or not) or a walk-in."""

    key: str
    name: str
    organisation: str
    booking: Booking | None
    attendance: Attendance | None

    @property
    def is_waiting(self) -> bool:
        return self.booking is not None and self.booking.status == BookingStatus.WAITING


def desk_rows(*, session: TrainingSession, query: str = "") -> list[DeskRow]:
    """Everyone expected or present at a session, by name: confirmed and waiting bookings, then walk-ins."""
    attendances = list(session.attendances.select_related("user", "booking"))
    by_booking = {a.booking_id: a for a in attendances if a.booking_id}
    by_user = {a.user_id: a for a in attendances if a.user_id}
    rows, shown = [], set()
    bookings = (
        Booking.objects.filter(session=session, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITING])
        .select_related("user")
    )
    for booking in bookings:
        attendance = by_booking.get(booking.pk) or by_user.get(booking.user_id)
        if attendance:
            shown.add(attendance.pk)
        rows.append(DeskRow(f"b{booking.pk}", booking.user.get_full_name() or booking.user.email,
                            booking.user.organisation_name, booking, attendance))
    for attendance in attendances:
        if attendance.pk not in shown:
            rows.append(DeskRow(f"a{attendance.pk}", attendance.display_name, attendance.organisation_name, None, attendance))
    rows.sort(key=lambda row: (row.is_waiting, row.name.casefold()))
    if query:
        needle = query.casefold().strip()
        rows = [row for row in rows if needle in row.name.casefold() or needle in row.organisation.casefold()]
    return rows


def desk_counts(*, session: TrainingSession) -> dict[str, int]:
    """The desk's live counts: present, booked (confirmed places), walk-ins (present without a booking), waiting."""
    counts = Booking.objects.filter(session=session).aggregate(
        booked=Count("pk", filter=Q(status=BookingStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=BookingStatus.WAITING)),
    )
    attendance = session.attendances.aggregate(
        present=Count("pk"), walk_ins=Count("pk", filter=Q(booking__isnull=True))
    )
    return {**counts, **attendance}


def sessions_run_by(*, user, is_team: bool) -> QuerySet[TrainingSession]:
    """The sessions a trainer runs (the team: every session), newest first."""
    sessions = TrainingSession.objects.select_related("course", "organisation")
    if not is_team:
        sessions = sessions.filter(trainers=user)
    return sessions
