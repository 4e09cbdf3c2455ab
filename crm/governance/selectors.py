"""Reads of governance: open and overdue actions, who the weekly email of open actions goes to, and the
PAG members' area.

Reads of governance for the PAG members' area (/advisory-group/): what a person may see, and only that.

The area is for the *PAG member* role. A member sees the series whose ``members_role`` is that
role and on which their account represents an organisation (``SeriesMember.representative``):
the role alone shows nothing, and a representative who loses the role is refused. The Prevent
team may open every such series, to preview what members see. Nothing from any other series is
found (404), and minutes are shown only as approved (the live revision, never a draft).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from crm import roles
from crm.roles import is_team  # noqa: F401 - the views ask it here

from .models import (
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    AgendaItemStatus,
    Meeting,
    MeetingAction,
    MeetingMinutes,
    MeetingSeries,
    MeetingStatus,
    SeriesMember,
)

if TYPE_CHECKING:
    from crm.models import Organisation, User


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


# --- The PAG members' area (/advisory-group/) ---------------------------------------------------

AREA_ROLE = roles.PAG_MEMBER  # the role /advisory-group/ is for


def may_enter_area(user: User) -> bool:
    """The gate of /advisory-group/: PAG members (and the team, who hold every role)."""
    return roles.has_role(user, AREA_ROLE)


def series_for(*, user: User) -> QuerySet[MeetingSeries]:
    """The series ``user`` sees in the area: those for PAG members they represent an organisation on (team: all)."""
    series = MeetingSeries.objects.filter(members_role=AREA_ROLE)
    if is_team(user):
        return series
    if not may_enter_area(user):
        return series.none()
    return series.filter(members__representative=user).distinct()


def organisations_represented(*, user: User, series: MeetingSeries) -> list[Organisation]:
    """The member organisations of ``series`` that ``user`` represents (usually one)."""
    return [
        membership.organisation
        for membership in SeriesMember.objects.filter(series=series, representative=user)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def upcoming_meetings(*, series: MeetingSeries) -> QuerySet[Meeting]:
    """Meetings not yet ended, soonest first (cancelled ones too: members are told)."""
    return series.meetings.filter(ends_at__gte=timezone.now()).order_by("starts_at")


def next_meeting(*, series: MeetingSeries) -> Meeting | None:
    """The next scheduled meeting that has not started: where proposals and submitted concerns go."""
    return (
        series.meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


def approved_minutes(meeting: Meeting) -> MeetingMinutes | None:
    """The meeting's minutes as last approved: the live revision's content, never a draft or unpublished changes.

    ``None`` while the minutes have never been approved, or once withdrawn (unpublished).
    """
    minutes = MeetingMinutes.objects.filter(meeting=meeting, live=True).select_related("live_revision").first()
    if minutes is None:
        return None
    if minutes.live_revision_id is not None:
        approved = minutes.live_revision.as_object()
        approved.approved_at = minutes.last_published_at
        return approved
    # Made live without a revision (straight through the ORM): the row is the approved text.
    minutes.approved_at = minutes.last_published_at
    return minutes


def past_meetings_with_minutes(*, series: MeetingSeries) -> QuerySet[Meeting]:
    """Past meetings whose minutes are approved, newest first."""
    return series.meetings.filter(ends_at__lt=timezone.now(), minutes__live=True).order_by("-starts_at")


def accepted_agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.agenda_items.filter(status=AgendaItemStatus.ACCEPTED).order_by("sort_order", "pk")


def series_open_actions(*, series: MeetingSeries) -> QuerySet[MeetingAction]:
    """The series' open actions, soonest due first, with their update log."""
    return (
        MeetingAction.objects.filter(meeting__series=series, status=ActionStatus.OPEN)
        .select_related("meeting", "owner", "owner_organisation")
        .prefetch_related(Prefetch("updates", queryset=ActionUpdate.objects.order_by("at", "pk")))
        .order_by("due_on", "pk")
    )
