"""Reads about the Faith Forum that need more than ``.filter()``: forum events, their figures, participation."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from crm import roles
from crm.periods import FinancialYear
from events.models import Attendance, Booking, BookingStatus, SessionStatus
from events.selectors import certified_attendances

from .models import EventAudience, ForumEvent, ForumMembership, ForumRepresentative, ForumRSVP, RSVPAnswer

if TYPE_CHECKING:
    from crm.models import User

PAST_DAYS = 365


# --- Who sees which events -----------------------------------------------------------------------


def sees_members_events(user: User) -> bool:
    """Members-only events are for holders of the *Faith Forum member* role (the team holds every role)."""
    return roles.has_role(user, roles.FAITH_FORUM_MEMBER)


def visible_events(*, user: User) -> QuerySet[ForumEvent]:
    """The published forum events this person may see: public ones, and members-only ones for members.

    Anyone else is never told a members-only event exists: it is not listed, and its page is not found.
    """
    events = ForumEvent.objects.filter(is_published=True).select_related("session", "session__course")
    if not sees_members_events(user):
        events = events.filter(audience=EventAudience.PUBLIC)
    return events


def public_feed_events() -> QuerySet[ForumEvent]:
    """What the public feed lists: published, public events (cancelled ones marked so), one query."""
    return ForumEvent.objects.filter(is_published=True, audience=EventAudience.PUBLIC).select_related(
        "session", "session__course"
    )


def visible_event(*, user: User, event_id: int) -> ForumEvent:
    """One event the person may see, or 404 (members-only events are "not found" to anyone else)."""
    event = visible_events(user=user).filter(pk=event_id).first()
    if event is None:
        raise Http404("No such forum event.")
    return event


@dataclass
class ForumListing:
    upcoming: list[ForumEvent]
    past: list[ForumEvent]


def forum_listing(*, user: User, now: dt.datetime | None = None) -> ForumListing:
    """The forum page's events: those still to come (or under way), soonest first; those of the last year, newest first.

    Each carries ``my_answer`` (the viewer's reply, or None); past ones ``i_attended`` (marked present under
    their account or their email, as ``my_place``). Four queries at most.
    """
    now = now or timezone.now()
    events = list(
        visible_events(user=user)
        .filter(session__ends_at__gt=now - dt.timedelta(days=PAST_DAYS))
        .order_by("session__starts_at")
    )
    answers, attended = {}, set()
    if user.is_authenticated and events:
        answers = dict(ForumRSVP.objects.filter(user=user, event__in=events).values_list("event_id", "answer"))
        held = [event.session_id for event in events if event.session.ends_at <= now]
        if held:
            same = Q(user=user) | Q(email__iexact=user.email) if user.email else Q(user=user)
            attended = set(Attendance.objects.filter(same, session_id__in=held).values_list("session_id", flat=True))
    for event in events:
        event.my_answer = answers.get(event.pk)
        event.i_attended = event.session_id in attended
    upcoming = [event for event in events if event.session.ends_at > now]
    past = [event for event in events if event.session.ends_at <= now]
    past.reverse()
    return ForumListing(upcoming=upcoming, past=past)


@dataclass
class MyPlace:
    """The viewer's reply to one event, their booking, and whether they were marked present."""

    rsvp: ForumRSVP | None = None
    booking: Booking | None = None
    attended: bool = False

    @property
    def confirmed(self) -> bool:
        return self.booking is not None and self.booking.status == BookingStatus.CONFIRMED

    @property
    def waiting(self) -> bool:
        return self.booking is not None and self.booking.status == BookingStatus.WAITING


def my_place(*, event: ForumEvent, user: User) -> MyPlace:
    """The person's reply, live booking and attendance at an event (attendance is the events app's own)."""
    if not user.is_authenticated:
        return MyPlace()
    from events.selectors import booking_attended

    rsvp = ForumRSVP.objects.filter(event=event, user=user).first()
    booking = (
        Booking.objects.filter(session=event.session, user=user)
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("session", "user")
        .first()
    )
    if booking is not None:
        attended = booking_attended(booking=booking)
    else:  # a walk-in: marked under their account or their email
        same = Q(user=user) | Q(email__iexact=user.email) if user.email else Q(user=user)
        attended = event.session.attendances.filter(same).exists()
    return MyPlace(rsvp=rsvp, booking=booking, attended=attended)


def member_feed_events(*, user: User, now: dt.datetime | None = None) -> list[ForumEvent]:
    """A member's private feed: the events they may see, from 90 days ago on, each with ``my_answer`` and
    ``my_booking`` (their live booking, or None). Three queries."""
    now = now or timezone.now()
    events = list(
        visible_events(user=user)
        .filter(session__ends_at__gt=now - dt.timedelta(days=90))
        .order_by("session__starts_at")
    )
    answers = dict(ForumRSVP.objects.filter(user=user, event__in=events).values_list("event_id", "answer"))
    bookings = {
        booking.session_id: booking
        for booking in Booking.objects.filter(user=user, session__forum_event__in=events)
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("user")
    }
    for event in events:
        event.my_answer = answers.get(event.pk)
        event.my_booking = bookings.get(event.session_id)
    return events


# --- The team's figures ----------------------------------------------------------------------------


