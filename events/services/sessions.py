"""Scheduling sessions: one at a time or a run, and telling people booked when a session changes."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from crm import roles
from crm.audit import audit_log

from .. import audit, emails
from ..errors import MESSAGES
from ..models import Attendance, Booking, BookingStatus, CheckInMode, SessionStatus, TrainingSession, new_token
from .booking import _promote_waiting, booking_log

# Changing any of these sends everyone booked an updated invitation.
INVITATION_FIELDS = ("starts_at", "ends_at", "venue", "address", "online_url")


@transaction.atomic
def session_save(*, session: TrainingSession, by) -> TrainingSession:
    """Create or change a session; tell the people booked about what changed.

    A change of time or place raises the calendar SEQUENCE and sends everyone
    booked an updated invitation (same UID). Cancelling the session cancels
    every booking and waiting-list place and tells each person. More capacity
    promotes people from the waiting list. Capacity below the places already
    taken is refused by ``clean()``.
    """
    if session.pk is None:
        session.full_clean()
        session.save()
        return session
    previous = TrainingSession.objects.select_for_update().get(pk=session.pk)
    session.places_taken = previous.places_taken  # the form's copy may be stale; the locked row is not
    session.full_clean()
    moved = any(getattr(previous, name) != getattr(session, name) for name in INVITATION_FIELDS)
    cancelled_now = session.status == SessionStatus.CANCELLED and previous.status != SessionStatus.CANCELLED
    if moved or cancelled_now:
        session.sequence = previous.sequence + 1
    session.save()
    if cancelled_now:
        live = list(Booking.objects.select_for_update().filter(session=session).exclude(status=BookingStatus.CANCELLED))
        for booking in live:
            was_confirmed = booking.status == BookingStatus.CONFIRMED
            booking.status = BookingStatus.CANCELLED
            booking.cancelled_at = timezone.now()
            booking.cancelled_by = by
            booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
            booking_log(
                booking,
                audit.BOOKING_CANCEL,
                by=by,
                before=BookingStatus.CONFIRMED if was_confirmed else BookingStatus.WAITING,
                reason="session cancelled",
            )
            emails.session_cancelled(booking, was_confirmed)
        TrainingSession.objects.filter(pk=session.pk).update(places_taken=0)
        session.places_taken = 0
        return session
    if moved:
        for booking in Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED):
            emails.session_changed(booking)
    if session.capacity > previous.capacity:
        _promote_waiting(session)
    return session


@dataclass
class SessionRun:
    """A run of sessions: e.g. the first Tuesday of each month for six months."""

    course: object
    first_date: dt.date
    count: int
    start_time: dt.time
    end_time: dt.time
    venue: str
    capacity: int
    repeat: str  # "weekly", "fortnightly", "monthly_nth" (same weekday, same week of the month)
    address: str = ""
    online_url: str = ""
    deadline_days_before: int = 1
    trainers: tuple = ()


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The nth (1-4, or -1 for the last) given weekday of a month."""
    days = [
        day
        for week in calendar.Calendar().monthdatescalendar(year, month)
        for day in week
        if day.month == month and day.weekday() == weekday
    ]
    return days[-1] if nth == -1 else days[nth - 1]


def session_run_dates(run: SessionRun) -> list[dt.date]:
    """The dates of a run: weekly, fortnightly, or the same nth weekday of each month."""
    if run.repeat == "weekly":
        return [run.first_date + dt.timedelta(weeks=i) for i in range(run.count)]
    if run.repeat == "fortnightly":
        return [run.first_date + dt.timedelta(weeks=2 * i) for i in range(run.count)]
    weekday = run.first_date.weekday()
    nth = (run.first_date.day - 1) // 7 + 1
    if nth == 5:
        nth = -1  # a fifth Friday is "the last Friday", which every month has
    dates, year, month = [], run.first_date.year, run.first_date.month
    while len(dates) < run.count:
        dates.append(_nth_weekday(year, month, weekday, nth))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return dates


@transaction.atomic
def session_run_create(*, run: SessionRun, by) -> list[TrainingSession]:
    """Schedule a run of sessions in one go; all are created or none (clear errors from ``full_clean``).

    Every session gets the run's trainers, so each is in their *Sessions I run* and its desk admits
    them. A trainer must be able to run the desk (the Trainer role, or the team): otherwise
    ``ValidationError`` on ``trainers`` (code not_a_trainer) and nothing is made.
    """
    if not 1 <= run.count <= 52:
        raise ValueError("A run has between 1 and 52 sessions.")
    for person in run.trainers:
        if not (person.is_active and roles.has_role(person, roles.TRAINER)):
            name = person.get_full_name() or person.email
            message = MESSAGES["not_a_trainer"].format(name=name)
            raise ValidationError({"trainers": ValidationError(message, code="not_a_trainer")})
    sessions = []
    for day in session_run_dates(run):
        starts = timezone.make_aware(dt.datetime.combine(day, run.start_time))
        ends = timezone.make_aware(dt.datetime.combine(day, run.end_time))
        session = TrainingSession(
            course=run.course,
            starts_at=starts,
            ends_at=ends,
            venue=run.venue,
            address=run.address,
            online_url=run.online_url,
            capacity=run.capacity,
            booking_deadline=starts - dt.timedelta(days=run.deadline_days_before) if run.deadline_days_before else None,
        )
        session_save(session=session, by=by)
        if run.trainers:
            session.trainers.set(run.trainers)
        sessions.append(session)
    return sessions


@transaction.atomic
def checkin_token_regenerate(*, session: TrainingSession, by) -> TrainingSession:
    """Replace the session QR code's token (a photo of the poster leaked); the old code stops working at once."""
    from .attendance import _require_runner

    _require_runner(by, session)
    session.checkin_token = new_token()
    TrainingSession.objects.filter(pk=session.pk).update(checkin_token=session.checkin_token)
    return session


@transaction.atomic
def session_delete(*, session: TrainingSession, by) -> None:
    """Delete a session with its bookings and attendance (the team's admin only); the audit log keeps what went.

    The entry, on the session, counts the bookings (by status) and the attendances (marks taken
    back included) and lists their ids and their people's account ids.
    """
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    bookings = list(Booking.objects.filter(session=session).values("pk", "status", "user_id"))
    attendances = list(Attendance.history.filter(session=session).values("pk", "user_id", "undone_at"))
    by_status = {}
    for booking in bookings:
        by_status[booking["status"]] = by_status.get(booking["status"], 0) + 1
    audit_log(
        audit.SESSION_DELETE,
        instance=session,
        user=by,
        data={
            "session": str(session),
            "bookings": len(bookings),
            "bookings_by_status": by_status,
            "attendances": sum(1 for row in attendances if row["undone_at"] is None),
            "attendances_taken_back": sum(1 for row in attendances if row["undone_at"] is not None),
            "booking_ids": [row["pk"] for row in bookings],
            "attendance_ids": [row["pk"] for row in attendances],
            "people": sorted({row["user_id"] for row in [*bookings, *attendances] if row["user_id"]}),
        },
    )
    session.delete()


@transaction.atomic
def checkin_mode_set(*, session: TrainingSession, mode: str, by) -> TrainingSession:
    """The session's trainer (or the team) chooses the printed poster or the room screen's changing code."""
    from .attendance import _require_runner

    _require_runner(by, session)
    if mode not in CheckInMode.values:
        raise ValueError(f"Unknown check-in mode {mode!r}")
    session.checkin_mode = mode
    TrainingSession.objects.filter(pk=session.pk).update(checkin_mode=mode)
    return session
