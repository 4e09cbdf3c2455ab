"""Reads of governance: open and overdue actions, and who the weekly email of open actions goes to."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import ActionStatus, MeetingAction, SeriesMember

if TYPE_CHECKING:
    from crm.models import User


def week_starting(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: a weekly email is sent once for each."""
    return day - dt.timedelta(days=day.weekday())


def open_actions() -> QuerySet[MeetingAction]:
    """Every open action, with what its list and email read."""
    return MeetingAction.objects.filter(status=ActionStatus.OPEN).select_related(
        "meeting__series", "owner", "owner_organisation"
    )


def overdue_actions(*, today: dt.date | None = None) -> QuerySet[MeetingAction]:
    """Open actions whose due date has passed (``MeetingAction.is_overdue``, in the database)."""
    return open_actions().filter(due_on__lt=today or timezone.localdate())


def open_actions_for(*, user: User) -> QuerySet[MeetingAction]:
    """The open actions ``user`` answers for: their own, and their organisation's on a group they represent it on."""
    return (
        open_actions()
        .filter(
            Q(owner=user)
            | Q(
                owner_organisation__series_memberships__representative=user,
                owner_organisation__series_memberships__series=F("meeting__series"),
            )
        )
        .distinct()
        .order_by("due_on", "pk")
    )


def overdue_first(actions, *, today: dt.date) -> list[MeetingAction]:
    """Overdue actions first (oldest due first), then the rest by due date."""
    return sorted(actions, key=lambda action: (action.due_on >= today, action.due_on, action.pk))


def action_owners() -> dict[int, list[MeetingAction]]:
    """Account id → the open actions that person answers for (see ``open_actions_for``).

    A person owns their actions; an organisation's action is answered for by the organisation's
    representatives with an account on the action's meeting's group (``SeriesMember.representative``).
    """
    actions = list(open_actions())
    representatives: dict[tuple[int, int], set[int]] = defaultdict(set)
    for series_id, organisation_id, user_id in SeriesMember.objects.filter(
        representative__isnull=False,
        organisation_id__in={action.owner_organisation_id for action in actions if action.owner_organisation_id},
    ).values_list("series_id", "organisation_id", "representative_id"):
        representatives[(series_id, organisation_id)].add(user_id)
    owners: dict[int, list[MeetingAction]] = defaultdict(list)
    for action in actions:
        people = set()
        if action.owner_id:
            people.add(action.owner_id)
        if action.owner_organisation_id:
            people |= representatives[(action.meeting.series_id, action.owner_organisation_id)]
        for user_id in people:
            owners[user_id].append(action)
    return dict(owners)
