"""The writers of governance: approving and correcting minutes, updating actions, the weekly email of open actions;
PAG members' own writes: submitting a concern, proposing an agenda item.

Each rule lives in one function here; the admin screens (``crm.governance.admin``) and the
management command ``send_action_reminders`` call them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from crm import roles
from crm.audit import audit_log
from crm.text import clean_text, personal_data_check

from . import emails
from .models import (
    CONCERN_PERSONAL_DATA,
    ActionDigest,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    AgendaItemStatus,
    CommunityConcern,
    ConcernLevel,
    Meeting,
    MeetingAction,
    MeetingMinutes,
    MeetingSeries,
    SeriesMember,
)
from .selectors import AREA_ROLE, action_owners, next_meeting, overdue_first, week_starting

if TYPE_CHECKING:
    from crm.models import Organisation, User, Ward

    from .models import ConcernTheme

# The audit-log actions of governance (registered in crm.wagtail_hooks): action → (label, message).
GOVERNANCE_ACTIONS = {
    "crm.minutes_approve": ("Minutes approved", "Approved the minutes"),
    "crm.minutes_draft": ("Minutes drafted", "Saved a draft of the minutes"),
    "crm.action_update": ("Action updated", "Updated the action"),
}


MESSAGES = {
    "empty_minutes": "The minutes are empty: write them before approving.",
    "nothing_to_approve": "These minutes are already approved and have no changes to approve.",
    "note_needed": "Say what was done (or why the action was dropped) in the note.",
    "bad_status": "Choose a status from the list: open, done or dropped.",
    "personal_data": "Take out the personal data it holds; nothing was saved.",
    "not_a_member": "Only a member organisation's representative can do this, for their own organisation.",
    "where": "Choose a ward, or tick borough-wide (not both).",
    "level": "Choose a level: low, medium or high.",
    "empty": "Write what the concern is about.",
    "no_title": "Give the agenda item a title.",
    "no_next_meeting": "There is no meeting of the group scheduled yet, so an agenda item cannot be proposed. "
    "Try again once the next meeting is announced, or write to the Prevent team.",
}


class GovernanceError(Exception):
    """A governance rule refused the write; ``code`` says which (a key of ``MESSAGES``).

    ``detail``: the personal data found (a list), or messages by form field (a dict, as ``errors``).
    """

    def __init__(self, code: str, detail: list[str] | dict[str, list[str]] | None = None):
        self.code = code
        self.message = MESSAGES[code]
        self.errors = detail if isinstance(detail, dict) else {}
        self.detail = list(detail) if isinstance(detail, list) else [m for ms in self.errors.values() for m in ms]
        super().__init__(self.message)


def minutes_text(body: str) -> str:
    """The words of rich-text minutes, without tags or spacing (empty when nothing was written)."""
    return re.sub(r"\s+", " ", strip_tags(body or "").replace("&nbsp;", " ")).strip()


# --- Minutes: publishing is approving ---------------------------------------------------------


def minutes_draft(*, meeting: Meeting, body: str, by: User | None) -> MeetingMinutes:
    """Save ``body`` as a new draft of ``meeting``'s minutes (creating them the first time).

    Rule: approved minutes are locked. A draft is a new revision; the approved version stays
    live (what members see) until the draft is approved in turn (``minutes_approve``).
    """
    with transaction.atomic():
        minutes = MeetingMinutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is None:
            minutes = MeetingMinutes.objects.create(meeting=meeting, body=body, live=False)
        else:
            # Only the revision holds the new text: the row keeps the approved version.
            minutes.body = body
        revision = minutes.save_revision(user=by, log_action=True)
        audit_log("crm.minutes_draft", instance=minutes, user=by, data={"revision": revision.pk})
    return minutes


def minutes_correct(*, minutes: MeetingMinutes, body: str, by: User | None) -> MeetingMinutes:
    """A correction to approved minutes: a new draft (``minutes_draft``); the approved version stays live."""
    return minutes_draft(meeting=minutes.meeting, body=body, by=by)


def minutes_approve(*, minutes: MeetingMinutes, by: User | None) -> MeetingMinutes:
    """Approve the latest version of the minutes: publish their latest revision.

    Rule: only written minutes are approved (``empty_minutes``); approving what is already
    approved and unchanged is refused (``nothing_to_approve``). The approved version is what
    members see; every earlier version stays in the revisions, with who approved it and when.
    """
    with transaction.atomic():
        minutes = MeetingMinutes.objects.select_for_update().get(pk=minutes.pk)
        revision = minutes.latest_revision
        if revision is None:
            revision = minutes.save_revision(user=by)
        elif minutes.live and not minutes.has_unpublished_changes:
            raise GovernanceError("nothing_to_approve")
        if not minutes_text(revision.as_object().body):
            raise GovernanceError("empty_minutes")
        revision.publish(user=by, skip_permission_checks=True)
        minutes.refresh_from_db()
        audit_log(
            "crm.minutes_approve",
            instance=minutes,
            user=by,
            data={"revision": revision.pk, "meeting": str(minutes.meeting)},
        )
    return minutes


# --- Actions -----------------------------------------------------------------------------------


def action_update(*, action: MeetingAction, note: str, status: str, by: User | None) -> ActionUpdate:
    """Add an entry to the action's update log and move the action to ``status``.

    Rules: the status is open, done or dropped (``bad_status``); an action marked done or
    dropped says why in the note (``note_needed``); the note holds no personal data
    (``personal_data``: the one guard, ``crm.text.personal_data_check``).
    """
    note = clean_text(note or "", multiline=True).strip()
    if status not in ActionStatus.values:
        raise GovernanceError("bad_status")
    if status != ActionStatus.OPEN and not note:
        raise GovernanceError("note_needed")
    found = personal_data_check(note)
    if found:
        raise GovernanceError("personal_data", found)
    with transaction.atomic():
        action = MeetingAction.objects.select_for_update().get(pk=action.pk)
        before = action.status
        update = ActionUpdate.objects.create(action=action, note=note, status=status, by=by)
        action.status = status
        action.save(update_fields=["status", "updated_at"])
        audit_log(
            "crm.action_update",
            instance=action,
            user=by,
            changes={"status": [before, status]} if before != status else None,
            data={"note": note[:200]},
        )
    return update


# --- The weekly email of open actions ----------------------------------------------------------


def actions_weekly_send(*, now: dt.datetime | None = None) -> int:
    """Email each owner of open actions the list of them, once a week; returns how many emails went.

    Rule: one email per person per week (Monday to Sunday, London time), kept by the unique
    ``ActionDigest`` row written in the same transaction as the email is stored in the outbox,
    so a second run that week (or two at once) sends nothing more. Owners are the people who
    own open actions and, for an organisation's action, the organisation's representatives
    with an account on the meeting's group. Overdue actions come first, marked. Nobody with no
    open actions is written to; inactive accounts and accounts without an address are skipped.
    """
    from crm.models import User

    now = now or timezone.now()
    today = timezone.localdate(now)
    week = week_starting(today)
    owners = action_owners()
    already = set(ActionDigest.objects.filter(week_starting=week).values_list("user_id", flat=True))
    people = User.objects.filter(pk__in=set(owners) - already, is_active=True).exclude(email="").order_by("pk")
    sent = 0
    for person in people:
        try:
            with transaction.atomic():
                ActionDigest.objects.create(user=person, week_starting=week, sent_at=now)
                emails.action_digest(person=person, actions=overdue_first(owners[person.pk], today=today), today=today)
        except IntegrityError:
            continue  # another run sent this week's email first
        sent += 1
    return sent


# The audit-log actions of members' writes (Reports → Site history).
GOVERNANCE_PUBLIC_ACTIONS = {
    "crm.concern_submit": ("Concern submitted", "A PAG member submitted a community concern"),
    "crm.agenda_item_propose": ("Agenda item proposed", "A PAG member proposed an agenda item"),
}


# --- PAG members' own writes -----------------------------------------------------------------


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
