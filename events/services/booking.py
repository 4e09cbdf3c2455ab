"""Booking rules: each write that carries a rule lives in exactly one function here.

Every function that touches places locks the session row first
(``select_for_update`` inside ``transaction.atomic``) and the database backs the
rule with constraints: one live booking per person per session, and never more
places taken than the capacity. Emails are stored in the outbox inside the same transaction (``crm.outbox``): they go
out once it commits, and never for a change that was rolled back.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crm.audit import audit_log
from crm.pagecache import page_cache_invalidate
from crm.roles import is_team  # noqa: F401 - the Prevent team may book and cancel for others, past deadlines

from .. import audit, emails
from ..errors import BookingError
from ..models import (
    Booking,
    BookingStatus,
    CalendarSubscription,
    SessionStatus,
    SessionVisibility,
    TrainingSession,
    new_token,
)
from ..selectors import booking_attended


def _when(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M on %-d %B %Y")


def _lock(session: TrainingSession, *, related: bool = True) -> TrainingSession:
    """The session's row, locked for this transaction; with its course and organisation unless ``related`` is False
    (a ticket scan needs neither: the course is a page, and reading one is most of a lock's cost)."""
    sessions = TrainingSession.objects.select_for_update(of=("self",))
    if related:
        sessions = sessions.select_related("course", "organisation")
    return sessions.get(pk=session.pk)


def _check_bookable(session: TrainingSession, user, *, booked_by) -> None:
    now = timezone.now()
    if session.status == SessionStatus.CANCELLED:
        raise BookingError("session_cancelled")
    if session.starts_at <= now:
        raise BookingError("session_started")
    if is_team(booked_by):
        return
    if now >= session.effective_deadline:
        raise BookingError("deadline_passed", deadline=_when(session.effective_deadline))
    if session.visibility == SessionVisibility.CLOSED:
        raise BookingError("closed_session", organisation=session.organisation)
    course = session.course.specific
    if not course.is_open_to(user):
        raise BookingError("not_eligible", groups=", ".join(sorted(course.eligible_group_names())))


def _take_place(session: TrainingSession) -> None:
    TrainingSession.objects.filter(pk=session.pk).update(places_taken=F("places_taken") + 1)
    session.places_taken += 1
    page_cache_invalidate()  # the course page shows the places left


def _free_place(session: TrainingSession) -> None:
    TrainingSession.objects.filter(pk=session.pk).update(places_taken=F("places_taken") - 1)
    session.places_taken -= 1
    page_cache_invalidate()


def booking_log(booking: Booking, action: str, *, by, before: str | None, **data) -> None:
    """Write a booking's change of status to the audit log: whose booking, by whom (own, colleague, team)."""
    audit_log(
        action,
        instance=booking,
        user=by,
        person=booking.user_id,
        changes={"status": [before, booking.status]},
        data={"session": booking.session_id, "kind": audit.booking_kind(person=booking.user_id, by=by), **data},
    )


def booking_create(*, session: TrainingSession, user, booked_by=None, join_waiting_list: bool = False) -> Booking:
    """Book ``user`` a place on ``session``, or a place on its waiting list.

    Rules: no booking on a cancelled or started session; none after the
    deadline, on a closed session or on a course the person is not eligible
    for, unless the team or a colleague's lead books for them; one live
    booking per person; capacity is never exceeded. A full session raises
    ``BookingError("full")`` unless ``join_waiting_list``. Errors:
    ``BookingError`` with codes session_cancelled, session_started,
    deadline_passed, closed_session, not_eligible, already_booked,
    already_waiting, full.
    """
    from .invitations import session_invitations_expire  # invitations build on this module

    booked_by = booked_by or user
    session_invitations_expire(session)
    try:
        with transaction.atomic():
            session = _lock(session)
            _check_bookable(session, user, booked_by=booked_by)
            existing = (
                Booking.objects.filter(session=session, user=user).exclude(status=BookingStatus.CANCELLED).first()
            )
            if existing:
                raise BookingError("already_waiting" if existing.status == BookingStatus.WAITING else "already_booked")
            now = timezone.now()
            if session.has_room:
                _take_place(session)
                booking = Booking.objects.create(
                    session=session, user=user, booked_by=booked_by, status=BookingStatus.CONFIRMED, confirmed_at=now
                )
                emails.booking_confirmed(booking)
            elif join_waiting_list:
                booking = Booking.objects.create(
                    session=session, user=user, booked_by=booked_by, status=BookingStatus.WAITING
                )
                emails.booking_waiting(booking)
            else:
                raise BookingError("full")
            booking_log(booking, audit.BOOKING_CREATE, by=booked_by, before=None)
    except IntegrityError as error:
        # Two requests for the same person at once: the constraint let one through.
        if "one_live_booking_per_person" in str(error) or "UNIQUE" in str(error).upper():
            raise BookingError("already_booked") from error
        raise
    return booking


def _promote_waiting(session: TrainingSession) -> list[Booking]:
    """Fill free places from the waiting list, first come first served. Caller holds the lock."""
    promoted = []
    if session.status == SessionStatus.CANCELLED or session.starts_at <= timezone.now():
        return promoted
    while session.has_room:
        waiting = (
            Booking.objects.select_for_update()
            .filter(session=session, status=BookingStatus.WAITING)
            .order_by("created_at", "pk")
            .first()
        )
        if waiting is None:
            break
        _take_place(session)
        waiting.status = BookingStatus.CONFIRMED
        waiting.confirmed_at = timezone.now()
        waiting.save(update_fields=["status", "confirmed_at"])
        promoted.append(waiting)
        booking_log(waiting, audit.BOOKING_PROMOTE, by=None, before=BookingStatus.WAITING)
        emails.booking_promoted(waiting)
    return promoted


@transaction.atomic
def booking_cancel(*, booking: Booking, by) -> Booking:
    """Cancel a booking or a waiting-list place; the first person waiting takes a freed place.

    Rules: people cancel their own bookings, and a lead withdraws the
    colleagues they booked (``booked_by``), only until the booking deadline;
    the team cancels anyone's at any time. Nobody, the team included, cancels
    a booking whose person was marked present at the session
    (``events.selectors.booking_attended``): the mark is taken back first if
    it was a mistake. The booking's person is emailed either way. Errors:
    ``BookingError`` with codes not_yours, already_cancelled, attended,
    cancel_deadline.
    """
    session = _lock(booking.session)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    team = is_team(by)
    own = booking.user_id == by.pk
    their_lead = booking.booked_by_id == by.pk
    if not (own or their_lead or team):
        raise BookingError("not_yours")
    if booking.status == BookingStatus.CANCELLED:
        raise BookingError("already_cancelled")
    if booking_attended(booking=booking):
        # Cancelling would leave a walk-in who keeps the attendance (and its certificate) and gets a
        # "Booking cancelled" email. The team too: a mark made in error is taken back on the desk first.
        raise BookingError("attended")
    if not team and timezone.now() >= session.effective_deadline:
        raise BookingError("cancel_deadline", deadline=_when(session.effective_deadline))
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancelled_by = by
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    booking_log(
        booking, audit.BOOKING_CANCEL, by=by, before=BookingStatus.CONFIRMED if was_confirmed else BookingStatus.WAITING
    )
    if was_confirmed:
        _free_place(session)
        _promote_waiting(session)
    emails.booking_cancelled(booking, was_confirmed=was_confirmed)
    return booking


@transaction.atomic
def reminders_send(*, now: dt.datetime | None = None, ahead: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Remind everyone confirmed on a session starting within ``ahead``. Each booking is reminded once.

    Safe to run every few minutes and from two machines at once: each booking
    is claimed with a conditional update before its email is queued.
    """
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__status=SessionStatus.SCHEDULED,
        session__starts_at__gt=now,
        session__starts_at__lte=now + ahead,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        if Booking.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
            emails.session_reminder(Booking.objects.get(pk=pk))
            sent += 1
    return sent


@transaction.atomic
def calendar_subscription_reset(*, user) -> CalendarSubscription:
    """Give the person a new secret feed address; the old one stops working at once."""
    subscription, created = CalendarSubscription.objects.select_for_update().get_or_create(user=user)
    if not created:
        subscription.token = new_token()
        subscription.save(update_fields=["token", "created_at"])
    return subscription
