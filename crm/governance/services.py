"""Governance writes with a rule. PAG members' own writes (issue 13): submitting a concern, proposing an agenda item.

A member writes for their own organisation on the series, never another's; a concern is about a
place or a theme, never a named person (``crm.text.personal_data_check``, the one guard); an
agenda item goes to the next scheduled meeting, and there must be one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from crm import roles
from crm.audit import audit_log
from crm.text import personal_data_check

from .models import (
    AgendaItem,
    AgendaItemStatus,
    CommunityConcern,
    ConcernLevel,
    MeetingSeries,
    SeriesMember,
)
from .selectors import AREA_ROLE, next_meeting

if TYPE_CHECKING:
    from crm.models import Organisation, User, Ward

    from .models import ConcernTheme

CONCERN_PERSONAL_DATA = (
    "This looks like {kind} ({found}). Concerns are about places and themes, never about a named "
    "person: take it out, and write no names."
)
MESSAGES = {
    "not_a_member": "Only a member organisation's representative can do this, for their own organisation.",
    "personal_data": "Take out the personal data the description holds; nothing was sent.",
    "where": "Choose a ward, or tick borough-wide (not both).",
    "level": "Choose a level: low, medium or high.",
    "empty": "Write what the concern is about.",
    "no_title": "Give the agenda item a title.",
    "no_next_meeting": "There is no meeting of the group scheduled yet, so an agenda item cannot be proposed. "
    "Try again once the next meeting is announced, or write to the Prevent team.",
}

# The audit-log actions of members' writes (Reports → Site history).
GOVERNANCE_PUBLIC_ACTIONS = {
    "crm.concern_submit": ("Concern submitted", "A PAG member submitted a community concern"),
    "crm.agenda_item_propose": ("Agenda item proposed", "A PAG member proposed an agenda item"),
}


class GovernanceError(Exception):
    """A governance rule refused the write; ``code`` says which (``MESSAGES``), ``errors`` maps fields to messages."""

    def __init__(self, code: str, errors: dict[str, list[str]] | None = None):
        self.code = code
        self.message = MESSAGES[code]
        self.errors = errors or {}
        super().__init__(self.message)


def _check_represents(*, user: User, series: MeetingSeries, organisation: Organisation) -> None:
    """The rule: the PAG member role, on a series for it, representing ``organisation`` on that series."""
    represents = SeriesMember.objects.filter(series=series, organisation=organisation, representative=user).exists()
    if not (series.members_role == AREA_ROLE and roles.role_names(user) & {AREA_ROLE} and represents):
        raise GovernanceError("not_a_member")


@transaction.atomic
def concern_submit(
    *,
    user: User,
    series: MeetingSeries,
    organisation: Organisation,
    theme: ConcernTheme,
    ward: Ward | None,
    borough_wide: bool,
    level: str,
    description: str,
) -> CommunityConcern:
    """A member submits a concern for their organisation, before the next meeting (set as its meeting, if any).

    Rules: the submitter represents ``organisation`` on ``series`` (``not_a_member``); a ward or
    borough-wide, not both (``where``); a known level (``level``); a description (``empty``) holding
    no personal data (``personal_data``, from ``crm.text.personal_data_check``). Raises ``GovernanceError``.
    """
    _check_represents(user=user, series=series, organisation=organisation)
    description = (description or "").strip()
    if not description:
        raise GovernanceError("empty", {"description": [MESSAGES["empty"]]})
    found = personal_data_check(description, refused=CONCERN_PERSONAL_DATA)
    if found:
        raise GovernanceError("personal_data", {"description": found})
    if (ward is None) != bool(borough_wide):
        raise GovernanceError("where", {"ward": [MESSAGES["where"]]})
    if level not in ConcernLevel.values:
        raise GovernanceError("level", {"level": [MESSAGES["level"]]})
    concern = CommunityConcern.objects.create(
        series=series,
        meeting=next_meeting(series=series),
        raised_on=timezone.localdate(),
        theme=theme,
        ward=None if borough_wide else ward,
        borough_wide=borough_wide,
        level=level,
        raised_by=organisation,
        description=description,
        submitted_by=user,
    )
    audit_log(
        "crm.concern_submit",
        instance=concern,
        user=user,
        data={"series": series, "organisation": organisation, "meeting": concern.meeting, "level": level},
    )
    return concern


@transaction.atomic
def agenda_item_propose(
    *, user: User, series: MeetingSeries, organisation: Organisation, title: str, description: str = ""
) -> AgendaItem:
    """A member proposes an item for the next scheduled meeting; the team accepts or declines it in the admin.

    Rules: the proposer represents ``organisation`` on ``series`` (``not_a_member``); a title
    (``no_title``); text with no personal data (``personal_data``); a next scheduled meeting to put
    it on (``no_next_meeting``). Raises ``GovernanceError``.
    """
    _check_represents(user=user, series=series, organisation=organisation)
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise GovernanceError("no_title", {"title": [MESSAGES["no_title"]]})
    errors = {
        name: found
        for name, value in (("title", title), ("description", description))
        if (found := personal_data_check(value, refused=CONCERN_PERSONAL_DATA))
    }
    if errors:
        raise GovernanceError("personal_data", errors)
    meeting = next_meeting(series=series)
    if meeting is None:
        raise GovernanceError("no_next_meeting")
    # Locked, so two proposals at once are numbered one after the other.
    meeting = type(meeting).objects.select_for_update().get(pk=meeting.pk)
    last = meeting.agenda_items.order_by("-sort_order").values_list("sort_order", flat=True).first()
    item = AgendaItem.objects.create(
        meeting=meeting,
        title=title,
        description=description,
        status=AgendaItemStatus.PROPOSED,
        proposed_by=user,
        proposed_by_organisation=organisation,
        sort_order=(last or 0) + 1,
    )
    audit_log(
        "crm.agenda_item_propose",
        instance=meeting,
        user=user,
        data={"series": series, "organisation": organisation, "item": title},
    )
    return item
