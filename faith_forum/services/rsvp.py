"""Forum events: replies (RSVP), publishing with its one announcement, scheduling through the events app.

A forum event is a session of the events app (``ForumEvent.session``), so every rule about places,
bookings, changes and cancellations is the events app's own: *going* is ``booking_create`` (the
confirmation with its .ics, the ticket, the desk, the two-day reminder), *maybe* and *not going*
cancel that booking with ``booking_cancel`` (METHOD:CANCEL), and a change of time or place, or a
cancellation, is ``session_save``. Guests are a count for catering: they are not booked places,
so they never take a place of a session with limited places.

Emails are stored in the outbox inside the same transaction (``crm.outbox``), as the events app's are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from crm import roles
from events.errors import BookingError
from events.models import Booking, BookingStatus, ReportingCategory, TrainingSession
from events.services import booking_cancel, booking_create, session_delete, session_save

from .. import event_emails
from ..models import (
    ForumCalendarSubscription,
    ForumEvent,
    ForumMembership,
    ForumPreferences,
    ForumRSVP,
    MembershipStatus,
    RSVPAnswer,
)

if TYPE_CHECKING:
    from crm.models import User

MAX_GUESTS = 10

# The words people see when a reply or a publication is refused. Tests reuse them.
MESSAGES = {
    "not_a_member": "Only representatives of Faith Forum member organisations can reply to forum events. "
    "If your organisation is a member, ask the Prevent team to add you as one of its representatives.",
    "not_published": "This event is not published yet, so it cannot take replies.",
    "cancelled": "This event has been cancelled, so it no longer takes replies.",
    "started": "This event has already started, so replies are closed.",
    "bad_answer": "Choose going, maybe or not going.",
    "guests": "Guests must be a whole number from 0 to {limit}.",
    "guests_not_going": "Guests come with someone who is going: set guests to 0, or answer going or maybe.",
    "not_a_forum_course": "Choose a Faith Forum course (one whose reporting category is Faith Forum event).",
    "publish_cancelled": "This event has been cancelled, so it cannot be published.",
}


class ForumEventError(Exception):
    """A forum event rule refused the request; ``code`` says which, ``message`` says why in plain words."""

    def __init__(self, code: str, message: str | None = None, **params):
        self.code = code
        self.message = message or MESSAGES[code].format(**params)
        super().__init__(self.message)

    @classmethod
    def from_booking(cls, error: BookingError) -> ForumEventError:
        """The events app's refusal (deadline passed, attended...), with its own words."""
        return cls(error.code, error.message)


# --- Who may reply -------------------------------------------------------------------------------


def rsvp_membership(user: User) -> ForumMembership | None:
    """The active (else lapsed) member organisation the person represents: what their reply is recorded for."""
    if not user.is_authenticated:
        return None
    memberships = ForumMembership.objects.filter(
        representatives__user=user, status__in=[MembershipStatus.ACTIVE, MembershipStatus.LAPSED]
    ).select_related("organisation")
    return min(memberships, key=lambda m: (m.status != MembershipStatus.ACTIVE, m.organisation.name), default=None)


def may_rsvp(user: User) -> bool:
    """Holders of the *Faith Forum member* role who represent an active or lapsed member, and the team."""
    if not user.is_authenticated or not roles.has_role(user, roles.FAITH_FORUM_MEMBER):
        return False
    return roles.is_team(user) or rsvp_membership(user) is not None


# --- Replies -------------------------------------------------------------------------------------


def _live_booking(session: TrainingSession, user: User) -> Booking | None:
    return Booking.objects.filter(session=session, user=user).exclude(status=BookingStatus.CANCELLED).first()


def rsvp_set(*, event: ForumEvent, user: User, answer: str, guests: int = 0) -> ForumRSVP:
    """Record a member's reply to a forum event; *going* books them a place, anything else gives it back.

    Rules: only ``may_rsvp`` people; only published events that are neither cancelled nor started;
    guests 0 to 10, and none when not going. *Going* books the session with
    ``events.services.booking_create(join_waiting_list=True)`` (a full session with limited places
    puts them on its waiting list); *maybe* and *not going* cancel their live booking with
    ``booking_cancel``. Guests are counts for catering, never booked places. The reply records
    the member organisation they represent. All or nothing, in one transaction.
    Errors: ``ForumEventError`` with codes not_a_member, not_published, cancelled, started,
    bad_answer, guests, guests_not_going, or the events app's booking codes (deadline_passed, attended...).
    """
    if answer not in RSVPAnswer.values:
        raise ForumEventError("bad_answer")
    if isinstance(guests, bool) or not isinstance(guests, int) or not 0 <= guests <= MAX_GUESTS:
        raise ForumEventError("guests", limit=MAX_GUESTS)
    if answer == RSVPAnswer.NOT_GOING and guests:
        raise ForumEventError("guests_not_going")
    if not may_rsvp(user):
        raise ForumEventError("not_a_member")
    membership = rsvp_membership(user)
    try:
        with transaction.atomic():
            event = ForumEvent.objects.select_for_update().select_related("session", "session__course").get(pk=event.pk)
            session = event.session
            if not event.is_published:
                raise ForumEventError("not_published")
            if session.is_cancelled:
                raise ForumEventError("cancelled")
            if session.starts_at <= timezone.now():
                raise ForumEventError("started")
            booking = _live_booking(session, user)
            if answer == RSVPAnswer.GOING:
                if booking is None:
                    booking = booking_create(session=session, user=user, join_waiting_list=True)
            elif booking is not None:
                booking_cancel(booking=booking, by=user)
                booking = None
            rsvp, _ = ForumRSVP.objects.select_for_update().get_or_create(
                event=event, user=user, defaults={"answer": answer, "membership": membership}
            )
            rsvp.answer = answer
            rsvp.guests = guests
            rsvp.membership = membership
            rsvp.booking = booking
            rsvp.answered_at = timezone.now()
            rsvp.save()
    except BookingError as error:
        raise ForumEventError.from_booking(error) from error
    return rsvp


