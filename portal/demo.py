"""Demo people, pages and settings for the portal (idempotent: safe to run twice)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from crm import roles
from crm.models import MemberSide, OrganisationType, User
from crm.services import member_details_update, role_assign
from events.models import Attendance, AttendanceMethod, ReportingCategory, TrainingSession

from .models import HomePage, StandardPage, TeamContactSettings

DEMO_PASSWORD = "prevent-demo-2026"
# The demo staff's authenticator app (two-factor authentication is required for the roles that reach
# people's records). Published in the README, so only ever given to demo accounts: add it to an
# authenticator app as a setup key, or run `manage.py demo_code` for the code it shows now.
DEMO_TOTP_SECRET = "PREVENTDEMOSTAFFAPPKEYFORDEMOSXY"

# (email, first, last, organisation, organisation type, job role, roles)
DEMO_PEOPLE = (
    (
        "team.admin@demo.example",
        "Amira",
        "Hassan",
        "Hammersmith & Fulham Council",
        OrganisationType.COUNCIL,
        "Prevent Coordinator",
        (roles.PREVENT_ADMIN,),
    ),
    (
        "outreach.officer@demo.example",
        "Daniel",
        "Okafor",
        "Hammersmith & Fulham Council",
        OrganisationType.COUNCIL,
        "Prevent Community Engagement Officer",
        (roles.OUTREACH_OFFICER,),
    ),
    (
        "trainer@demo.example",
        "Helen",
        "Price",
        "Hammersmith & Fulham Council",
        OrganisationType.COUNCIL,
        "Prevent Education Officer",
        (roles.TRAINER,),
    ),
    (
        "learner@demo.example",
        "Sam",
        "Taylor",
        "Hammersmith & Fulham Council",
        OrganisationType.COUNCIL,
        "Housing officer",
        (roles.LEARNER,),
    ),
    (
        "school.dsl@demo.example",
        "Priya",
        "Shah",
        "Brook Green Primary School",
        OrganisationType.SCHOOL,
        "Designated Safeguarding Lead",
        (roles.LEARNER,),
    ),
    (
        "councillor@demo.example",
        "Robert",
        "Ellis",
        "Hammersmith & Fulham Council",
        OrganisationType.ELECTED_MEMBER,
        "Councillor, Addison ward",
        (roles.ELECTED_MEMBER,),
    ),
    (
        "faith.forum@demo.example",
        "Yusuf",
        "Ali",
        "Shepherd's Bush Mosque",
        OrganisationType.FAITH,
        "Trustee",
        (roles.FAITH_FORUM_MEMBER,),
    ),
    (
        "pag.member@demo.example",
        "Grace",
        "Mensah",
        "Women's Voices West London",
        OrganisationType.COMMUNITY,
        "Director",
        (roles.PAG_MEMBER,),
    ),
)

HOME_BODY = [
    ("heading", {"text": "Prevent awareness training", "level": "h2"}),
    (
        "paragraph",
        "<p>The council's Prevent team trains council staff, partners and schools to recognise when "
        "someone may be drawn into terrorism and what to do about it. Our main course is the Home "
        "Office's Workshop to Raise Awareness of Prevent (WRAP), a face-to-face session of about two hours.</p>",
    ),
    ("heading", {"text": "Working with communities", "level": "h2"}),
    (
        "paragraph",
        "<p>We work with the borough's faith groups, community organisations and schools through the "
        "Faith Forum and the Prevent Advisory Group, which meets monthly to scrutinise local delivery "
        "and raise community concerns.</p>",
    ),
]

# The Faith Forum's pages are its own (faith_forum.demo: the forum page and its members' area).
MEMBER_AREAS = (
    (
        "advisory-group",
        "Prevent Advisory Group",
        "Papers and dates for members of the Prevent Advisory Group.",
        roles.PAG_MEMBER,
    ),
)


def _person(email, first, last, organisation, organisation_type, job_role, role_list) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "username": email.split("@")[0],
            "first_name": first,
            "last_name": last,
            "organisation_name": organisation,
            "organisation_type": organisation_type,
            "job_role": job_role,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    for role in role_list:
        role_assign(user=user, role=role)
    if roles.reaches_records(User.objects.get(pk=user.pk)):
        _demo_authenticator(user)
    return user


def _demo_authenticator(user: User) -> None:
    """The demo authenticator app (DEMO_TOTP_SECRET) and a set of recovery codes, as setting it up makes."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


def _child_page(parent, model, slug, **fields):
    page = parent.get_children().filter(slug=slug).specific().first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


