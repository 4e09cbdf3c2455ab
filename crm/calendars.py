"""What every calendar file (.ics) of the site shares: Europe/London written as calendar programs write it.

Training's feeds and invitations (``events.calendar``) and meetings (``crm.governance.calendar``)
both put this VTIMEZONE in their files, so there is one copy of it.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone

LONDON = ZoneInfo("Europe/London")

# Europe/London as calendar programs themselves write it (tzurl.org): two yearly
# rules rather than icalendar's generated list of dates, which some readers -
# vobject among them - resolve to the wrong offset in winter.
LONDON_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/London
X-LIC-LOCATION:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def london_timezone() -> Timezone:
    """The VTIMEZONE component to put first in a calendar whose times are in London."""
    return Timezone.from_ical(LONDON_VTIMEZONE.replace("\n", "\r\n"))


def new_calendar(name: str, *, prodid: str, method: str | None = None) -> Calendar:
    """An empty calendar with what every file of the site starts with: PRODID, VERSION, GREGORIAN, its name
    and Europe/London (the VTIMEZONE itself is added beside the events: ``london_timezone``)."""
    cal = Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    if method:
        cal.add("method", method)
    return cal
