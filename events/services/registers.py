"""Registers after the session: a paper register, checked row by row, applied all or nothing.

Reading the file and checking each row is ``events.register_files.register_rows_read``;
this module owns the rule for what a checked register changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from crm.audit import audit_log

from .. import audit
from ..errors import CheckInError
from ..models import AttendanceMethod, Booking, SessionStatus, TrainingSession
from ..register_files import RegisterRow
from ..selectors import session_roll
from .attendance import _require_runner, attendance_record
from .booking import _lock, _when

User = get_user_model()


@transaction.atomic
def register_upload_apply(
    *, session: TrainingSession, rows: Sequence[RegisterRow], by, now: dt.datetime | None = None
) -> dict[str, int]:
    """Apply a checked paper register: the people it marks present are present; booked people it marks absent are no-shows.

    Rule: every row is applied in one transaction, or none is. A row's email
    finds its person on the session's roll (``events.selectors.session_roll``:
    a confirmed or waiting booking's account, or an attendance's email or
    account), so the upload pairs people exactly as the desk and the register
    do. A row marked present is marked against that booking, else against an
    account with that email, else recorded as a walk-in from the row's details;
    all with method "upload". Someone already present on the roll stays exactly
    as they were, so uploading the same file twice changes nothing the second
    time. Rows marked present are applied first, so a row marked absent never
    removes a presence; once the session has ended it makes that person's
    confirmed booking, if not present, a no-show.

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
    roll = session_roll(session=session)
    counts = {"marked": 0, "already": 0, "not_present": 0, "no_shows": 0, "kept_present": 0}
    for row in (row for row in rows if row.attended):
        line = roll.line_for_email(row.email)
        if line is not None and line.present:
            counts["already"] += 1
            continue
        if line is not None and line.booking is not None:
            _, created = attendance_record(session=session, booking=line.booking, by=by, method=AttendanceMethod.UPLOAD)
        else:
            account = User.objects.filter(email__iexact=row.email).first()
            details = (
                {}
                if account
                else {
                    "full_name": row.name,
                    "email": row.email,
                    "organisation_name": row.organisation,
                    "organisation_type": row.organisation_type,
                    "job_role": row.job_role,
                }
            )
            _, created = attendance_record(
                session=session, user=account, by=by, method=AttendanceMethod.UPLOAD, **details
            )
        counts["marked" if created else "already"] += 1
    roll = session_roll(session=session)  # read again: the rows just marked present are present
    for row in (row for row in rows if not row.attended):
        line = roll.line_for_email(row.email)
        if line is not None and line.present:
            counts["kept_present"] += 1
            continue
        counts["not_present"] += 1
        if line is not None and line.is_confirmed and now >= session.ends_at:
            if booking_no_show_mark(booking=line.booking, by=by, source="paper register"):
                counts["no_shows"] += 1
    audit_log(audit.REGISTER_UPLOAD, instance=session, user=by, data={"rows": len(rows), **counts})
    return counts


def booking_no_show_mark(*, booking: Booking, by, source: str) -> bool:
    """A register says a booked person did not come: mark their booking a no-show, once.

    Returns whether it changed; a change is in the audit log with who did it and from what
    (``source``: "paper register", "legacy register import").
    """
    if not Booking.objects.filter(pk=booking.pk, no_show=False).update(no_show=True):
        return False
    audit_log(
        audit.NO_SHOW,
        instance=booking,
        user=by,
        person=booking.user_id,
        changes={"no_show": [False, True]},
        data={"session": booking.session_id, "by": source},
    )
    return True
