"""Attendance: who was present. Only people marked present count as trained, in every figure.

Every mark goes through ``attendance_record``. It locks the session row, so two
devices marking one person at the same moment make one attendance (the second
waits, then finds the first), and the database backs it with one attendance per
person and per email. Someone not signed in who types their details at the door makes a
*self-declared* mark: it stands for nobody's account or booking until a trainer confirms it. Scans at the door work inside the session's check-in
window; its trainers can correct the register from the desk afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from crm import roles
from crm.audit import audit_log

from .. import audit, checkin_codes, emails
from ..errors import CheckInError
from ..links import absolute_url
from ..models import (
    Attendance,
    AttendanceMethod,
    Booking,
    BookingStatus,
    CheckInMode,
    SessionStatus,
    TrainingSession,
)
from ..selectors import session_roll
from .booking import _lock, _when, is_team

User = get_user_model()


@dataclass
class CheckInResult:
    """What a scan or a tap did: the attendance, and whether this call made it (False: already checked in)."""

    attendance: Attendance
    created: bool
    # A person not signed in is answered with the name they typed, never the record's.
    shown_name: str = ""
    anonymous: bool = False

    @property
    def already(self) -> bool:
        return not self.created and not self.anonymous

    @property
    def name(self) -> str:
        return self.shown_name if self.anonymous else self.attendance.display_name


def can_run_checkin(user, session: TrainingSession) -> bool:
    """Trainers assigned to the session, and the Prevent team, run its check-in desk and register."""
    if not (user and user.is_authenticated):
        return False
    if is_team(user):
        return True
    if not roles.has_role(user, roles.TRAINER):
        return False
    # Asked up to three times by one scan (the page, the ticket, the mark): answered once per request,
    # kept on the user object, which lives for one request.
    runs = user.__dict__.setdefault("_runs_sessions", {})
    if session.pk not in runs:
        runs[session.pk] = session.trainers.filter(pk=user.pk).exists()
    return runs[session.pk]


def _session_name(session_id: int) -> str:
    """A session as refusals name it (its course and date), read only when a refusal needs it."""
    return str(TrainingSession.objects.select_related("course").get(pk=session_id))


def _require_runner(user, session: TrainingSession) -> None:
    """Refuse anyone who does not run ``session``; it may be an unread ``TrainingSession(pk=...)``."""
    if not can_run_checkin(user, session):
        name = str(session) if session.course_id else _session_name(session.pk)
        raise CheckInError("not_your_session", session=name)


def checkin_window_check(session: TrainingSession, now: dt.datetime, *, closes: bool = True) -> None:
    """Scans work from shortly before the start to shortly after the end (set per session)."""
    if session.status == SessionStatus.CANCELLED:
        raise CheckInError("checkin_session_cancelled")
    if now < session.checkin_opens_at:
        raise CheckInError("checkin_not_open", opens=_when(session.checkin_opens_at))
    if closes and now > session.checkin_closes_at:
        raise CheckInError("checkin_closed", closes=_when(session.checkin_closes_at))


def _snapshot_of(attendance: Attendance, person) -> None:
    """The attendance becomes the account's, with who they are today as its snapshot (not what anyone typed)."""
    attendance.user = person
    attendance.full_name = person.get_full_name()
    attendance.organisation_name = getattr(person, "organisation_name", "")
    attendance.organisation = getattr(person, "organisation", None)
    attendance.organisation_type = getattr(person, "organisation_type", "")
    attendance.job_role = getattr(person, "job_role", "")
    attendance.member_side, attendance.is_cabinet_member = member_snapshot(person)


def member_snapshot(person) -> tuple[str, bool]:
    """An elected Member's side and Cabinet seat today, kept on the attendance as they were on the day."""
    return getattr(person, "member_side", "") or "", bool(getattr(person, "is_cabinet_member", False))