# --- Scheduling and publishing (the team, from the admin) -------------------------------------------


def _check_session(session: TrainingSession, trainers) -> None:
    if session.course_id and session.course.specific.reporting_category != ReportingCategory.FORUM:
        raise ValidationError({"course": ValidationError(MESSAGES["not_a_forum_course"], code="not_a_forum_course")})
    for person in trainers:
        if not (person.is_active and roles.has_role(person, roles.TRAINER)):
            name = person.get_full_name() or person.email
            raise ValidationError(
                {
                    "trainers": ValidationError(
                        f"{name} does not have the Trainer role, so could not run the check-in desk.",
                        code="not_a_trainer",
                    )
                }
            )


@transaction.atomic
def forum_event_create(*, event: ForumEvent, session: TrainingSession, trainers=(), by: User) -> ForumEvent:
    """Schedule a forum event: its session (of a forum course) and the event, both or neither.

    The event is not published: ``forum_event_publish`` lists it and emails members. Errors:
    ``ValidationError`` (course not a forum course, a trainer without the Trainer role, the
    session's own rules such as ending after it starts).
    """
    _check_session(session, trainers)
    session_save(session=session, by=by)
    session.trainers.set(trainers)
    event.session = session
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def forum_event_update(*, event: ForumEvent, session: TrainingSession, trainers=None, by: User) -> ForumEvent:
    """Change a forum event and its session; the events app tells the people booked.

    A change of time or place sends everyone going an updated invitation (same UID, higher
    SEQUENCE); setting the session's status to cancelled cancels every booking (METHOD:CANCEL).
    Both are ``events.services.session_save``'s own rules.
    """
    _check_session(session, trainers or ())
    session_save(session=session, by=by)
    if trainers is not None:
        session.trainers.set(trainers)
    event.session = session
    event.full_clean()
    event.save()
    return event


def announcement_recipients() -> list[User]:
    """Who a new forum event is announced to: each representative of an active or lapsed member who holds the
    role and has not turned announcements off, once (however many members they represent)."""
    opted_out = ForumPreferences.objects.filter(announcements=False).values("user_id")
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            forum_representations__membership__status__in=[MembershipStatus.ACTIVE, MembershipStatus.LAPSED],
            groups__name=roles.FAITH_FORUM_MEMBER,
        )
        .exclude(email="")
        .exclude(pk__in=opted_out)
        .distinct()
        .order_by("email")
    )


@transaction.atomic
def forum_event_publish(*, event: ForumEvent, by: User) -> int:
    """List the event on the forum's pages; the first time only, email members about it. Returns how many emailed.

    ``announced_at`` is set in the same transaction as the emails are stored, under a row lock, so
    publishing twice (or unpublishing and publishing again) never announces twice. Members-only and
    public events alike are announced. Errors: ``ForumEventError("publish_cancelled")``.
    """
    event = ForumEvent.objects.select_for_update().select_related("session", "session__course").get(pk=event.pk)
    if event.session.is_cancelled:
        raise ForumEventError("publish_cancelled")
    event.is_published = True
    sent = 0
    if event.announced_at is None:
        event.announced_at = timezone.now()
        recipients = announcement_recipients()
        event_emails.event_announcement(event, recipients)
        sent = len(recipients)
    event.save(update_fields=["is_published", "announced_at", "updated_at"])
    return sent


@transaction.atomic
def forum_event_unpublish(*, event: ForumEvent, by: User) -> ForumEvent:
    """Take the event off the forum's pages (its bookings stay). Publishing it again sends no second email."""
    ForumEvent.objects.select_for_update().filter(pk=event.pk).update(is_published=False, updated_at=timezone.now())
    event.refresh_from_db()
    return event


@transaction.atomic
def forum_event_delete(*, event: ForumEvent, by: User) -> None:
    """Delete a forum event with its session, bookings and attendance (``session_delete`` logs what went)."""
    session_delete(session=event.session, by=by)


# --- A member's own choices ----------------------------------------------------------------------


@transaction.atomic
def forum_preferences_set(*, user: User, announcements: bool) -> ForumPreferences:
    """Turn the emails about new forum events on or off (reminders of events they are going to still come)."""
    preferences, _ = ForumPreferences.objects.select_for_update().get_or_create(user=user)
    preferences.announcements = announcements
    preferences.save(update_fields=["announcements", "updated_at"])
    return preferences


@transaction.atomic
def forum_calendar_reset(*, user: User) -> ForumCalendarSubscription:
    """Give the member a new secret forum feed address; the old one stops working at once."""
    from events.models import new_token

    subscription, created = ForumCalendarSubscription.objects.select_for_update().get_or_create(user=user)
    if not created:
        subscription.token = new_token()
        subscription.save(update_fields=["token", "created_at"])
    return subscription
