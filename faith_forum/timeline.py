"""The forum on an organisation's engagement timeline (``crm.timeline``): registered in ``faith_forum.apps``.

- **Membership**: when it joined, was flagged as lapsed and left (the dates on its membership).
- **Forum events its people attended**: one item per event, with how many of its people were there.
  Whose an attendance is and what counts are the events app's (``events.timeline``): the
  organisation recorded on the day, else the one the person's account is linked to; marked present,
  the event over, not cancelled, not an unconfirmed self-declared mark. Forum events are sessions
  of a course in the *forum* reporting category; ``events.timeline`` leaves them out of training, so
  each appears once, here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from crm.timeline import TimelineItem, within
from events.models import ReportingCategory
from events.timeline import attendance_for_organisations

from .models import ForumMembership

MEMBERSHIP_KIND = "forum_membership"
MEMBERSHIP_LABEL = "Faith Forum membership"
EVENT_KIND = "forum_event"
EVENT_LABEL = "Faith Forum event its people attended"


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _in_range(when: dt.datetime, since: dt.datetime | None, until: dt.datetime | None) -> bool:
    return (since is None or when >= since) and (until is None or when < until)


def membership_timeline_items(
    *, organisation_ids: Collection[int], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[TimelineItem]:
    """Joined, flagged as lapsed, left: one query."""
    items = []
    for membership in ForumMembership.objects.filter(organisation_id__in=organisation_ids).order_by():
        steps = [
            (membership.joined_on, "Joined the Faith Forum", membership.get_faith_display()),
            (membership.lapsed_on, "Membership lapsed", "No attendance at forum events for 12 months."),
            (membership.left_on, "Left the Faith Forum", "Its representatives no longer have forum access."),
        ]
        for day, title, detail in steps:
            if day is None or not _in_range(when := _start_of(day), since, until):
                continue
            items.append(
                TimelineItem(
                    organisation_id=membership.organisation_id,
                    when=when,
                    kind=MEMBERSHIP_KIND,
                    kind_label=MEMBERSHIP_LABEL,
                    title=title,
                    detail=detail,
                    all_day=True,
                )
            )
    return items


def forum_attendance_timeline_items(
    *, organisation_ids: Collection[int], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[TimelineItem]:
    """Forum events the organisations' people attended, one item per event with the count: one query."""
    attended = (
        within(
            attendance_for_organisations(organisation_ids).filter(
                session__course__reporting_category=ReportingCategory.FORUM
            ),
            "session__starts_at",
            since=since,
            until=until,
        )
        .values(
            "for_organisation",
            "session",
            "session__starts_at",
            "session__venue",
            "session__course__title",
            "session__forum_event__title",
        )
        .annotate(people=Count("pk"))
        .order_by()
    )
    return [
        TimelineItem(
            organisation_id=row["for_organisation"],
            when=row["session__starts_at"],
            kind=EVENT_KIND,
            kind_label=EVENT_LABEL,
            title=row["session__forum_event__title"] or row["session__course__title"],
            detail=row["session__venue"] or "Online",  # as TrainingSession.where
            count=row["people"],
            count_label="present",
            url=reverse("sessions:edit", args=[row["session"]]),
        )
        for row in attended
    ]


def forum_timeline_items(
    *, organisation_ids: Collection[int], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[TimelineItem]:
    """The forum's source for ``crm.timeline``: membership and attended forum events, two queries."""
    return [
        *membership_timeline_items(organisation_ids=organisation_ids, since=since, until=until),
        *forum_attendance_timeline_items(organisation_ids=organisation_ids, since=since, until=until),
    ]
