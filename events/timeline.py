"""Training on an organisation's engagement timeline (``crm.timeline``): registered in ``events.apps``.

- **Training its people attended**: one item per session, with how many of the organisation's
  people were there. Whose an attendance is: the organisation recorded with it on the day
  (``Attendance.organisation``), else, for a mark recorded before the person was matched, the
  organisation their account is linked to now. Counted as every figure counts: marked present,
  the session over, not cancelled, and not a self-declared mark nobody has confirmed
  (``events.selectors.certified_attendances``).
- **Closed sessions held for it** (a whole-school briefing, a team's in-house WRAP), with how many
  were present; upcoming ones too, marked as such. Cancelled ones are left out. Its own people at
  its own closed session are that one item, not two.

Faith Forum events (courses in the *forum* reporting category) are not training: they are left out
here and appear once, as forum attendance, from the forum's own source (``faith_forum.timeline``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from crm.timeline import TimelineItem, within

from .models import ReportingCategory, SessionStatus, SessionVisibility, TrainingSession
from .selectors import certified_attendances


def attendance_for_organisations(organisation_ids: Collection[int], *, now: dt.datetime | None = None):
    """Certified attendance of the organisations' people, each annotated with ``for_organisation``."""
    return (
        certified_attendances(now=now)
        .filter(
            Q(organisation_id__in=organisation_ids)
            | Q(organisation__isnull=True, user__organisation_id__in=organisation_ids)
        )
        .annotate(for_organisation=Coalesce(F("organisation_id"), F("user__organisation_id")))
    )


def closed_sessions_for_organisations(organisation_ids: Collection[int]):
    """Closed sessions held for the organisations (not cancelled), each with ``present``: marks that stand."""
    return TrainingSession.objects.filter(
        organisation_id__in=organisation_ids,
        visibility=SessionVisibility.CLOSED,
        status=SessionStatus.SCHEDULED,
    ).annotate(
        present=Count(
            "attendances",
            filter=Q(attendances__undone_at__isnull=True, attendances__self_declared=False),
        )
    )


def _session_url(session_id: int) -> str:
    return reverse("sessions:edit", args=[session_id])


def training_timeline_items(
    *, organisation_ids: Collection[int], since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[TimelineItem]:
    """Sessions the organisations' people attended, and closed sessions held for them: three queries."""
    now = timezone.now()
    closed = list(
        within(closed_sessions_for_organisations(organisation_ids), "starts_at", since=since, until=until)
        .exclude(course__reporting_category=ReportingCategory.FORUM)
        .select_related("course")
        .order_by()
    )
    held_for = {(session.organisation_id, session.pk) for session in closed}
    items = [
        TimelineItem(
            organisation_id=session.organisation_id,
            when=session.starts_at,
            kind="closed_session",
            kind_label="Closed session held for it",
            title=session.name,
            detail=session.where,
            count=None if session.ends_at > now else session.present,
            count_label="present",
            url=_session_url(session.pk),
        )
        for session in closed
    ]
    attended = (
        within(attendance_for_organisations(organisation_ids, now=now), "session__starts_at", since=since, until=until)
        .exclude(session__course__reporting_category=ReportingCategory.FORUM)
        .values("for_organisation", "session")
        .annotate(people=Count("pk"))
        .order_by()
    )
    counts = {
        (row["for_organisation"], row["session"]): row["people"]
        for row in attended
        if (row["for_organisation"], row["session"]) not in held_for
    }
    sessions = TrainingSession.objects.select_related("course").in_bulk({session for _, session in counts})
    for (organisation_id, session_id), people in counts.items():
        session = sessions[session_id]
        items.append(
            TimelineItem(
                organisation_id=organisation_id,
                when=session.starts_at,
                kind="training",
                kind_label="Training its people attended",
                title=session.name,
                detail=session.where,
                count=people,
                count_label="present",
                url=_session_url(session_id),
            )
        )
    return items
