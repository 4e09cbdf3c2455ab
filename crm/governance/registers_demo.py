"""Demo registers (idempotent): ~10 delivery risks reviewed at four quarterly steering group meetings, and the
2018 peer review's recommendations with their actions.

The Prevent Steering Group series is found by its slug ``psg`` (or its name), else made. Its
meetings are on the 10th of February, May, August and November, 10:00–12:00 London time: the four
most recent on or before today. A PSG meeting already within ``SAME_MEETING_DAYS`` of one of those
dates (made by the meetings' demo) is used instead, so either demo may run first.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from crm.models import Meeting, MeetingSeries, User

from .registers import ActionProgress, Priority, Recommendation, RecommendationAction, Risk, RiskCategory, RiskReview
from .registers_services import risk_review

TEAM_EMAIL = "team.admin@demo.example"
PSG_SLUG = "psg"
PSG_NAME = "Prevent Steering Group"
PSG_MONTHS = (2, 5, 8, 11)
PSG_DAY = 10
SAME_MEETING_DAYS = 20
PEER_REVIEW = "Home Office peer review, November 2018"

# title, category, description, owner (post), controls, target, scores (initial, then at each of the four
# meetings, oldest first; None: not reviewed at that meeting).
RISKS = [
    (
        "Staff turnover in the Prevent team",
        RiskCategory.WORKFORCE,
        "Two of the team's four posts are fixed-term; leavers take local knowledge and partner contacts with them.",
        "Prevent Coordinator",
        "Handover notes for every partner; posts made permanent in the budget bid; shared inbox and CRM.",
        6,
        [(4, 4), (4, 4), (3, 4), (3, 4), (3, 3)],
    ),
    (
        "Low take-up of Member training",
        RiskCategory.COMPLIANCE,
        "Elected Members not trained on the duty cannot scrutinise it; take-up has been uneven.",
        "Head of Community Safety",
        "Briefings at group meetings; training made mandatory by the Standards Committee; figures to scrutiny.",
        4,
        [(4, 3), (4, 3), (3, 3), (3, 3), (2, 3)],
    ),
    (
        "Schools not booking WRAP or education briefings",
        RiskCategory.DELIVERY,
        "Some schools have not had a briefing in two years, so staff may not recognise concerns.",
        "Prevent Education Officer",
        "Termly offer to every DSL; coverage report by school; DSL network slot each term.",
        6,
        [(3, 4), (3, 4), (3, 4), (2, 4), (2, 4)],
    ),
    (
        "Delays in partner data sharing",
        RiskCategory.PARTNERSHIP,
        "Partners slow to share training and outreach figures, so quarterly returns are late or incomplete.",
        "Prevent Coordinator",
        "Information-sharing agreement refreshed; named contact at each partner; return deadlines in the calendar.",
        6,
        [(3, 3), (3, 3), (4, 3), (3, 3), (3, 3)],
    ),
    (
        "Uncertainty over Home Office funding",
        RiskCategory.FUNDING,
        "The grant is confirmed a year at a time and late; posts and commissioned projects depend on it.",
        "Head of Community Safety",
        "Exit plans for commissioned projects; core posts in the base budget bid; early talks with the Home Office.",
        8,
        [(4, 5), (4, 5), (4, 5), (3, 5), (3, 5)],
    ),
    (
        "Community mistrust of Prevent",
        RiskCategory.REPUTATION,
        "Parts of the community see Prevent as surveillance, which keeps people from engaging or asking for help.",
        "Prevent Community Engagement Officer",
        "Advisory Group scrutiny; open sessions with faith organisations; plain-language leaflets; published figures.",
        8,
        [(4, 4), (4, 4), (4, 4), (3, 4), (3, 4)],
    ),
    (
        "Venues not accessible for training",
        RiskCategory.DELIVERY,
        "Some community venues used for WRAP have no step-free access or hearing loop.",
        "Prevent Training Officer",
        "Access checklist for every venue; the Town Hall's accessible rooms booked first; online sessions offered.",
        3,
        [(3, 2), (3, 2), (2, 2), None, None],
    ),
    (
        "Online training platform failure",
        RiskCategory.TECHNOLOGY,
        "If the booking and e-learning site is down, sessions cannot be booked or registers taken.",
        "Prevent Coordinator",
        "Printable registers as a fallback; daily backups; outbox retries emails; supplier support contract.",
        4,
        [(2, 4), (2, 4), (2, 4), (2, 3), (2, 3)],
    ),
    (
        "Partners not attending the steering group",
        RiskCategory.PARTNERSHIP,
        "Police, health and education not represented at every meeting, so actions stall.",
        "Chair of the Prevent Steering Group",
        "Terms of reference with named deputies; attendance reported to the Community Safety Partnership.",
        4,
        [(3, 3), (3, 3), (2, 3), (2, 3), (2, 2)],
    ),
    (
        "Referral pathway not understood by frontline staff",
        RiskCategory.COMPLIANCE,
        "Staff unsure how to raise a concern may not act, or may go outside the safeguarding route.",
        "Prevent Training Officer",
        "Pathway in every WRAP session and on the intranet; quarterly reminder through the safeguarding boards.",
        5,
        [(3, 4), (3, 4), (3, 3), (3, 3), (2, 3)],
    ),
]

NOTES = {
    "down": ("Controls working: the steering group agreed a lower score.", "Score down: see the controls."),
    "up": ("Score up: the steering group asked for more controls.", "Higher this quarter: an action in the minutes."),
    "same": ("No change this quarter; controls in place.", "Steering group agreed the score is unchanged."),
}


def _note(before: tuple[int, int], after: tuple[int, int], number: int) -> str:
    change = after[0] * after[1] - before[0] * before[1]
    kind = "down" if change < 0 else "up" if change > 0 else "same"
    return NOTES[kind][number % 2]


# reference, priority, text, actions: (description, owner, due (date or days from today), status, evidence url, note)
RECOMMENDATIONS = [
    (
        "R1",
        Priority.HIGH,
        "Strengthen elected-Member engagement: make Prevent training available to all Members and "
        "encourage take-up, so Members understand the duty and can champion it.",
        [
            (
                "Member briefing on the Prevent duty at each political group",
                "Head of Community Safety",
                dt.date(2019, 3, 31),
                ActionProgress.DONE,
                "https://democracy.example.gov.uk/documents/member-briefing-prevent-2019.pdf",
                "Briefings held for both groups; 12 Members attended the first session.",
            ),
            (
                "Make Member training mandatory through the Standards Committee",
                "Monitoring Officer",
                dt.date(2019, 9, 30),
                ActionProgress.DONE,
                "https://democracy.example.gov.uk/meetings/standards-committee-2019-07",
                "",
            ),
            (
                "Report Member training take-up to the steering group each quarter",
                "Prevent Coordinator",
                60,
                ActionProgress.IN_PROGRESS,
                "",
                "",
            ),
        ],
    ),
    (
        "R2",
        Priority.HIGH,
        "Establish regular scrutiny of Prevent delivery by the council's Overview and Scrutiny Committee.",
        [
            (
                "Annual Prevent report to Overview and Scrutiny",
                "Head of Community Safety",
                dt.date(2019, 11, 30),
                ActionProgress.DONE,
                "https://democracy.example.gov.uk/meetings/overview-scrutiny-2019-11",
                "First annual report presented and published.",
            ),
            (
                "Add Prevent to the scrutiny work programme every year",
                "Scrutiny Officer",
                -30,
                ActionProgress.IN_PROGRESS,
                "",
                "",
            ),
        ],
    ),
    (
        "R3",
        Priority.MEDIUM,
        "Report Prevent to the partnership boards: the Community Safety Partnership and the safeguarding "
        "adults and children's boards.",
        [
            (
                "Prevent a standing item at the Community Safety Partnership",
                "Prevent Coordinator",
                dt.date(2019, 6, 30),
                ActionProgress.DONE,
                "",
                "Standing item since June 2019 (CSP minutes).",
            ),
            (
                "Annual report to the safeguarding adults and children's boards",
                "Prevent Coordinator",
                dt.date(2020, 3, 31),
                ActionProgress.DONE,
                "https://www.example.gov.uk/safeguarding-boards/annual-report",
                "",
            ),
        ],
    ),
    (
        "R4",
        Priority.MEDIUM,
        "Mainstream Prevent across council services: commissioning, HR, housing, libraries and youth services.",
        [
            (
                "Prevent clause in commissioning contracts",
                "Head of Procurement",
                dt.date(2020, 6, 30),
                ActionProgress.DONE,
                "",
                "Standard clause adopted in the contract templates.",
            ),
            (
                "WRAP for every frontline service's new starters",
                "Prevent Training Officer",
                120,
                ActionProgress.IN_PROGRESS,
                "",
                "",
            ),
            (
                "Prevent in the libraries' room-booking policy",
                "Head of Libraries",
                90,
                ActionProgress.NOT_STARTED,
                "",
                "",
            ),
        ],
    ),
    (
        "R5",
        Priority.HIGH,
        "Formalise governance through a Prevent Steering Group that reviews the risk registers and the action plan.",
        [
            (
                "Set up the Prevent Steering Group with terms of reference",
                "Head of Community Safety",
                dt.date(2019, 4, 30),
                ActionProgress.DONE,
                "https://democracy.example.gov.uk/documents/psg-terms-of-reference.pdf",
                "",
            ),
            (
                "Quarterly review of the programme risk register at the steering group",
                "Chair of the Prevent Steering Group",
                dt.date(2019, 7, 31),
                ActionProgress.DONE,
                "",
                "Risk register reviewed at every quarterly meeting since July 2019.",
            ),
        ],
    ),
]


def _london() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def psg_meeting_dates(today: dt.date) -> list[dt.date]:
    """The four most recent steering group dates on or before ``today`` (the 10th of Feb, May, Aug, Nov), oldest first."""
    dates = []
    year = today.year
    while len(dates) < 4:
        for month in reversed(PSG_MONTHS):
            day = dt.date(year, month, PSG_DAY)
            if day <= today and len(dates) < 4:
                dates.append(day)
        year -= 1
    return sorted(dates)


def psg_series() -> MeetingSeries:
    series = MeetingSeries.objects.filter(slug=PSG_SLUG).first() or MeetingSeries.objects.filter(name=PSG_NAME).first()
    if series is None:
        series = MeetingSeries.objects.create(
            name=PSG_NAME,
            slug=PSG_SLUG,
            kind="psg",
            chair="Head of Community Safety",
            description="The council's governance board for Prevent: reviews the risk registers every quarter.",
        )
    return series


def psg_meeting(series: MeetingSeries, day: dt.date) -> Meeting:
    """The series' meeting on or near ``day`` (within ``SAME_MEETING_DAYS``), else a new one at 10:00 that day."""
    window = dt.timedelta(days=SAME_MEETING_DAYS)
    nearby = list(
        series.meetings.filter(
            starts_at__date__gte=day - window,
            starts_at__date__lte=min(day + window, timezone.localdate()),
        )
    )
    if nearby:
        return min(nearby, key=lambda meeting: abs((timezone.localdate(meeting.starts_at) - day).days))
    starts = dt.datetime.combine(day, dt.time(10), tzinfo=_london())
    return Meeting.objects.create(
        series=series, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall, Committee Room 2"
    )


