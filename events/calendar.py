"""RFC 5545 calendars: public feeds, the personal feed and email invitations.

Every event carries a stable UID, DTSTAMP and SEQUENCE, times in
Europe/London with its VTIMEZONE, and STATUS:CANCELLED once cancelled.

Published feeds cover a window (``feed_window``): sessions that ended in the last
``FEED_DAYS_BEHIND`` days and everything ahead, so a feed does not grow with every
past session. Each is one query for its sessions (with their courses), one course
address per course (never one per event), and answers a conditional GET from one
aggregate query (``feed_version``) without building the calendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from crm.calendars import LONDON, london_timezone, new_calendar

from .links import absolute_url
from .models import Booking, BookingStatus, SessionStatus, SessionVisibility, TrainingSession
from .team import team_context, team_email, team_name

PRODID = "-//Prevent training portal//events//EN"
# Published feeds list sessions that ended up to this many days ago, and everything ahead.
FEED_DAYS_BEHIND = 90


def session_uid(session: TrainingSession) -> str:
    return f"session-{session.uid}@{settings.CALENDAR_UID_DOMAIN}"


def booking_uid(booking: Booking) -> str:
    return f"booking-{booking.uid}@{settings.CALENDAR_UID_DOMAIN}"


def _calendar(name: str, method: str | None = None) -> Calendar:
    return new_calendar(name, prodid=PRODID, method=method)


def team_organizer() -> vCalAddress:
    """The team, as the settings name it: its name, and its email (else the address mail is sent from)."""
    team = team_context()
    organizer = vCalAddress(f"mailto:{team_email(team)}")
    organizer.params["cn"] = vText(team_name(team))
    return organizer


def _event(
    session: TrainingSession,
    *,
    uid: str,
    cancelled: bool,
    sequence: int,
    joining_link: bool,
    organizer: vCalAddress,
    url: str | None = None,
) -> Event:
    """One session as a VEVENT. ``joining_link`` adds the online link: only for a confirmed place.

    ``url`` is the course page's absolute address; a feed works it out once per course (``_course_urls``).
    """
    course = session.course
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("sequence", sequence)
    event.add("dtstart", timezone.localtime(session.starts_at, LONDON))
    event.add("dtend", timezone.localtime(session.ends_at, LONDON))
    event.add("summary", session.name)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    location = ", ".join(part for part in (session.venue, session.address.replace("\n", ", ")) if part)
    if location:
        event.add("location", location)
    description = [course.specific.summary] if hasattr(course.specific, "summary") else []
    if joining_link and session.online_url and not cancelled:
        description.append(f"Join online: {session.online_url}")
        event.add("conference", session.online_url, parameters={"VALUE": "URI"})
    event.add("description", "\n\n".join(description))
    event.add("url", url if url is not None else absolute_url(course.url))
    event.add("organizer", organizer)
    return event


def _finish(cal: Calendar) -> bytes:
    cal.subcomponents.insert(0, london_timezone())
    return cal.to_ical()


def _course_urls(sessions: Iterable[TrainingSession]) -> dict[int, str]:
    """Each course's absolute address, worked out once per course: a page's URL reads the site cache."""
    courses = {session.course_id: session.course for session in sessions}
    return {pk: absolute_url(course.url) for pk, course in courses.items()}


def feed_window(sessions: QuerySet[TrainingSession], *, now: dt.datetime | None = None) -> QuerySet[TrainingSession]:
    """Of ``sessions``, those a published feed lists: ended in the last ``FEED_DAYS_BEHIND`` days, or later."""
    since = (now or timezone.now()) - dt.timedelta(days=FEED_DAYS_BEHIND)
    return sessions.filter(ends_at__gte=since)


@dataclass(frozen=True)
class FeedVersion:
    """What a published feed's conditional GET compares: an ETag and the time of the last change."""

    etag: str
    last_modified: dt.datetime | None


def feed_version(sessions: QuerySet[TrainingSession], *, now: dt.datetime | None = None) -> FeedVersion:
    """One aggregate query over the feed's sessions: how many, and when they or their courses last changed.

    A session edited, cancelled, added or deleted, a session leaving the window, or a course page
    republished (its title and summary are in the feed) changes the ETag, so a calendar app's
    ``If-None-Match`` gets a 304 only while the feed would be the same.
    """
    figures = published_sessions(feed_window(sessions, now=now)).aggregate(
        count=Count("pk"), changed=Max("updated_at"), published=Max("course__last_published_at")
    )
    stamps = [stamp for stamp in (figures["changed"], figures["published"]) if stamp is not None]
    last_modified = max(stamps) if stamps else None
    key = f"{figures['count']}|{figures['changed']}|{figures['published']}|{FEED_DAYS_BEHIND}"
    return FeedVersion(etag=f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"', last_modified=last_modified)


def published_sessions(sessions: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    """Of ``sessions``, those a feed anyone can read may list: what an anonymous visitor may see.

    Open sessions (never a closed one, which is for one organisation) of live courses with no
    view restriction of any kind - groups, sign-in or password - on the course or above it.
    """
    from .models import CoursePage

    return sessions.filter(visibility=SessionVisibility.OPEN, course__in=CoursePage.objects.live().public())


def sessions_feed(sessions: QuerySet[TrainingSession], *, name: str) -> bytes:
    """A published feed of sessions (course or all), cancelled ones marked so, within ``feed_window``.

    Anyone can read it, so it lists only ``published_sessions`` and never carries the online joining link.
    """
    cal = _calendar(name)
    organizer = team_organizer()
    listed = list(published_sessions(feed_window(sessions)).select_related("course"))
    urls = _course_urls(listed)
    for session in listed:
        cal.add_component(
            _event(
                session,
                uid=session_uid(session),
                cancelled=session.status == SessionStatus.CANCELLED,
                sequence=session.sequence,
                joining_link=False,
                organizer=organizer,
                url=urls[session.course_id],
            )
        )
    return _finish(cal)


def bookings_feed(bookings: Iterable[Booking], *, name: str) -> bytes:
    """A person's own feed: their confirmed places, and cancelled ones as cancelled."""
    cal = _calendar(name)
    organizer = team_organizer()
    bookings = list(bookings)
    urls = _course_urls(booking.session for booking in bookings)
    for booking in bookings:
        cancelled = booking.status == BookingStatus.CANCELLED or booking.session.status == SessionStatus.CANCELLED
        cal.add_component(
            _event(
                booking.session,
                uid=booking_uid(booking),
                cancelled=cancelled,
                sequence=booking.session.sequence + (1 if booking.status == BookingStatus.CANCELLED else 0),
                joining_link=booking.status == BookingStatus.CONFIRMED,
                organizer=organizer,
                url=urls[booking.session.course_id],
            )
        )
    return _finish(cal)


def invitation(booking: Booking, *, cancel: bool = False) -> bytes:
    """An iTIP message for one person: METHOD:REQUEST to add or update, METHOD:CANCEL to remove."""
    cal = _calendar(booking.session.name, method="CANCEL" if cancel else "REQUEST")
    sequence = booking.session.sequence + (1 if cancel and booking.session.status != SessionStatus.CANCELLED else 0)
    event = _event(
        booking.session,
        uid=booking_uid(booking),
        cancelled=cancel,
        sequence=sequence,
        joining_link=booking.status == BookingStatus.CONFIRMED,
        organizer=team_organizer(),
    )
    attendee = vCalAddress(f"mailto:{booking.user.email}")
    attendee.params["cn"] = vText(booking.user.get_full_name() or booking.user.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)
    cal.add_component(event)
    return _finish(cal)
