"""Forum events as calendar files (RFC 5545): the public feed of public events and each member's private feed.

Built with icalendar and Europe/London's VTIMEZONE (``crm.calendars.london_timezone``). Each event keeps
its UID for good: ``forum-<session uid>`` in the feeds, or the booking's own UID (the one in the
emailed invitation) in a member's feed once they are going; SEQUENCE is the session's, raised by
the events app whenever its time or place changes. A person's .ics for one event is the events
app's invitation for their booking (``events.calendar.invitation``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from crm.calendars import LONDON, london_timezone, new_calendar
from events.calendar import booking_uid, team_organizer
from events.models import BookingStatus

from .models import ForumEvent, RSVPAnswer

PRODID = "-//Prevent training portal//Faith Forum//EN"
ANSWER_WORDS = {
    RSVPAnswer.GOING: "You replied: going",
    RSVPAnswer.MAYBE: "You replied: maybe",
    RSVPAnswer.NOT_GOING: "You replied: not going",
}


def event_uid(event: ForumEvent) -> str:
    return f"forum-{event.session.uid}@{settings.CALENDAR_UID_DOMAIN}"


def _calendar(name: str) -> Calendar:
    return new_calendar(name, prodid=PRODID)


def _vevent(event: ForumEvent, *, uid: str, url: str, organizer, status: str, notes: Iterable[str] = ()) -> Event:
    session = event.session
    vevent = Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", timezone.now())
    vevent.add("sequence", session.sequence)
    vevent.add("dtstart", timezone.localtime(session.starts_at, LONDON))
    vevent.add("dtend", timezone.localtime(session.ends_at, LONDON))
    vevent.add("summary", event.title)
    vevent.add("status", "CANCELLED" if session.is_cancelled else status)
    location = ", ".join(part for part in (session.venue, session.address.replace("\n", ", ")) if part)
    if location:
        vevent.add("location", location)
    description = [*notes, event.description]
    if event.accessibility_notes:
        description.append(f"Access: {event.accessibility_notes}")
    if event.dietary_notes:
        description.append(f"Food and customs: {event.dietary_notes}")
    vevent.add("description", "\n\n".join(part for part in description if part))
    vevent.add("categories", [event.get_kind_display()])
    if url:
        vevent.add("url", url)
    vevent.add("organizer", organizer)
    return vevent


def _finish(cal: Calendar) -> bytes:
    cal.subcomponents.insert(0, london_timezone())
    return cal.to_ical()


def public_feed(events: Iterable[ForumEvent], *, name: str, url_for) -> bytes:
    """Public events for anyone: never an online joining link, never anyone's reply."""
    cal = _calendar(name)
    organizer = team_organizer()
    for event in events:
        cal.add_component(
            _vevent(event, uid=event_uid(event), url=url_for(event), organizer=organizer, status="CONFIRMED")
        )
    return _finish(cal)


def member_feed(events: Iterable[ForumEvent], *, name: str, url_for) -> bytes:
    """A member's forum events with their own reply; going (a confirmed place) is CONFIRMED, the rest TENTATIVE.

    The online joining link is only in events they have a confirmed place at, as in the events app.
    """
    cal = _calendar(name)
    organizer = team_organizer()
    for event in events:
        booking = getattr(event, "my_booking", None)
        confirmed = booking is not None and booking.status == BookingStatus.CONFIRMED
        notes = [ANSWER_WORDS.get(getattr(event, "my_answer", None), "You have not replied yet.")]
        if booking is not None and booking.status == BookingStatus.WAITING:
            notes.append("You are on the waiting list.")
        if confirmed and event.session.online_url and not event.session.is_cancelled:
            notes.append(f"Join online: {event.session.online_url}")
        cal.add_component(
            _vevent(
                event,
                uid=booking_uid(booking) if confirmed else event_uid(event),
                url=url_for(event),
                organizer=organizer,
                status="CONFIRMED" if confirmed else "TENTATIVE",
                notes=notes,
            )
        )
    return _finish(cal)
