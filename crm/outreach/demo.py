"""A year of demo outreach across the borough's wards (idempotent): some wards much busier, for the hot-spot grid."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from crm import roles
from crm.models import Organisation, User, Ward

from .models import ContactType, OutreachActivity, OutreachTag, OutreachVisit
from .services import outreach_visit_log

OFFICER_EMAIL = "outreach.officer@demo.example"
TEAM_EMAIL = "team.admin@demo.example"
VISITS = 240
DEMO_NAMESPACE = uuid.UUID("0b7f8c1e-2d4a-4e8b-9a61-5d3c7e9f1a24")
TAGS = ("Online harms", "Far-right extremism", "Islamist extremism", "Hate crime", "Youth", "Women's groups")
# How busy each ward is (others 1): the north of the borough, where the team's work concentrates.
WARD_WEIGHTS = {
    "White City": 9,
    "Shepherd's Bush Green": 7,
    "College Park and Old Oak": 6,
    "Wormholt": 5,
    "Hammersmith Broadway": 4,
    "Fulham Reach": 3,
    "Sands End": 2,
    "Munster": 2,
}
VENUES = ("North End Road market", "Shepherd's Bush Green", "Lyric Square", "Westfield, community stand", "Library")
PARTNERS = ("", "", "Police", "Youth service", "Police, Youth service", "Community safety team", "NHS trust")
OUTCOMES = (
    "",
    "Leaflets on the referral pathway given out",
    "Staff asked for a WRAP session",
    "Interest in the Faith Forum",
    "Agreed a school assembly next term",
    "Signposted to online safety resources",
)
NOTES = ("", "", "Busy afternoon", "Good questions about online radicalisation", "Held in the main hall", "Rain: quiet")


def seed() -> dict[str, int]:
    officer = User.objects.filter(email=OFFICER_EMAIL).first()
    team = User.objects.filter(email=TEAM_EMAIL).first()
    if officer is None or not roles.has_role(officer, roles.OUTREACH_OFFICER):
        return {"outreach visits": OutreachVisit.objects.count()}
    tags = [OutreachTag.objects.get_or_create(name=name)[0] for name in TAGS]
    wards = list(Ward.objects.all())
    if not wards:
        return {"outreach visits": OutreachVisit.objects.count()}
    organisations_by_ward: dict[int, list[Organisation]] = {}
    for organisation in Organisation.objects.filter(is_active=True, ward__isnull=False):
        organisations_by_ward.setdefault(organisation.ward_id, []).append(organisation)
    weights = [WARD_WEIGHTS.get(ward.name, 1) for ward in wards]
    chance = random.Random(11)
    now = timezone.now()
    today = timezone.localdate()
    other_types = [ContactType.PHONE, ContactType.ONLINE, ContactType.EMAIL, ContactType.EVENT]
    for number in range(VISITS):
        ward = chance.choices(wards, weights)[0]
        face_to_face = chance.random() < 0.6
        contact_type = ContactType.FACE_TO_FACE if face_to_face else chance.choice(other_types)
        organisations = organisations_by_ward.get(ward.pk, [])
        organisation = chance.choice(organisations) if organisations and chance.random() < 0.6 else None
        if organisation is None:
            activity = chance.choice([OutreachActivity.COMMUNITY_STALL, OutreachActivity.OTHER])
        elif organisation.organisation_type == "school":
            activity = chance.choice([OutreachActivity.ASSEMBLY, OutreachActivity.TRAINING_PROMOTION])
        elif organisation.organisation_type == "faith":
            activity = OutreachActivity.FAITH_SETTING
        else:
            activity = chance.choice([OutreachActivity.PARTNERSHIP_MEETING, OutreachActivity.TRAINING_PROMOTION])
        days_ago = chance.randint(1, 364)
        visited_at = (now - dt.timedelta(days=days_ago)).replace(
            hour=chance.choice([9, 10, 11, 13, 14, 15, 18]), minute=chance.choice([0, 15, 30, 45])
        )
        visited_at = min(visited_at, now - dt.timedelta(hours=2))
        follow_up_on = None
        if number % 16 == 0:
            follow_up_on = today + dt.timedelta(days=chance.randint(-5, 12))
        people = chance.randint(80, 400) if activity == OutreachActivity.ASSEMBLY else chance.randint(2, 60)
        visit, created = outreach_visit_log(
            officer=officer if (team is None or number % 5) else team,
            uuid=uuid.uuid5(DEMO_NAMESPACE, str(number)),
            visited_at=visited_at,
            ward=ward,
            organisation=organisation,
            venue="" if organisation else chance.choice(VENUES),
            contact_type=contact_type,
            activity=activity,
            people_engaged=people,
            partner_agencies=chance.choice(PARTNERS),
            outcome=chance.choice(OUTCOMES),
            follow_up_on=follow_up_on,
            notes=chance.choice(NOTES),
            tags=chance.sample(tags, chance.randint(0, 2)),
        )
        if created:
            # Logged on the day (so the 30-day edit window reads true), except this week's follow-ups.
            logged_at = visited_at if follow_up_on is None else now - dt.timedelta(days=1)
            OutreachVisit.objects.filter(pk=visit.pk).update(created_at=logged_at, updated_at=logged_at)
    return {"outreach visits": OutreachVisit.objects.count(), "outreach tags": OutreachTag.objects.count()}