def _adopt(attendance: Attendance, *, user, booking: Booking | None, by, now: dt.datetime) -> Attendance:
    """A trusted mark (a trainer, a signed-in person) takes over a self-declared one of the same person.

    The snapshot becomes the account's, so a name typed by whoever made the self-declared mark does not stay.
    """
    if user is not None:
        _snapshot_of(attendance, user)
    if booking is not None and attendance.booking_id is None:
        attendance.booking = booking
    was_user = attendance.user_id
    attendance.self_declared = False
    attendance.confirmed_by = by
    attendance.confirmed_at = now
    attendance.save()
    _confirmation_log(
        attendance, by=by, changes={"self_declared": [True, False], "user": [was_user, attendance.user_id]}
    )
    return attendance


def _confirmation_log(attendance: Attendance, *, by, changes: dict) -> None:
    """A self-declared mark confirmed, taken over or joined to an account: the audit log keeps who and what."""
    audit_log(
        audit.CHECKIN,
        instance=attendance,
        user=by,
        person=attendance.user_id,
        changes=changes,
        data={"session": attendance.session_id, "method": attendance.method, "email": attendance.email},
    )


@transaction.atomic
def attendance_record(
    *,
    session: TrainingSession,
    user=None,
    booking: Booking | None = None,
    by=None,
    method: str = AttendanceMethod.REGISTER,
    when: dt.datetime | None = None,
    self_declared: bool = False,
    session_locked: bool = False,
    **walk_in,
) -> tuple[Attendance, bool]:
    """Mark someone present at a session. Idempotent: a second mark returns the first, unchanged.

    Returns ``(attendance, created)``. A booking marks its own person; a
    walk-in without an account is recorded by name and email. The same person
    is found by account or by email, so a walk-in who later books is not
    counted twice. A *self-declared* mark (typed at the door by someone not
    signed in) is found only by its own email and account, and never found by
    others' email: a stranger's typing never stands for anyone. A trusted mark
    (a trainer's, a signed-in person's) of someone with a self-declared mark
    confirms it instead of adding a second.
    """
    # Two marks at once (a double tap, the ticket scan and the register): the lock makes the second
    # wait, then find the first's row below, instead of both inserting and one failing a constraint.
    # ``session_locked``: the caller holds it already, in this transaction.
    if not session_locked:
        _lock(session)
    now = timezone.now()
    if booking is not None:
        user = booking.user
    email = (walk_in.get("email") or (user.email if user else "")).strip().lower()
    if self_declared:
        # Any mark already under this email (the person's own, or someone else's typing) stands; the
        # caller answers the same either way.
        existing = Attendance.objects.filter(session=session, email__iexact=email).first() if email else None
        if existing is None and user is not None:
            existing = Attendance.objects.filter(session=session, user=user).first()
        if existing:
            return existing, False
    else:
        same_person = Q(email__iexact=email, self_declared=False) if email else Q(pk__in=[])
        if user is not None:
            same_person |= Q(user=user)
        existing = Attendance.objects.filter(same_person, session=session).first()
        if booking is None and user is not None:
            booking = Booking.objects.filter(session=session, user=user, status=BookingStatus.CONFIRMED).first()
        if existing:
            if existing.self_declared:
                _adopt(existing, user=user, booking=booking, by=by, now=now)
            return existing, False
        typed = (
            Attendance.objects.filter(session=session, user__isnull=True, self_declared=True, email__iexact=email)
            .select_for_update()
            .first()
            if email
            else None
        )
        if typed is not None:
            return _adopt(typed, user=user, booking=booking, by=by, now=now), False
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
        member_side=member_snapshot(user)[0],
        is_cabinet_member=member_snapshot(user)[1],
        method=method,
        checked_in_at=when or now,
        checked_in_by=by,
        self_declared=self_declared,
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
    booking = Booking.objects.select_related("user").filter(ticket_token=token).first()
    if booking is None:
        raise CheckInError("ticket_unknown")
    if session is not None and booking.session_id != session.pk:
        raise CheckInError("wrong_session", session=_session_name(booking.session_id))
    # The session is read once, under the lock below; the scanner's right to run it needs only its id.
    _require_runner(by, session or TrainingSession(pk=booking.session_id))
    with transaction.atomic():
        locked = _lock(TrainingSession(pk=booking.session_id), related=False)
        booking.refresh_from_db(fields=["status"])
        booking.session = locked
        ticket_check(booking=booking, by=by, now=now)
        attendance, created = attendance_record(
            session=locked, booking=booking, by=by, method=AttendanceMethod.TICKET, session_locked=True
        )
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
    code: str = "",
    presence: str = "",
    now: dt.datetime | None = None,
) -> CheckInResult:
    """Someone in the room scans the session's QR code and records their own attendance.

    Signed in, they are marked present as themselves, against their confirmed
    booking. Not signed in, the details typed make a *self-declared* walk-in of
    the person typing (walk_ins_sign_in when the session takes no walk-ins): it
    joins no account and no booking, whatever email was typed, and the answer
    names only what was typed, the same whether or not the address is known.
    When the address belongs to an account, that address is sent a one-time
    link (``checkin_link_claim``) that adds the check-in to the account. A
    trainer confirms self-declared marks on the desk.

    Only inside the check-in window, with the session's current token
    (checkin_code_unknown), and, when the session uses the room screen
    (``TrainingSession.checkin_mode``), with the screen's code or the presence
    pass it gave this phone (screen_code_needed, screen_code_wrong).
    """
    session = TrainingSession.objects.filter(checkin_token=token).first()
    if session is None:
        raise CheckInError("checkin_code_unknown")
    signed_in = user is not None and user.is_authenticated
    email = (user.email if signed_in else email).strip().lower()
    if not email:
        raise ValueError("self_check_in needs the person's email")
    with transaction.atomic():
        session = _lock(session)
        moment = now or timezone.now()
        checkin_window_check(session, moment)
        if session.checkin_mode == CheckInMode.SCREEN and not checkin_codes.presence_pass_valid(session, presence):
            if not code:
                raise CheckInError("screen_code_needed")
            if not checkin_codes.screen_code_valid(session, code, now=moment.timestamp()):
                raise CheckInError("screen_code_wrong")
        if signed_in:
            booking = Booking.objects.filter(session=session, user=user, status=BookingStatus.CONFIRMED).first()
            if booking is None and not session.allow_walk_ins:
                raise CheckInError("walk_ins_closed", email=email)
            method = AttendanceMethod.SELF if booking is not None else AttendanceMethod.WALK_IN
            return CheckInResult(*attendance_record(session=session, user=user, booking=booking, method=method))
        if not session.allow_walk_ins:
            raise CheckInError("walk_ins_sign_in")
        full_name = full_name.strip()
        attendance, created = attendance_record(
            session=session,
            method=AttendanceMethod.WALK_IN,
            self_declared=True,
            full_name=full_name,
            email=email,
            organisation_name=organisation_name.strip(),
            organisation_type=organisation_type,
            job_role=job_role.strip(),
        )
        owner = User.objects.filter(email__iexact=email, is_active=True).first()
        if owner is not None and attendance.user_id is None and attendance.self_declared:
            link = checkin_link_url(attendance)
            transaction.on_commit(lambda: emails.checkin_link(session=session, person=owner, link=link))
    # The answer is the typer's own: never the name on a record someone else made under this email.
    return CheckInResult(attendance, created, shown_name=full_name, anonymous=True)


