"""Reads of outreach visits: an officer's own, follow-ups coming due."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from .models import OutreachVisit

if TYPE_CHECKING:
    from crm.models import User

FOLLOW_UP_PAST_DAYS = 30
FOLLOW_UP_AHEAD_DAYS = 14


def visits_logged_by(*, officer: User) -> QuerySet[OutreachVisit]:
    """The officer's own visits, newest first, with what the list shows."""
    return (
        OutreachVisit.objects.filter(officer=officer)
        .select_related("ward", "organisation")
        .prefetch_related("tags")
        .order_by("-visited_at", "-pk")
    )


def follow_ups_due(*, officer: User, today: dt.date | None = None) -> QuerySet[OutreachVisit]:
    """The officer's follow-ups from a month overdue to two weeks ahead, soonest first."""
    today = today or timezone.localdate()
    return (
        visits_logged_by(officer=officer)
        .filter(
            follow_up_on__gte=today - dt.timedelta(days=FOLLOW_UP_PAST_DAYS),
            follow_up_on__lte=today + dt.timedelta(days=FOLLOW_UP_AHEAD_DAYS),
        )
        .order_by("follow_up_on", "pk")
    )