def _due(value, today: dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else today + dt.timedelta(days=value)


def seed() -> dict[str, int]:
    team = User.objects.filter(email=TEAM_EMAIL).first()
    today = timezone.localdate()
    series = psg_series()
    # The steering group's own quarterly meetings when the governance demo has made them; else four of ours.
    held = list(series.meetings.filter(starts_at__date__lte=today).order_by("-starts_at")[:4])
    meetings = held[::-1] if len(held) == 4 else [psg_meeting(series, day) for day in psg_meeting_dates(today)]
    first_meeting_day = timezone.localdate(meetings[0].starts_at)
    for number, (title, category, description, owner, controls, target, scores) in enumerate(RISKS):
        if Risk.objects.filter(title=title).exists():
            continue
        (likelihood, impact), *reviews = scores
        risk = Risk.objects.create(
            title=title,
            category=category,
            description=description,
            likelihood=likelihood,
            impact=impact,
            target_score=target,
            owner=team if number == 0 else None,
            owner_name="" if number == 0 else owner,
            controls=controls,
            opened_on=first_meeting_day - dt.timedelta(days=30 + 7 * number),
        )
        before = (likelihood, impact)
        for meeting, review in zip(meetings, reviews, strict=True):
            if review is None:
                continue
            risk_review(
                risk=risk,
                likelihood=review[0],
                impact=review[1],
                note=_note(before, review, number),
                meeting=meeting,
                by=team,
            )
            before = review
    for reference, priority, text, actions in RECOMMENDATIONS:
        recommendation, created = Recommendation.objects.get_or_create(
            source=PEER_REVIEW, reference=reference, defaults={"priority": priority, "text": text}
        )
        if not created:
            continue
        for order, (description, owner, due, status, url, note) in enumerate(actions):
            RecommendationAction.objects.create(
                recommendation=recommendation,
                sort_order=order,
                description=description,
                owner=owner,
                due_on=_due(due, today),
                status=status,
                evidence_url=url,
                evidence_note=note,
                completed_on=_due(due, today) if status == ActionProgress.DONE else None,
            )
    return {
        "programme risks": Risk.objects.count(),
        "risk reviews": RiskReview.objects.count(),
        "peer-review recommendations": Recommendation.objects.count(),
    }