CHECKIN_LINK_SALT = "events.attendance.checkin_link"
CHECKIN_LINK_MAX_AGE = 7 * 24 * 60 * 60


def checkin_link_url(attendance: Attendance) -> str:
    """The one-time link emailed to a typed address: it names the attendance and the address, signed."""
    token = signing.dumps({"a": attendance.pk, "e": attendance.email.lower()}, salt=CHECKIN_LINK_SALT)
    return absolute_url(reverse("events:checkin_link", args=[token]))


def checkin_link_attendance(token: str) -> tuple[Attendance, User]:
    """The self-declared attendance and the account a link is for; CheckInError checkin_link_unknown otherwise."""
    try:
        data = signing.loads(token, salt=CHECKIN_LINK_SALT, max_age=CHECKIN_LINK_MAX_AGE)
    except signing.BadSignature:
        raise CheckInError("checkin_link_unknown") from None
    attendance = (
        Attendance.objects.select_related("session", "session__course").filter(pk=data.get("a")).first()
        if isinstance(data, dict)
        else None
    )
    person = User.objects.filter(email__iexact=data.get("e", ""), is_active=True).first() if attendance else None
    if attendance is None or person is None or attendance.email.lower() != data.get("e"):
        raise CheckInError("checkin_link_unknown")
    return attendance, person


