"""Demo governance (idempotent): the PAG's year of monthly meetings, the PSG's quarters, a partnership board.

PAG meetings have attendance, an agenda, approved minutes (the latest past meeting's are still a
draft), community concerns (themes and places, never people) and actions (some open, some
overdue, some done with their update log). The PSG meets quarterly with approved minutes; the
Community Safety Partnership is a board the team sits on. Made once: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crm import roles
from crm.models import Organisation, User, Ward

from .models import (
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    AttendanceStatus,
    CommunityConcern,
    ConcernLevel,
    ConcernTheme,
    Meeting,
    MeetingAction,
    MeetingAttendance,
    MeetingSeries,
    SeriesKind,
    SeriesMember,
)
from .services import minutes_approve, minutes_draft

TEAM_EMAIL = "team.admin@demo.example"
OFFICER_EMAIL = "outreach.officer@demo.example"
PAG_MEMBER_EMAIL = "pag.member@demo.example"
PAG_REPRESENTED = "Women's Voices West London"  # the demo PAG member's organisation
THEMES = (
    "Online radicalisation",
    "Far-right activity",
    "Community tensions",
    "Hate incidents",
    "Reaction to an international event",
)
# The PAG's member organisations (from crm.demo) and who represents each, as minuted.
PAG_MEMBERS = (
    ("Women's Voices West London", "Grace Mensah", "Vice-chair"),
    ("White City Community Centre", "Daniel Okoye", "Chair"),
    ("Grove Neighbourhood Centre", "Priya Shah", "Member"),
    ("Fulham Reach Youth Club", "Tom Gallagher", "Member"),
    ("Somali Families Support Network", "Amina Warsame", "Member"),
    ("Shepherd's Bush Mosque", "Yusuf Ali", "Member"),
    ("St Paul's Church Hammersmith", "Revd Clare Hughes", "Member"),
    ("West London Gurdwara", "Harjit Singh", "Member"),
)
PARTNERS = (
    "Metropolitan Police, Hammersmith",
    "Children's Services",
    "Housing Services",
    "Central London Community Healthcare NHS Trust",
)
AGENDA = (
    ("Welcome, apologies and the minutes of the last meeting", ""),
    ("Prevent delivery update", "Training delivered, outreach and the next quarter's plan, from the Prevent team."),
    ("Community concerns and tensions", "Members raise concerns about places and themes in their communities."),
)
TOPICS = (
    "Online safety sessions for parents",
    "The summer youth programme",
    "Faith Forum: progress report",
    "Prevent referral pathway: what happens after a referral (in general)",
    "Hate crime reporting centres",
    "Elected Member training",
)
CONCERNS = {
    "Online radicalisation": (
        "Young people in the area are sharing extremist videos from gaming chat groups.",
        "Parents at the youth club asked for help with harmful content on social media.",
    ),
    "Far-right activity": (
        "Stickers with far-right slogans have appeared on lamp posts near the station.",
        "Leaflets from a far-right group were pushed through doors on several estates.",
    ),
    "Community tensions": (
        "Tension between groups of young people around the shopping centre after dark.",
        "Disagreement over the use of the community hall has divided local groups.",
    ),
    "Hate incidents": (
        "Members report more verbal abuse at bus stops, aimed at women wearing headscarves.",
        "Graffiti targeting a place of worship was reported and removed.",
    ),
    "Reaction to an international event": (
        "Strong feelings locally about the conflict abroad; a vigil is planned in the park.",
        "Young people ask how to talk about events overseas without being judged.",
    ),
}
RESPONSES = (
    "The team will raise it with the ward panel and the police neighbourhood team.",
    "Outreach officer to visit the area and offer a session; update at the next meeting.",
    "Shared with the Community Safety Partnership; the council's cleansing team removed the material.",
    "",
)
ACTIONS = (
    "Circulate the online safety leaflet to member organisations",
    "Arrange a WRAP session for the youth club's volunteers",
    "Report back on the hate crime reporting centres",
    "Invite the neighbourhood policing team to the next meeting",
    "Share the training figures for the quarter",
    "Find a venue for a community event on tackling hate",
)


def _london() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _month(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=_london())


def _series(slug: str, **fields) -> tuple[MeetingSeries, bool]:
    return MeetingSeries.objects.get_or_create(slug=slug, defaults=fields)


def _members(series: MeetingSeries, rows) -> None:
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=[row[0] for row in rows])}
    pag_member = User.objects.filter(email=PAG_MEMBER_EMAIL).first()
    SeriesMember.objects.bulk_create(
        [
            SeriesMember(
                series=series,
                organisation=organisations[name],
                representative=pag_member if (series.kind == SeriesKind.PAG and name == PAG_REPRESENTED) else None,
                role=role,
                sort_order=number,
            )
            for number, (name, _person, role) in enumerate(rows)
            if name in organisations
        ]
    )


def _meetings(series: MeetingSeries, starts: list[dt.datetime], venue: str) -> list[Meeting]:
    return Meeting.objects.bulk_create(
        [Meeting(series=series, starts_at=when, ends_at=when + dt.timedelta(hours=2), venue=venue) for when in starts]
    )


def seed() -> dict[str, int]:
    team = User.objects.filter(email=TEAM_EMAIL).first()
    if team is None or not roles.has_role(team, roles.PREVENT_ADMIN):
        return {"meetings": Meeting.objects.count()}
    with transaction.atomic():
        _seed(team)
    return {
        "meeting series": MeetingSeries.objects.count(),
        "meetings": Meeting.objects.count(),
        "community concerns": CommunityConcern.objects.count(),
        "meeting actions": MeetingAction.objects.count(),
    }


def _seed(team: User) -> None:
    chance = random.Random(13)
    now = timezone.now()
    today = timezone.localdate()
    officer = User.objects.filter(email=OFFICER_EMAIL).first() or team
    themes = [ConcernTheme.objects.get_or_create(name=name)[0] for name in THEMES]

    pag, made = _series(
        "pag",
        name="Prevent Advisory Group",
        kind=SeriesKind.PAG,
        chair="Chair elected by the members",
        members_role=roles.PAG_MEMBER,
        description="Community organisations that scrutinise local Prevent delivery and meet monthly to identify "
        "areas of risk and community concerns.",
    )
    if made:
        _members(pag, PAG_MEMBERS)
        _pag_year(pag, team=team, officer=officer, themes=themes, chance=chance, now=now, today=today)

    psg, made = _series(
        "psg",
        name="Prevent Steering Group",
        kind=SeriesKind.PSG,
        chair="Director of Community Safety",
        description="The council's governance board for Prevent: reviews the risk registers every quarter.",
    )
    if made:
        _members(psg, [(name, "", "Member") for name in PARTNERS])
        quarter_start = _month(today.replace(day=1), -((today.month - 1) % 3))
        # The last four quarterly meetings held (the 15th of a quarter's first month), this quarter's once past.
        latest = 0 if quarter_start + dt.timedelta(days=14) <= today else 1
        starts = [
            _at(_month(quarter_start, -3 * back) + dt.timedelta(days=14), 10)
            for back in range(latest + 3, latest - 1, -1)
        ]
        for meeting in _meetings(psg, starts, "Hammersmith Town Hall, Committee Room 2"):
            _agenda(meeting, [("Programme risk register: quarterly review", ""), ("Delivery against the plan", "")])
            _attend(meeting, [(name, "", "") for name in PARTNERS], chance)
            _minutes(meeting, team, approve=True)

    board, made = _series(
        "community-safety-partnership",
        name="Community Safety Partnership",
        kind=SeriesKind.BOARD,
        chair="Cabinet Member for Community Safety",
        description="The borough's partnership board for crime and community safety; the team reports on Prevent.",
    )
    if made:
        _members(board, [(name, "", "Partner") for name in PARTNERS])
        upcoming = _at(_month(today.replace(day=1), 1) + dt.timedelta(days=20), 14)
        _meetings(board, [upcoming], "Hammersmith Town Hall, Committee Room 1")


def _pag_year(pag, *, team, officer, themes, chance, now, today) -> None:
    """Twelve monthly meetings before today and the next one, on the second Tuesday at 6pm."""
    first = today.replace(day=1)
    candidates = []
    for months in range(-13, 3):
        month = _month(first, months)
        tuesday = month + dt.timedelta(days=(1 - month.weekday()) % 7 + 7)
        candidates.append(_at(tuesday, 18))
    past = [when for when in candidates if when < now][-12:]
    upcoming = next(when for when in candidates if when >= now)
    meetings = _meetings(pag, [*past, upcoming], "White City Community Centre, Main Hall")
    *held, next_meeting = meetings
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=[row[0] for row in PAG_MEMBERS])}
    wards = list(Ward.objects.order_by("name"))
    represented = organisations.get(PAG_REPRESENTED)
    action_rows, concern_rows = [], []
    for number, meeting in enumerate(meetings):
        _agenda(meeting, [*AGENDA, (TOPICS[number % len(TOPICS)], ""), ("Any other business", "")])
    for number, meeting in enumerate(held):
        _attend(meeting, PAG_MEMBERS, chance, organisations=organisations)
        _minutes(meeting, team, approve=meeting is not held[-1])
        held_on = timezone.localtime(meeting.starts_at).date()
        for concern in range(3):
            theme = themes[(number + concern) % len(themes)]
            ward = chance.choice(wards) if wards and chance.random() < 0.8 else None
            raised_by = list(organisations.values())[(number * 3 + concern) % len(organisations)]
            concern_rows.append(
                CommunityConcern(
                    series=pag,
                    meeting=meeting,
                    raised_on=held_on,
                    theme=theme,
                    ward=ward,
                    borough_wide=ward is None,
                    level=chance.choice(
                        [ConcernLevel.LOW, ConcernLevel.MEDIUM, ConcernLevel.MEDIUM, ConcernLevel.HIGH]
                    ),
                    raised_by=raised_by,
                    description=chance.choice(CONCERNS[theme.name]),
                    response=chance.choice(RESPONSES) if number < len(held) - 1 else "",
                )
            )
        for slot in range(2):
            owner, owner_organisation = (team, None) if slot == 0 else (None, represented)
            if slot == 1 and (represented is None or number % 2):
                owner, owner_organisation = officer, None
            action_rows.append(
                MeetingAction(
                    meeting=meeting,
                    description=ACTIONS[(number * 2 + slot) % len(ACTIONS)],
                    owner=owner,
                    owner_organisation=owner_organisation,
                    due_on=held_on + dt.timedelta(days=28),
                )
            )
    CommunityConcern.objects.bulk_create(concern_rows)
    actions = MeetingAction.objects.bulk_create(action_rows)
    _action_history(actions, team=team, today=today)


def _action_history(actions: list[MeetingAction], *, team, today) -> None:
    """Older actions are done (or one dropped) with their updates; a few are left open and overdue."""
    updates = []
    for number, action in enumerate(actions):
        meeting_day = action.due_on - dt.timedelta(days=28)
        if action.due_on >= today:
            if number % 2:
                updates.append(
                    ActionUpdate(
                        action=action,
                        note="Started: first contacts made.",
                        status=ActionStatus.OPEN,
                        by=team,
                        at=_at(meeting_day + dt.timedelta(days=7), 10),
                    )
                )
            continue
        if number % 5 == 3:  # left open past its due date: overdue
            continue
        status = ActionStatus.DROPPED if number % 9 == 4 else ActionStatus.DONE
        note = "No longer needed: covered by the partnership's own plan." if status == ActionStatus.DROPPED else "Done."
        updates += [
            ActionUpdate(
                action=action,
                note="In hand; an update at the next meeting.",
                status=ActionStatus.OPEN,
                by=team,
                at=_at(meeting_day + dt.timedelta(days=10), 10),
            ),
            ActionUpdate(action=action, note=note, status=status, by=team, at=_at(action.due_on, 11)),
        ]
        action.status = status
    ActionUpdate.objects.bulk_create(updates)
    MeetingAction.objects.bulk_update(actions, ["status"])


def _agenda(meeting: Meeting, items) -> None:
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, title=title, description=description, sort_order=number)
            for number, (title, description) in enumerate(items)
        ]
    )


def _attend(meeting: Meeting, rows, chance, organisations=None) -> None:
    organisations = organisations or {
        org.name: org for org in Organisation.objects.filter(name__in=[row[0] for row in rows])
    }
    MeetingAttendance.objects.bulk_create(
        [
            MeetingAttendance(
                meeting=meeting,
                organisation=organisations[name],
                representative=person,
                status=AttendanceStatus.APOLOGIES if chance.random() < 0.2 else AttendanceStatus.PRESENT,
                sort_order=number,
            )
            for number, (name, person, _role) in enumerate(rows)
            if name in organisations
        ]
    )


def _minutes(meeting: Meeting, team: User, *, approve: bool) -> None:
    body = (
        "<h3>Present and apologies</h3><p>As recorded in the attendance.</p>"
        "<h3>Prevent delivery update</h3><p>The team reported the training delivered and the outreach "
        "undertaken since the last meeting, and the plan for the coming month.</p>"
        "<h3>Community concerns</h3><p>Members raised the concerns recorded for this meeting; the team "
        "agreed the responses noted against each.</p>"
        "<h3>Actions</h3><p>As recorded in the action log.</p>"
    )
    minutes = minutes_draft(meeting=meeting, body=body, by=team)
    if approve:
        minutes_approve(minutes=minutes, by=team)