def _representations() -> dict[int, list[ForumMembership]]:
    """Each account's member organisations (any status): how an attendance is put down to an organisation."""
    by_user = defaultdict(list)
    for rep in ForumRepresentative.objects.select_related("membership", "membership__organisation"):
        by_user[rep.user_id].append(rep.membership)
    return by_user


@dataclass
class EventReport:
    event: ForumEvent
    answers: dict[str, int]  # answer -> people
    guests: dict[str, int]  # answer -> guests they bring
    attendances: list  # events.Attendance, with ``organisations`` (names)
    organisations: list[str]  # member organisations with someone there, by name

    @property
    def answer_rows(self) -> list[tuple[str, int, int]]:
        return [(label, self.answers.get(value, 0), self.guests.get(value, 0)) for value, label in RSVPAnswer.choices]


def attendance_organisations(attendance, representations: dict[int, list[ForumMembership]]) -> list[str]:
    """The member organisations an attendance counts for: the person's, else the organisation in the register."""
    names = [m.organisation.name for m in representations.get(attendance.user_id, [])] if attendance.user_id else []
    if not names and attendance.organisation_id:
        names = [attendance.organisation.name]
    if not names and attendance.organisation_name:
        names = [attendance.organisation_name]
    return names


def event_report(*, event: ForumEvent) -> EventReport:
    """An event's replies by answer (with guests), who came (the events app's attendance) and which organisations."""
    answers, guests = Counter(), Counter()
    for answer, count in ForumRSVP.objects.filter(event=event).values_list("answer", "guests"):
        answers[answer] += 1
        guests[answer] += count
    attendances = list(
        certified_attendances()
        .filter(session=event.session)
        .select_related("user", "organisation")
        .order_by("full_name", "email", "pk")
    )
    representations = _representations()
    organisations = set()
    for attendance in attendances:
        attendance.organisations = attendance_organisations(attendance, representations)
        organisations.update(attendance.organisations)
    return EventReport(
        event=event,
        answers=dict(answers),
        guests=dict(guests),
        attendances=attendances,
        organisations=sorted(organisations, key=str.casefold),
    )


@dataclass
class Participation:
    """One member organisation's year: the forum events it could attend and those it had someone at."""

    membership: ForumMembership
    could_attend: int = 0
    attended: int = 0
    events_attended: list[str] = field(default_factory=list)

    @property
    def organisation(self) -> str:
        return self.membership.organisation.name

    @property
    def rate(self) -> int | None:
        """Per cent of the events it could attend that it had someone at; None when there were none.

        Halves round up, as a spreadsheet does (1 of 8 is 13%, not Python's 12%).
        """
        if not self.could_attend:
            return None
        return (200 * self.attended + self.could_attend) // (2 * self.could_attend)


def held_events(*, year: FinancialYear, now: dt.datetime | None = None) -> list[ForumEvent]:
    """Forum events held in a financial year: published, not cancelled, started in the year and already ended."""
    now = now or timezone.now()
    return list(
        ForumEvent.objects.filter(
            is_published=True,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gte=year.starts_at,
            session__starts_at__lt=year.ends_at,
            session__ends_at__lte=now,
        )
        .select_related("session")
        .order_by("session__starts_at")
    )


def participation(*, year: FinancialYear, now: dt.datetime | None = None) -> list[Participation]:
    """Each member organisation's participation in a financial year, by name. Four queries.

    An organisation could attend the events held while it was a member (from the day it joined to
    the day it left, if it left). It attended one when someone who represents it, or someone the
    register names it for, was marked present (the events app's attendance).
    """
    events = held_events(year=year, now=now)
    memberships = list(
        ForumMembership.objects.filter(joined_on__lte=year.last_day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=year.first_day))
        .select_related("organisation")
        .order_by("organisation__name")
    )
    representations = _representations()
    present = defaultdict(set)  # session id -> membership ids with someone there
    organisation_members = {m.organisation_id: m.pk for m in memberships}
    for user_id, organisation_id, session_id in (
        certified_attendances(now=now)
        .filter(session__in=[event.session for event in events])
        .values_list("user_id", "organisation_id", "session_id")
    ):
        members = {m.pk for m in representations.get(user_id, [])} if user_id else set()
        if not members and organisation_id in organisation_members:
            members = {organisation_members[organisation_id]}
        present[session_id].update(members)
    rows = []
    for membership in memberships:
        row = Participation(membership=membership)
        for event in events:
            day = timezone.localdate(event.session.starts_at)
            if day < membership.joined_on or (membership.left_on and day > membership.left_on):
                continue
            row.could_attend += 1
            if membership.pk in present[event.session_id]:
                row.attended += 1
                row.events_attended.append(event.title)
        rows.append(row)
    return rows


def forum_account_card(*, user: User) -> dict | None:
    """What My account's Faith Forum card shows a member: their announcements choice and their feed's address."""
    from django.urls import reverse

    from .models import ForumCalendarSubscription, ForumPreferences

    if not sees_members_events(user):
        return None
    preferences = ForumPreferences.objects.filter(user=user).first()
    subscription = ForumCalendarSubscription.objects.filter(user=user).first()
    return {
        "announcements": preferences.announcements if preferences else True,
        "feed_path": reverse("faith_forum:personal_feed", args=[subscription.token]) if subscription else "",
    }