@transaction.atomic
def seed() -> dict[str, int]:
    people = {row[0]: _person(*row) for row in DEMO_PEOPLE}
    member_details_update(
        actor=people["team.admin@demo.example"],
        user=people["councillor@demo.example"],
        political_group="Labour",
        member_side=MemberSide.ADMINISTRATION,
        is_cabinet_member=True,
    )

    site = Site.objects.get(is_default_site=True)
    home = HomePage.objects.get(pk=site.root_page_id)
    if not home.body:
        home.body = HOME_BODY
        home.save_revision().publish()

    _child_page(
        home,
        StandardPage,
        "about-prevent",
        title="About the Prevent duty",
        show_in_menus=True,
        introduction="What the Prevent duty asks of councils, schools and partners.",
        body=[
            (
                "paragraph",
                "<p>Since 2015 councils must have due regard to the need to prevent people from "
                "being drawn into terrorism (Counter-Terrorism and Security Act 2015, section 26).</p>",
            )
        ],
    )
    _child_page(
        home,
        StandardPage,
        "privacy",
        title="Privacy notice",
        introduction="How we use the details you give us when you book training or join a forum.",
        body=[
            (
                "paragraph",
                "<p>We record your name, work email, organisation and job role to manage your "
                "bookings and report how many people we have trained. We never record anything "
                "about individuals referred to Prevent.</p>",
            )
        ],
    )
    for slug, title, intro, role in MEMBER_AREAS:
        page = _child_page(home, StandardPage, slug, title=title, introduction=intro, show_in_menus=True)
        restriction, _ = PageViewRestriction.objects.get_or_create(
            page=page, defaults={"restriction_type": PageViewRestriction.GROUPS}
        )
        restriction.groups.add(Group.objects.get(name=role), Group.objects.get(name=roles.PREVENT_ADMIN))

    contact = TeamContactSettings.for_site(site)
    if not contact.email:
        contact.team_name = "Hammersmith & Fulham Prevent team"
        contact.email = "prevent@demo.example"
        contact.phone = "020 8753 0000"
        contact.address = "Hammersmith Town Hall\nKing Street\nLondon W6 9JU"
        contact.office_hours = "Monday to Friday, 9am to 5pm"
        contact.save()
    if not contact.privacy_notice:
        # Shown beside the forms that take personal details (sign-up, self check-in).
        contact.privacy_notice = (
            "<p>We use your name, work email, organisation and job role to manage your training and "
            "to count, without names, how many people we have trained.</p>"
        )
        contact.save()
    return {"people": len(people)}


# People and walk-ins whose typed organisation is nearly, not exactly, one in the register: work for the
# team's matching screen (CRM → Match names) on first run. (email, first, last, typed name, type, job role)
UNMATCHED_PEOPLE = (
    ("t.akande@brookgreen.demo.example", "Tola", "Akande", "Brook Green Primary", "school", "Teaching assistant"),
    ("m.byrne@brookgreen.demo.example", "Mark", "Byrne", "Brook Green Primary", "school", "Year 6 teacher"),
    ("l.osei@sandsend.demo.example", "Lydia", "Osei", "Sands End Community Colege", "school", "Head of Year 9"),
    ("p.nowak@stpauls.demo.example", "Piotr", "Nowak", "St Pauls Church, Hammersmith", "faith", "Youth leader"),
    ("r.khan@met.demo.example", "Rehana", "Khan", "Met Police Hammersmith", "statutory", "PCSO"),
    ("j.reid@frclub.demo.example", "Jordan", "Reid", "fulham reach youth club", "community", "Youth worker"),
)
# Typed at the door by people without an account (self-declared walk-ins confirmed by the trainer).
UNMATCHED_WALK_INS = (
    ("Nadia Haddad", "n.haddad@brookgreen.demo.example", "Brook Green Primary Sch", "school", "Learning mentor"),
    ("Owen Price", "o.price@stpauls.demo.example", "St. Paul's Church", "faith", "Church warden"),
)


def seed_unmatched_names() -> dict[str, int]:
    """Near-miss typed organisation names (people, and walk-ins at the latest past session). Run after
    events' seed (it needs a past session) and after exact matches are linked, so these stay to match."""
    for email, first, last, typed, kind, job in UNMATCHED_PEOPLE:
        _person(email, first, last, typed, kind, job, (roles.LEARNER,))
    # The latest past training session (a forum meeting is not training, and the forum demo may have run).
    session = (
        TrainingSession.objects.filter(ends_at__lt=timezone.now())
        .exclude(course__reporting_category=ReportingCategory.FORUM)
        .order_by("-starts_at")
        .first()
    )
    if session is not None:
        for full_name, email, typed, kind, job in UNMATCHED_WALK_INS:
            Attendance.history.get_or_create(
                session=session,
                email=email,
                defaults={
                    "full_name": full_name,
                    "organisation_name": typed,
                    "organisation_type": kind,
                    "job_role": job,
                    "method": AttendanceMethod.WALK_IN,
                    "checked_in_at": session.starts_at,
                },
            )
    return {"people with near-miss organisation names": len(UNMATCHED_PEOPLE) + len(UNMATCHED_WALK_INS)}
