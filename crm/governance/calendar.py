"""Meetings as RFC 5545 calendars (.ics): one meeting, or a series' upcoming meetings.

Written the way ``events.calendar`` writes training sessions: a stable UID per meeting, DTSTAMP,
SEQUENCE, times in Europe/London with its VTIMEZONE (``crm.calendars``, the one copy both use),
STATUS:CANCELLED once cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Event

from ..calendars import LONDON, london_timezone, new_calendar
from .models import Meeting, MeetingStatus

PRODID = "-//Prevent training portal//governance//EN"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.uid}@{settings.CALENDAR_UID_DOMAIN}"


def _event(meeting: Meeting, *, url: str) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("dtstart", timezone.localtime(meeting.starts_at, LONDON))
    event.add("dtend", timezone.localtime(meeting.ends_at, LONDON))
    event.add("summary", meeting.series.name)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.venue:
        event.add("location", meeting.venue)
    description = [f"Agenda and papers: {url}"]
    if meeting.online_url and not cancelled:
        description.insert(0, f"Join online: {meeting.online_url}")
        event.add("conference", meeting.online_url, parameters={"VALUE": "URI"})
    event.add("description", "\n\n".join(description))
    event.add("url", url)
    return event


def meetings_calendar(meetings: Iterable[Meeting], *, name: str, url_of: Callable[[Meeting], str]) -> bytes:
    """The meetings as one calendar; ``url_of`` gives each meeting's page address (absolute)."""
    cal = new_calendar(name, prodid=PRODID)
    cal.add_component(london_timezone())
    for meeting in meetings:
        cal.add_component(_event(meeting, url=url_of(meeting)))
    return cal.to_ical()