@transaction.atomic
def checkin_link_claim(*, token: str) -> CheckInResult:
    """The owner of a typed address follows the emailed link: the check-in joins their account and booking.

    One use: once joined (or if they are marked present otherwise), checkin_link_taken.
    Still self-declared: a trainer confirms presence.
    """
    attendance, person = checkin_link_attendance(token)
    _lock(attendance.session)
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if attendance.user_id is not None or Attendance.objects.filter(session=attendance.session, user=person).exists():
        raise CheckInError("checkin_link_taken")
    booking = Booking.objects.filter(
        session=attendance.session, user=person, status=BookingStatus.CONFIRMED, attendance__isnull=True
    ).first()
    attendance.booking = booking
    _snapshot_of(attendance, person)
    attendance.save()
    if booking is not None and booking.no_show:
        Booking.objects.filter(pk=booking.pk).update(no_show=False)
    _confirmation_log(
        attendance, by=None, changes={"user": [None, person.pk], "booking": [None, attendance.booking_id]}
    )
    return CheckInResult(attendance, True)


@transaction.atomic
def attendance_confirm(*, attendance: Attendance, by, now: dt.datetime | None = None) -> Attendance:
    """A trainer confirms a self-declared mark: the person was in the room. Then it counts like any other.

    Refused with confirm_clash when the same email is already marked present by a trusted mark.
    """
    _require_runner(by, attendance.session)
    _lock(attendance.session)
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if not attendance.self_declared:
        return attendance
    if (
        attendance.email
        and Attendance.objects.filter(session=attendance.session, email__iexact=attendance.email, self_declared=False)
        .exclude(pk=attendance.pk)
        .exists()
    ):
        raise CheckInError("confirm_clash", email=attendance.email)
    attendance.self_declared = False
    attendance.confirmed_by = by
    attendance.confirmed_at = now or timezone.now()
    attendance.save(update_fields=["self_declared", "confirmed_by", "confirmed_at"])
    _confirmation_log(attendance, by=by, changes={"self_declared": [True, False]})
    return attendance


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
    """A walk-in signs up (or verifies the email) later: attendance recorded under that email joins their record.

    A self-declared mark stays self-declared when it joins: the team sees it so, and it counts for no
    certificate or mandatory training until a trainer confirms it (``attendance_confirm``).
    """
    if not user.email:
        return 0  # an empty email would match every walk-in recorded without one
    linked = 0
    unclaimed = Attendance.objects.select_for_update().filter(user__isnull=True, email__iexact=user.email)
    for attendance in unclaimed:
        if Attendance.objects.filter(session_id=attendance.session_id, user=user).exists():
            continue  # they were already marked present under their account
        attendance.user = user
        attendance.save(update_fields=["user"])
        _confirmation_log(attendance, by=user, changes={"user": [None, user.pk]})
        linked += 1
    return linked
