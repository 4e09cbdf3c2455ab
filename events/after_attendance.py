"""What follows a mark of attendance, from the apps above events: links shown beside it.

events cannot import the apps above it (feedback), yet the self check-in thank-you screen and
My training should ask for feedback beside each session a person was marked present at. So each
app registers a *link source* when it is ready (its ``apps.py``), as it registers a timeline source
with ``crm.timeline``:

    register_attendance_link(feedback_attendance_links)

A source is called with ``attendances`` (a list of ``Attendance``, each with its session and course
loaded) and ``viewer`` (the user looking, maybe anonymous) and returns a mapping of attendance
primary key to an ``AttendanceLink``, or to ``None``, leaving out attendances it has nothing for.
It answers for the whole list in a fixed number of queries, so My training stays a handful of
queries however many sessions a person attended.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

AttendanceLinkSource = Callable[..., Mapping[int, "AttendanceLink | None"]]

_sources: list[AttendanceLinkSource] = []


@dataclass(frozen=True)
class AttendanceLink:
    """One thing to show beside an attendance: a link, or a line of text when ``url`` is empty."""

    label: str
    url: str = ""
    kind: str = ""  # a short code for the template and tests, e.g. "feedback"


def register_attendance_link(source: AttendanceLinkSource) -> AttendanceLinkSource:
    """Add a source of links shown beside attendances (once, however often an app's ``ready`` runs)."""
    if source not in _sources:
        _sources.append(source)
    return source


def attendance_links(attendances: Iterable, *, viewer) -> None:
    """Set ``after_links`` (a list of ``AttendanceLink``) on each attendance, from every registered source."""
    attendances = [attendance for attendance in attendances if attendance is not None]
    for attendance in attendances:
        attendance.after_links = []
    if not attendances:
        return
    by_pk = {attendance.pk: attendance for attendance in attendances}
    for source in _sources:
        for pk, link in (source(attendances=attendances, viewer=viewer) or {}).items():
            if link is not None and pk in by_pk:
                by_pk[pk].after_links.append(link)
