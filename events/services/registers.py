"""Registers after the session: a paper register, checked row by row, applied all or nothing.

Reading the file and checking each row is ``events.register_files.register_rows_read``;
this module owns the rule for what a checked register changes.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..errors import CheckInError
from ..models import Attendance, AttendanceMethod, Booking, BookingStatus, SessionStatus, TrainingSession
from ..register_files import RegisterRow
from .attendance import _require_runner, attendance_record
from .booking import _lock, _when

User = get_user_model()


def _is_present(session: TrainingSession, email: str) -> bool:
    return Attendance.objects.filter(
        Q(email__iexact=email) | Q(user__email__iexact=email) | Q(booking__user__email__iexact=email), session=session
    ).exists()


@transaction.atomic
def register_upload_apply(
    *, session: TrainingSession, rows: Sequence[RegisterRow], by, now: dt.datetime | None = None
) -> dict[str, int]:
    """Apply a checked paper register: the people it marks present are present; booked people it marks absent are no-shows.

    Rule: every row is applied in one transaction, or none is. A row marked
    present is matched to a confirmed or waiting booking on the session by
    email, else to an account with that email, else recorded as a walk-in from
    the row's details; all with method "upload". Someone already present stays
    exactly as they were, so uploading the same file twice changes nothing the
    second time. A row marked absent never removes a presence; once the session
    has ended it makes that confirmed booking a no-show.

    Returns counts: ``marked`` (newly present), ``already`` (present before),
    ``not_present`` (marked absent and not present), ``no_shows`` (bookings newly
    marked as no-shows) and ``kept_present`` (marked absent in the file but
    present on the register, left present).

    Raises ``CheckInError``: not_your_session (not a trainer on this session nor
    the team), checkin_session_cancelled, register_upload_too_early (before the
    session starts).
    """
    _require_runner(by, session)
    now = now or timezone.now()
    session = _lock(session)
    if session.status == SessionStatus.CANCELLED:
        raise CheckInError("checkin_session_cancelled")
    if now < session.starts_at:
        raise CheckInError("register_upload_too_early", starts=_when(session.starts_at))
    bookings = {
        booking.user.email.lower(): booking
        for booking in Booking.objects.filter(
            session=session, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITING]
        ).select_related("user")
    }
    counts = {"marked": 0, "already": 0, "not_present": 0, "no_shows": 0, "kept_present": 0}
    for row in rows:
        booking = bookings.get(row.email)
        if row.attended:
            if booking is not None:
                _, created = attendance_record(session=session, booking=booking, by=by, method=AttendanceMethod.UPLOAD)
            else:
                account = User.objects.filter(email__iexact=row.email).first()
                details = {} if account else {
                    "full_name": row.name, "email": row.email, "organisation_name": row.organisation,
                    "organisation_type": row.organisation_type, "job_role": row.job_role,
                }
                _, created = attendance_record(
                    session=session, user=account, by=by, method=AttendanceMethod.UPLOAD, **details
                )
            counts["marked" if created else "already"] += 1
        elif _is_present(session, row.email):
            counts["kept_present"] += 1
        else:
            counts["not_present"] += 1
            if booking is not None and booking.status == BookingStatus.CONFIRMED and now >= session.ends_at:
                counts["no_shows"] += Booking.objects.filter(pk=booking.pk, no_show=False).update(no_show=True)
    return counts
