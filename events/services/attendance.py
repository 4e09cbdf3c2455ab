"""Attendance: who was present. Only people marked present count as trained, in every figure.

Every mark goes through ``attendance_record``. It locks the session row, so two
devices marking one person at the same moment make one attendance (the second
waits, then finds the first), and the database backs it with one attendance per
person and per email. Scans at the door work inside the session's check-in
window; its trainers can correct the register from the desk afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crm import roles
from crm.audit import audit_log

from .. import audit
from ..errors import CheckInError
from ..models import Attendance, AttendanceMethod, Booking, BookingStatus, SessionStatus, TrainingSession
from ..selectors import session_roll
from .booking import _lock, _when, is_team

User = get_user_model()


@dataclass
class CheckInResult:
    """What a scan or a tap did: the attendance, and whether this call made it (False: already checked in)."""

    attendance: Attendance
    created: bool

    @property
    def already(self) -> bool:
        return not self.created

    @property
    def name(self) -> str:
        return self.attendance.display_name


def can_run_checkin(user, session: TrainingSession) -> bool:
    """Trainers assigned to the session, and the Prevent team, run its check-in desk and register."""
    if not (user and user.is_authenticated):
        return False
    if is_team(user):
        return True
    return roles.has_role(user, roles.TRAINER) and session.trainers.filter(pk=user.pk).exists()


def _require_runner(user, session: TrainingSession) -> None:
    if not can_run_checkin(user, session):
        raise CheckInError("not_your_session", session=str(session))


def checkin_window_check(session: TrainingSession, now: dt.datetime, *, closes: bool = True) -> None:
    """Scans work from shortly before the start to shortly after the end (set per session)."""
    if session.status == SessionStatus.CANCELLED:
        raise CheckInError("checkin_session_cancelled")
    if now < session.checkin_opens_at:
        raise CheckInError("checkin_not_open", opens=_when(session.checkin_opens_at))
    if closes and now > session.checkin_closes_at:
        raise CheckInError("checkin_closed", closes=_when(session.checkin_closes_at))


@transaction.atomic
def attendance_record(
    *,
    session: TrainingSession,
    user=None,
    booking: Booking | None = None,
    by=None,
    method: str = AttendanceMethod.REGISTER,
    when: dt.datetime | None = None,
    **walk_in,
) -> tuple[Attendance, bool]:
    """Mark someone present at a session. Idempotent: a second mark returns the first, unchanged.

    Returns ``(attendance, created)``. A booking marks its own person; a
    walk-in without an account is recorded by name and email. The same person
    is found by account or by email, so a walk-in who later books is not
    counted twice.
    """
    # Two marks at once (a double tap, the ticket scan and the register): the lock makes the second
    # wait, then find the first's row below, instead of both inserting and one failing a constraint.
    _lock(session)
    if booking is not None:
        user = booking.user
    email = (walk_in.get("email") or (user.email if user else "")).strip().lower()
    same_person = Q(email__iexact=email) if email else Q(pk__in=[])
    if user is not None:
        same_person |= Q(user=user)
    existing = Attendance.objects.filter(same_person, session=session).first()
    if existing:
        return existing, False
    if booking is None and user is not None:
        booking = Booking.objects.filter(session=session, user=user, status=BookingStatus.CONFIRMED).first()
    attendance = Attendance.objects.create(
        session=session,
        booking=booking,
        user=user,
        full_name=walk_in.get("full_name") or (user.get_full_name() if user else ""),
        email=email,
        organisation_name=walk_in.get("organisation_name") or getattr(user, "organisation_name", ""),
        organisation=getattr(user, "organisation", None),
        organisation_type=walk_in.get("organisation_type") or getattr(user, "organisation_type", ""),
        job_role=walk_in.get("job_role") or getattr(user, "job_role", ""),
        method=method,
        checked_in_at=when or timezone.now(),
        checked_in_by=by,
    )
    if booking is not None and booking.no_show:
        Booking.objects.filter(pk=booking.pk).update(no_show=False)
    audit_log(
        audit.CHECKIN,
        instance=attendance,
        user=by,
        person=user,
        changes={"present": [False, True], **({"no_show": [True, False]} if booking and booking.no_show else {})},
        data={"method": method, "session": session.pk, "booking": booking.pk if booking else None},
    )
    return attendance, True


def ticket_check(
    *, booking: Booking, by, session: TrainingSession | None = None, now: dt.datetime | None = None
) -> None:
    """Would a scan of this ticket by ``by`` be accepted now? Raises the ``CheckInError`` the scan would; writes nothing.

    What the trainer sees on opening a ticket, before the one tap that checks the person in.
    """
    if session is not None and booking.session_id != session.pk:
        raise CheckInError("wrong_session", session=str(booking.session))
    _require_runner(by, booking.session)
    checkin_window_check(booking.session, now or timezone.now())
    if booking.status == BookingStatus.CANCELLED:
        raise CheckInError("ticket_cancelled")
    if booking.status == BookingStatus.WAITING:
        raise CheckInError("ticket_waiting")


def ticket_check_in(
    *, token: str, by, session: TrainingSession | None = None, now: dt.datetime | None = None
) -> CheckInResult:
    """A trainer scans a ticket: its person is marked present.

    Refused, each with its own message: an unknown or altered token
    (ticket_unknown), a ticket for another session than the one being run
    (wrong_session), a scanner who is not a trainer on the ticket's session
    (not_your_session), a cancelled session or outside the check-in window,
    a cancelled booking (ticket_cancelled) or a waiting-list place
    (ticket_waiting). A second scan changes nothing and says when the first was.
    Called only from a POST (the ticket page's button, the desk's scanner):
    opening a ticket's address marks nobody.
    """
    booking = Booking.objects.select_related("session", "session__course", "user").filter(ticket_token=token).first()
    if booking is None:
        raise CheckInError("ticket_unknown")
    if session is not None and booking.session_id != session.pk:
        raise CheckInError("wrong_session", session=str(booking.session))
    _require_runner(by, booking.session)
    with transaction.atomic():
        locked = _lock(booking.session)
        booking.refresh_from_db(fields=["status"])
        booking.session = locked
        ticket_check(booking=booking, by=by, now=now)
        attendance, created = attendance_record(session=locked, booking=booking, by=by, method=AttendanceMethod.TICKET)
    return CheckInResult(attendance, created)


def self_check_in(
    *,
    token: str,
    user=None,
    email: str = "",
    full_name: str = "",
    organisation_name: str = "",
    organisation_type: str = "",
    job_role: str = "",
    now: dt.datetime | None = None,
) -> CheckInResult:
    """Someone in the room scans the session's QR code and records their own attendance.

    A person with a confirmed booking (signed in, or giving the email they
    booked with) is marked present against it. Anyone else is recorded as a
    walk-in from the details they give, when the session allows walk-ins
    (walk_ins_closed otherwise); an account with that email, now or later,
    gets the attendance. Only inside the check-in window, and only with the
    session's current code (checkin_code_unknown for an old or altered one).
    """
    session = TrainingSession.objects.filter(checkin_token=token).first()
    if session is None:
        raise CheckInError("checkin_code_unknown")
    signed_in = user is not None and user.is_authenticated
    email = (user.email if signed_in else email).strip().lower()
    if not email:
        raise ValueError("self_check_in needs the person's email")
    # A typed email joins an existing account only when that account has verified it; otherwise the
    # walk-in stays unlinked until someone verifies the address (walk_in_attendance_link).
    person = (
        user
        if signed_in
        else User.objects.filter(
            email__iexact=email, emailaddress__email__iexact=email, emailaddress__verified=True
        ).first()
    )
    with transaction.atomic():
        session = _lock(session)
        checkin_window_check(session, now or timezone.now())
        booking = (
            Booking.objects.select_related("user")
            .filter(session=session, status=BookingStatus.CONFIRMED, user__email__iexact=email)
            .first()
        )
        if booking is not None:
            return CheckInResult(*attendance_record(session=session, booking=booking, method=AttendanceMethod.SELF))
        same_person = Q(email__iexact=email) | (Q(user=person) if person else Q(pk__in=[]))
        existing = Attendance.objects.filter(same_person, session=session).first()
        if existing:
            return CheckInResult(existing, False)
        if not session.allow_walk_ins:
            raise CheckInError("walk_ins_closed", email=email)
        details = (
            {}
            if signed_in
            else {
                "full_name": full_name.strip(),
                "email": email,
                "organisation_name": organisation_name.strip(),
                "organisation_type": organisation_type,
                "job_role": job_role.strip(),
            }
        )
        return CheckInResult(
            *attendance_record(session=session, user=person, method=AttendanceMethod.WALK_IN, **details)
        )


def desk_mark(*, booking: Booking, by, now: dt.datetime | None = None) -> CheckInResult:
    """A trainer taps a name on the check-in desk: present. Also how registers are corrected afterwards.

    Works from the opening of check-in onwards, with no closing time, so the
    trainer can fix the register after the session. A waiting-list person who
    turned up can be marked (the trainer let them in); a cancelled booking cannot.
    """
    _require_runner(by, booking.session)
    with transaction.atomic():
        session = _lock(booking.session)
        booking = Booking.objects.select_for_update().select_related("user").get(pk=booking.pk)
        checkin_window_check(session, now or timezone.now(), closes=False)
        if booking.status == BookingStatus.CANCELLED:
            raise CheckInError("ticket_cancelled")
        attendance, created = attendance_record(
            session=session, booking=booking, by=by, method=AttendanceMethod.REGISTER
        )
    return CheckInResult(attendance, created)


@transaction.atomic
def attendance_undo(*, attendance: Attendance, by) -> None:
    """A trainer takes back a mark made in error. Once the register is closed, a booking un-marked is a no-show.

    The booking is the one the attendance pairs with on the session's roll (``events.selectors.session_roll``).
    The mark is kept as history (``undone_at``, and the audit log), never deleted, so its certificate
    code is never given to anyone again; marking the person present again makes a new attendance.
    """
    _require_runner(by, attendance.session)
    session = _lock(attendance.session)
    booking = None
    if session.register_closed_at:
        line = next(
            (
                line
                for line in session_roll(session=session).lines
                if line.attendance is not None and line.attendance.pk == attendance.pk
            ),
            None,
        )
        booking = line.booking if line is not None and line.is_confirmed else None
    now = timezone.now()
    Attendance.objects.filter(pk=attendance.pk).update(undone_at=now, undone_by=by, booking=None)
    changes = {"present": [True, False]}
    if booking is not None and Booking.objects.filter(pk=booking.pk, no_show=False).update(no_show=True):
        changes["no_show"] = [False, True]
    audit_log(
        audit.CHECKIN_UNDO,
        instance=attendance,
        user=by,
        person=attendance.user_id,
        changes=changes,
        data={
            "method": attendance.method,
            "checked_in_at": attendance.checked_in_at,
            "session": session.pk,
            "booking": attendance.booking_id,
            "certificate_code": attendance.certificate_code,
        },
    )


@transaction.atomic
def register_close(*, session: TrainingSession, by, now: dt.datetime | None = None) -> dict[str, int]:
    """After the session: every confirmed booking not present is a no-show. Safe to run again after corrections.

    Present means paired with an attendance on the session's roll (``events.selectors.session_roll``), so a
    booking whose person checked in as a walk-in, with the same account or email, is present, not a no-show.
    """
    _require_runner(by, session)
    now = now or timezone.now()
    session = _lock(session)
    if now < session.ends_at:
        raise CheckInError("register_not_over", ends=_when(session.ends_at))
    roll = session_roll(session=session)
    confirmed = [line for line in roll.lines if line.is_confirmed]
    present = [line.booking for line in confirmed if line.present]
    absent = [line.booking for line in confirmed if not line.present]
    # Who changes, for the audit log: read before the updates.
    changed = {
        booking.pk: booking
        for booking in Booking.objects.filter(
            Q(pk__in=[b.pk for b in present], no_show=True) | Q(pk__in=[b.pk for b in absent], no_show=False)
        )
    }
    Booking.objects.filter(pk__in=[booking.pk for booking in present]).update(no_show=False)
    Booking.objects.filter(pk__in=[booking.pk for booking in absent]).update(no_show=True)
    TrainingSession.objects.filter(pk=session.pk).update(register_closed_at=now)
    for booking in changed.values():
        audit_log(
            audit.NO_SHOW,
            instance=booking,
            user=by,
            person=booking.user_id,
            changes={"no_show": [booking.no_show, not booking.no_show]},
            data={"session": session.pk, "by": "register closed"},
        )
    audit_log(
        audit.REGISTER_CLOSE,
        instance=session,
        user=by,
        changes={"register_closed_at": [session.register_closed_at, now]},
        data={
            "present": len(present),
            "no_shows": len(absent),
            "no_show_bookings": sorted(pk for pk, booking in changed.items() if not booking.no_show),
        },
    )
    session.register_closed_at = now
    counts = roll.counts
    return {"present": counts["present"], "no_shows": len(absent), "walk_ins": counts["walk_ins"]}


@transaction.atomic
def walk_in_attendance_link(*, user) -> int:
    """A walk-in signs up (or verifies the email) later: attendance recorded under that email joins their record."""
    if not user.email:
        return 0  # an empty email would match every walk-in recorded without one
    linked = 0
    unclaimed = Attendance.objects.select_for_update().filter(user__isnull=True, email__iexact=user.email)
    for attendance in unclaimed:
        if Attendance.objects.filter(session_id=attendance.session_id, user=user).exists():
            continue  # they were already marked present under their account
        attendance.user = user
        attendance.save(update_fields=["user"])
        linked += 1
    return linked
