"""Demo Faith Forum: its pages and papers, ~12 member organisations across faiths, a year of forum events.

Run by ``seed_demo`` after the rest of the demo (it needs the wards, the faith organisations, the
demo people and the training index). Idempotent, as ``make run`` re-seeds an existing database:
pages and papers are found by slug and title, organisations and people by name and email, and the
events (with their replies and attendance) are only made when there are none yet.

- ``/faith-forum/``: the forum's page (it replaces the restricted placeholder page the demo used to
  make there), with the members' area ``/faith-forum/members/`` (restricted to members and the
  team), its papers in the members-only *Faith Forum papers* collection, and a page of minutes.
- Three forum courses under the training index (reporting category *forum*: counted in no training
  figure), restricted to members and the team: meetings, site visits, interfaith events.
- 13 organisations (one has left, one has lapsed), each with one or two representatives holding the
  *Faith Forum member* role (not those of the one that left), with varied directory consents. The demo
  member, faith.forum@demo.example, represents Shepherd's Bush Mosque.
- A year of events: monthly meetings, site visits with dietary and accessibility notes, interfaith
  events; past ones with replies, bookings and the trainer's attendance marks; upcoming ones
  published with some replies (one site visit has limited places). One application waits for the team.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from crm import roles
from crm.models import Organisation, OrganisationType, Ward
from crm.services import role_assign
from events.models import (
    Attendance,
    AttendanceMethod,
    Booking,
    BookingStatus,
    CoursePage,
    ReportingCategory,
    TrainingIndexPage,
    TrainingSession,
)
from events.services import booking_create
from events.working_days import bank_holidays, next_working_day

from .models import (
    EventAudience,
    EventKind,
    Faith,
    FaithForumPage,
    ForumApplication,
    ForumEvent,
    ForumMembership,
    ForumMembersPage,
    ForumRepresentative,
    ForumRSVP,
    MembershipStatus,
    RSVPAnswer,
)
from .papers import forum_papers_collection
from .services.members_area import members_area_restrict

User = get_user_model()

FORUM_SLUG = "faith-forum"
MEMBERS_SLUG = "members"
MINUTES_SLUG = "minutes"
DEMO_MEMBER_EMAIL = "faith.forum@demo.example"

# The consents an organisation ticked: A address, P phone, E email, W website, R representatives;
# "-" not listed in the directory at all.
CONSENT_LETTERS = {
    "A": "share_address",
    "P": "share_phone",
    "E": "share_email",
    "W": "share_website",
    "R": "share_representatives",
}


@dataclass(frozen=True)
class DemoMember:
    name: str
    faith: str
    ward: str
    postcode: str
    address: str
    phone: str
    email: str
    website: str
    consents: str
    representatives: tuple[tuple[str, str, str, str], ...]  # (email, first name, last name, role)
    status: str = MembershipStatus.ACTIVE
    joined_months_ago: int = 14


M = MembershipStatus
MEMBERS = (
    DemoMember(
        "Shepherd's Bush Mosque",
        Faith.MUSLIM,
        "Shepherd's Bush Green",
        "W12 8QE",
        "302 Uxbridge Road",
        "020 7946 0301",
        "office@sbmosque.demo.example",
        "https://sbmosque.demo.example",
        "APEWR",
        (
            (DEMO_MEMBER_EMAIL, "Yusuf", "Ali", "Trustee"),
            ("abdullah.rahman@sbmosque.demo.example", "Abdullah", "Rahman", "Imam"),
        ),
    ),
    DemoMember(
        "Fulham Islamic Centre",
        Faith.MUSLIM,
        "Munster",
        "SW6 6HA",
        "41 Munster Road",
        "020 7946 0302",
        "info@fulhamislamic.demo.example",
        "",
        "AP",
        (("khadija.noor@fulhamislamic.demo.example", "Khadija", "Noor", "Centre manager"),),
    ),
    DemoMember(
        "White City Masjid",
        Faith.MUSLIM,
        "White City",
        "W12 7QA",
        "7 Australia Road",
        "020 7946 0303",
        "",
        "",
        "",
        (("bilal.hussain@wcmasjid.demo.example", "Bilal", "Hussain", "Secretary"),),
        status=M.LAPSED,
    ),
    DemoMember(
        "St Paul's Church Hammersmith",
        Faith.CHRISTIAN,
        "Hammersmith Broadway",
        "W6 9PJ",
        "Queen Caroline Street",
        "020 7946 0304",
        "parish.office@stpauls.demo.example",
        "https://stpauls.demo.example",
        "AEWR",
        (
            ("thomas.hughes@stpauls.demo.example", "Thomas", "Hughes", "Vicar"),
            ("ruth.adebayo@stpauls.demo.example", "Ruth", "Adebayo", "Churchwarden"),
        ),
    ),
    DemoMember(
        "Our Lady of Sands End RC Church",
        Faith.CHRISTIAN,
        "Sands End",
        "SW6 2PR",
        "12 Stephendale Road",
        "020 7946 0305",
        "parish@ourladysandsend.demo.example",
        "",
        "-",
        (("michael.doherty@ourladysandsend.demo.example", "Michael", "Doherty", "Parish priest"),),
        joined_months_ago=9,
    ),
    DemoMember(
        "Grove Methodist Church",
        Faith.CHRISTIAN,
        "Grove",
        "W6 0NB",
        "Dalling Road",
        "020 7946 0306",
        "minister@grovemethodist.demo.example",
        "https://grovemethodist.demo.example",
        "APEWR",
        (("janet.owusu@grovemethodist.demo.example", "Janet", "Owusu", "Minister"),),
    ),
    DemoMember(
        "New Life Pentecostal Church",
        Faith.CHRISTIAN,
        "College Park and Old Oak",
        "NW10 6RE",
        "Unit 4, Scrubs Lane",
        "",
        "",
        "https://newlifepentecostal.demo.example",
        "WR",
        (
            ("emmanuel.boateng@newlife.demo.example", "Emmanuel", "Boateng", "Senior pastor"),
            ("comfort.asante@newlife.demo.example", "Comfort", "Asante", "Youth leader"),
        ),
        joined_months_ago=7,
    ),
    DemoMember(
        "West London Gurdwara",
        Faith.SIKH,
        "Addison",
        "W14 0AA",
        "62 Sinclair Road",
        "020 7946 0308",
        "secretary@wlgurdwara.demo.example",
        "",
        "APR",
        (
            ("harjit.singh@wlgurdwara.demo.example", "Harjit", "Singh", "Secretary"),
            ("manpreet.kaur@wlgurdwara.demo.example", "Manpreet", "Kaur", "Trustee"),
        ),
    ),
    DemoMember(
        "Guru Nanak Gurdwara Fulham",
        Faith.SIKH,
        "Walham Green",
        "SW6 1EX",
        "18 Vanston Place",
        "020 7946 0309",
        "sewa@gngfulham.demo.example",
        "",
        "AE",
        (("gurpreet.sandhu@gngfulham.demo.example", "Gurpreet", "Sandhu", "President"),),
        joined_months_ago=5,
    ),
    DemoMember(
        "Fulham Synagogue",
        Faith.JEWISH,
        "Parsons Green and Sandford",
        "SW6 4AA",
        "Parsons Green Lane",
        "020 7946 0310",
        "office@fulhamsynagogue.demo.example",
        "https://fulhamsynagogue.demo.example",
        "EWR",  # no address in the directory: security
        (
            ("miriam.cohen@fulhamsynagogue.demo.example", "Miriam", "Cohen", "Rabbi"),
            ("david.levy@fulhamsynagogue.demo.example", "David", "Levy", "Chair of the board"),
        ),
    ),
    DemoMember(
        "Shri Ram Mandir Hammersmith",
        Faith.HINDU,
        "Addison",
        "W14 0RT",
        "29 Addison Gardens",
        "020 7946 0311",
        "",
        "https://shrirammandir.demo.example",
        "APWR",
        (
            ("rajesh.patel@shrirammandir.demo.example", "Rajesh", "Patel", "Temple secretary"),
            ("anjali.sharma@shrirammandir.demo.example", "Anjali", "Sharma", "Education coordinator"),
        ),
    ),
    DemoMember(
        "Avonmore Buddhist Centre",
        Faith.BUDDHIST,
        "Avonmore",
        "W14 8RL",
        "3 Avonmore Road",
        "020 7946 0312",
        "hello@avonmorebuddhist.demo.example",
        "https://avonmorebuddhist.demo.example",
        "APEWR",
        (("sarah.whitfield@avonmorebuddhist.demo.example", "Sarah", "Whitfield", "Centre director"),),
        joined_months_ago=11,
    ),
    DemoMember(
        "Brook Green Quaker Meeting House",
        Faith.CHRISTIAN,
        "Brook Green",
        "W6 7BH",
        "Brook Green",
        "",
        "",
        "https://brookgreenquakers.demo.example",
        "AW",
        (("alison.reed@bgquakers.demo.example", "Alison", "Reed", "Clerk"),),
    ),
    DemoMember(
        "Ravenscourt Baptist Church",
        Faith.CHRISTIAN,
        "Ravenscourt",
        "W6 0TU",
        "Ravenscourt Road",
        "020 7946 0314",
        "",
        "",
        "APR",
        (("peter.collins@ravenscourtbaptist.demo.example", "Peter", "Collins", "Minister"),),
        status=M.LEFT,
    ),
)
LEFT_MONTHS_AGO = 3
LAPSED_WEEKS_AGO = 6

PENDING_APPLICATION = {
    "organisation_name": "St Andrew's Church West Kensington",
    "faith": Faith.CHRISTIAN,
    "full_name": "Grace Ogunleye",
    "job_role": "Curate",
    "email": "grace.ogunleye@standrews.demo.example",
    "share_address": True,
    "share_website": True,
    "share_representatives": True,
}

FORUM_INTRO = (
    "A borough forum of places of worship and faith organisations, working with the council's Prevent team "
    "for safe, confident and connected communities."
)
FORUM_BODY = [
    ("heading", {"text": "What the forum does", "level": "h2"}),
    (
        "paragraph",
        "<p>The Faith Forum brings together the borough's mosques, churches, gurdwaras, synagogue, temples and "
        "Buddhist centres. Members meet every month, visit each other's places of worship and hold interfaith "
        "events open to everyone.</p>"
        "<p>Meetings are a place to share what congregations are seeing, to hear from the council and partners, "
        "and to plan events together. The Prevent team supports the forum; it does not run it.</p>",
    ),
    ("heading", {"text": "Events", "level": "h2"}),
    (
        "paragraph",
        "<p>Public events are listed on this page for anyone. Members also see members-only meetings and site "
        "visits, reply to say whether they are coming, and can add them to their calendar.</p>",
    ),
]
FORUM_JOINING = (
    "Any place of worship or faith organisation working in the borough can join. Membership belongs to the "
    "organisation: name one or two representatives who will come to meetings. Members agree to the forum's "
    "terms of reference and choose what other members may see about them in the member directory."
)
MEMBERS_INTRO = "Papers, minutes and the member directory, for the forum's member organisations."
MEMBERS_BODY = [
    (
        "paragraph",
        "<p>Welcome to the members' area. Papers for the next meeting are added here a week before it; "
        "approved minutes are on the Minutes page.</p>",
    ),
]

# Papers: (title, file name, lines of text). PDFs are drawn here, so the demo needs no files.
PAPERS = (
    (
        "Faith Forum terms of reference",
        "faith-forum-terms-of-reference.pdf",
        [
            "Faith Forum: terms of reference",
            "1. The forum brings together places of worship and faith organisations in the borough.",
            "2. Membership belongs to the organisation, represented by one or two named people.",
            "3. The forum meets monthly; a quorum is five member organisations.",
            "4. Members agree what they share in the member directory, and may change it at any time.",
        ],
    ),
    (
        "Guidance for site visits to places of worship",
        "site-visit-guidance.pdf",
        [
            "Visiting a place of worship: guidance for members",
            "Dress modestly; be ready to remove shoes and to cover your head where asked.",
            "Meals offered by hosts are usually vegetarian; tell the host of any allergy in your reply.",
            "Ask the host before taking photographs.",
        ],
    ),
    (
        "Community safety briefing for places of worship",
        "community-safety-briefing.pdf",
        [
            "Community safety: a briefing for places of worship",
            "Protective security grants, reporting hate incidents, and who to call.",
            "Prepared by the council's community safety team for the forum meeting.",
        ],
    ),
)
MINUTES_MONTHS = (1, 2, 3)  # minutes of the meetings held so many months ago


def pdf_bytes(lines: list[str]) -> bytes:
    """A small, real PDF of a few lines (a paper or minutes) drawn with reportlab."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    y = 780
    for line in lines:
        page.drawString(60, y, line)
        y -= 20
    page.save()
    return buffer.getvalue()


def _paper(title: str, filename: str, lines: list[str]):
    """A document in the forum papers collection, found by its title there (made when missing)."""
    Document = get_document_model()
    collection = forum_papers_collection()
    document = Document.objects.filter(collection=collection, title=title).first()
    if document is None:
        document = Document(title=title, collection=collection)
        document.file.save(filename, ContentFile(pdf_bytes(lines)), save=False)
        document.save()
    return document


def _page(parent, model, slug, **fields):
    page = parent.get_children().filter(slug=slug).specific().first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


def clear_old_placeholder(home) -> None:
    """The demo once made a restricted StandardPage at /faith-forum/: it makes way for the forum page.

    Deleted when nothing is beneath it; otherwise kept (with its pages and restriction) under another slug.
    """
    old = home.get_children().filter(slug=FORUM_SLUG).first()
    if old is None or isinstance(old.specific, FaithForumPage):
        return
    if old.get_children().exists():
        old = old.specific
        old.slug = f"{FORUM_SLUG}-previous"
        old.title = f"{old.title} (previous pages)"
        old.save_revision().publish()
    else:
        old.delete()


def pages() -> dict[str, Page]:
    """The forum page, the members' area (restricted) with its papers, and a page of minutes."""
    home = Site.objects.get(is_default_site=True).root_page
    clear_old_placeholder(home)
    forum = _page(
        home,
        FaithForumPage,
        FORUM_SLUG,
        title="Faith Forum",
        show_in_menus=True,
        introduction=FORUM_INTRO,
        body=FORUM_BODY,
        joining=FORUM_JOINING,
    )
    papers = [_paper(*paper) for paper in PAPERS]
    members = forum.get_children().filter(slug=MEMBERS_SLUG).specific().first()
    if members is None:
        members = ForumMembersPage(
            slug=MEMBERS_SLUG,
            title="Members' area",
            introduction=MEMBERS_INTRO,
            body=[*MEMBERS_BODY, *(("document", paper) for paper in papers[:2])],
        )
        forum.add_child(instance=members)
        members_area_restrict(members)  # before it is published: never public, not even for a moment
        members.save_revision().publish()
    members_area_restrict(members)

    today = timezone.localdate()
    # The minutes speak of the meeting the events list shows that day (its topic), not a stock agenda.
    meetings = {event.starts.date(): event for event in event_plan(today) if event.kind == EventKind.MEETING}
    minutes = []
    for months in sorted(MINUTES_MONTHS, reverse=True):  # oldest first: the newest minutes are the newest paper
        held = _meeting_day(today - relativedelta(months=months))
        meeting = meetings.get(held)
        topic = meeting.title.removeprefix("Forum meeting: ") if meeting else "Community safety update"
        minutes.append(
            _paper(
                f"Minutes of the forum meeting, {held:%-d %B %Y}",
                f"minutes-{held:%Y-%m}.pdf",
                [
                    f"Faith Forum meeting, {held:%-d %B %Y}: minutes (approved)",
                    "Present: representatives of member organisations (the register); the Prevent team.",
                    f"1. Welcome and apologies.  2. {topic}.  3. Community safety update.",
                    "4. Plans for the next site visit.",
                    "Actions: the team to circulate the site visit guidance before the next visit.",
                ],
            )
        )
    _page(
        members,
        ForumMembersPage,
        MINUTES_SLUG,
        title="Minutes",
        introduction="Approved minutes of the forum's meetings, newest first.",
        body=[
            ("paragraph", "<p>Minutes are added once the next meeting has approved them.</p>"),
            *(("document", document) for document in reversed(minutes)),  # newest first
        ],
    )
    return {"forum": forum, "members": members}


COURSES = (
    (
        "faith-forum-meeting",
        "Faith Forum meeting",
        "The forum's monthly meeting of member organisations.",
        "Representatives of member organisations",
        "2 hours",
    ),
    (
        "faith-forum-site-visit",
        "Faith Forum site visit",
        "A visit to a member's place of worship, hosted by its congregation.",
        "Representatives of member organisations",
        "2 hours",
    ),
    (
        "interfaith-event",
        "Interfaith event",
        "Events the forum holds with and for the borough's communities.",
        "Members, and everyone for public events",
        "2 to 3 hours",
    ),
)


def courses() -> dict[str, CoursePage]:
    """The three forum courses under the training index: counted in no training figure, members and team only."""
    index = TrainingIndexPage.objects.first()
    if index is None:
        from events.demo import courses as training_courses

        index = training_courses()["wrap"].get_parent().specific
    made = {}
    for slug, title, summary, audience, duration in COURSES:
        course = _page(
            index,
            CoursePage,
            slug,
            title=title,
            summary=summary,
            audience=audience,
            duration=duration,
            reporting_category=ReportingCategory.FORUM,
            body=[("paragraph", f"<p>{summary} Forum events are listed on the Faith Forum's page.</p>")],
        )
        members_area_restrict(course)
        made[slug] = course
    return made


def _meeting_day(month: dt.date) -> dt.date:
    """The forum meets on the second Wednesday of the month (the next working day if that is a holiday)."""
    first = month.replace(day=1)
    first_wednesday = first + dt.timedelta(days=(2 - first.weekday()) % 7)
    return next_working_day(first_wednesday + dt.timedelta(days=7))


def _saturday(day: dt.date) -> dt.date:
    """The Saturday on or after ``day``, a week later if it falls on a bank holiday weekend or at Christmas."""
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    while (
        saturday + dt.timedelta(days=2) in bank_holidays(saturday.year)
        or saturday - dt.timedelta(days=1) in bank_holidays(saturday.year)
        or (saturday.month, saturday.day) >= (12, 20)
        or (saturday.month, saturday.day) <= (1, 3)
    ):
        saturday += dt.timedelta(days=7)
    return saturday


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _organisation(member: DemoMember, wards: dict[str, Ward]) -> Organisation:
    """The CRM's organisation (the demo register's, when it has it), its contact details filled where blank."""
    organisation = Organisation.objects.filter(name=member.name).order_by("pk").first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name=member.name,
            organisation_type=OrganisationType.FAITH,
            ward=wards.get(member.ward),
            postcode=member.postcode,
        )
    details = {
        "address": member.address,
        "town": "London",
        "phone": member.phone,
        "email": member.email,
        "website": member.website,
    }
    changed = [name for name, value in details.items() if value and not getattr(organisation, name)]
    for name in changed:
        setattr(organisation, name, details[name])
    if organisation.ward_id is None and member.ward in wards:
        organisation.ward = wards[member.ward]
        changed.append("ward")
    if changed:
        organisation.save(update_fields=[*changed, "updated_at"])
    return organisation


def _representative(email: str, first: str, last: str, job: str, organisation: Organisation):
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(
            username=email.split("@")[0].replace(".", "-")[:140],
            email=email,
            first_name=first,
            last_name=last,
            organisation_name=organisation.name,
            organisation_type=OrganisationType.FAITH,
            job_role=job,
        )
        user.set_unusable_password()
        user.save()
    if user.organisation_id is None:
        user.organisation = organisation
        user.save(update_fields=["organisation"])
    return user


def members() -> dict[str, ForumMembership]:
    """The member organisations, their memberships and representatives (with the role, unless they left)."""
    wards = {ward.name: ward for ward in Ward.objects.all()}
    today = timezone.localdate()
    made = {}
    for member in MEMBERS:
        organisation = _organisation(member, wards)
        consents = {field: letter in member.consents for letter, field in CONSENT_LETTERS.items()}
        consents["in_directory"] = member.consents != "-"
        joined = _meeting_day(today - relativedelta(months=member.joined_months_ago))
        membership, _ = ForumMembership.objects.get_or_create(
            organisation=organisation,
            defaults={
                "faith": member.faith,
                "status": member.status,
                "joined_on": joined,
                "lapsed_on": today - dt.timedelta(weeks=LAPSED_WEEKS_AGO) if member.status == M.LAPSED else None,
                "left_on": _meeting_day(today - relativedelta(months=LEFT_MONTHS_AGO))
                if member.status == M.LEFT
                else None,
                "notes": "Founding member." if member.joined_months_ago >= 14 else "",
                **consents,
            },
        )
        for email, first, last, job in member.representatives:
            user = _representative(email, first, last, job, organisation)
            ForumRepresentative.objects.get_or_create(
                membership=membership, user=user, defaults={"role": job, "added_on": membership.joined_on}
            )
            if membership.status != M.LEFT:
                role_assign(user=user, role=roles.FAITH_FORUM_MEMBER)
        made[member.name] = membership
    return made


def application() -> ForumApplication:
    """One application waiting for the team (made once: a decided one is not made again)."""
    fields = dict(PENDING_APPLICATION)
    name = fields.pop("organisation_name")
    existing = ForumApplication.objects.filter(email=fields["email"]).first()
    if existing is not None:
        return existing
    organisation = Organisation.objects.filter(name=name).first()
    return ForumApplication.objects.create(
        organisation=organisation,
        new_organisation_name="" if organisation else name,
        created_at=timezone.now() - dt.timedelta(days=3),
        **fields,
    )


# --- Events -----------------------------------------------------------------------------------------------

# Not tied to a season: the demo's dates move with today, so "winter support" could fall in May.
MEETING_TOPICS = (
    "",  # the first: the launch
    "Community safety at places of worship",
    "Hate incident reporting",
    "Supporting young people online",
    "Planning the year's interfaith events",
    "Responding to world events together",
    "Security grants for places of worship",
    "Volunteers and safeguarding",
    "Cost of living: supporting families",
    "Planning the next site visits",
    "Working with schools",
    "The forum's first year",
    "Annual meeting",
    "Sharing our festivals with our neighbours",
    "Safeguarding training for volunteers",
    "Wellbeing in our congregations",
    "Welcoming new arrivals to the borough",
    "Planning next year's programme",
)
MEETING_VENUES = (
    ("Hammersmith Town Hall, Committee Room 2", "King Street, London W6 9JU"),
    ("St Paul's Church Hammersmith, church hall", "Queen Caroline Street, London W6 9PJ"),
    ("Shepherd's Bush Mosque, community room", "302 Uxbridge Road, London W12 8QE"),
    ("Grove Methodist Church, hall", "Dalling Road, London W6 0NB"),
)
STEP_FREE = "Step-free entrance and an accessible toilet; hearing loop in the room."


@dataclass(frozen=True)
class DemoEvent:
    title: str
    kind: str
    course: str
    starts: dt.datetime
    hours: float
    venue: str
    address: str
    audience: str = EventAudience.MEMBERS
    description: str = ""
    accessibility: str = ""
    dietary: str = ""
    capacity: int | None = None  # places limited to this; None: no limit
    published: bool = True


def event_plan(today: dt.date) -> list[DemoEvent]:
    """A year of forum events around ``today``: meetings monthly, site visits, interfaith events."""
    plan = []
    for n, months in enumerate(range(-14, 4)):
        if months == -13:
            continue  # the forum took a month after its launch to settle
        day = _meeting_day(today + relativedelta(months=months))
        venue, address = MEETING_VENUES[n % len(MEETING_VENUES)]
        topic = MEETING_TOPICS[n % len(MEETING_TOPICS)]
        plan.append(
            DemoEvent(
                title=f"Forum meeting: {topic}" if topic else "Faith Forum launch meeting",
                kind=EventKind.MEETING,
                course="faith-forum-meeting",
                starts=_at(day, 18, 30),
                hours=2,
                venue=venue,
                address=address,
                description="Papers are in the members' area a week before. Tea and coffee from 6.15pm.",
                accessibility=STEP_FREE,
                published=months < 3,  # the last one planned is still a draft
            )
        )
    visits = (
        (
            -10,
            "Visit to West London Gurdwara",
            "West London Gurdwara",
            "62 Sinclair Road, London W14 0AA",
            "Please cover your head (scarves are provided) and remove your shoes. Langar, a free vegetarian "
            "meal, is served after the tour: no meat, fish or eggs; no alcohol or tobacco on the premises.",
            "Step-free access to the ground floor and the langar hall; the prayer hall is on the first floor "
            "with a lift. Chairs are available in the langar hall.",
            None,
        ),
        (
            -7,
            "Visit to Shri Ram Mandir",
            "Shri Ram Mandir Hammersmith",
            "29 Addison Gardens, London W14 0RT",
            "Shoes off at the entrance. Prasad (blessed sweets) and a vegetarian lunch are offered; please "
            "bring no meat, fish or eggs.",
            "Two steps at the entrance; a ramp can be put out: tell the host in your reply.",
            None,
        ),
        (
            -4,
            "Visit to Fulham Synagogue",
            "Fulham Synagogue",
            "Parsons Green Lane, London SW6 4AA",
            "Men are asked to cover their heads (kippot are provided). Kosher refreshments after the visit.",
            "Bring photo ID: the synagogue's security team checks names at the door. Step-free throughout.",
            None,
        ),
        (
            1,
            "Visit to Avonmore Buddhist Centre",
            "Avonmore Buddhist Centre",
            "3 Avonmore Road, London W14 8RL",
            "Shoes off in the shrine room. Vegan tea and cake are served.",
            "The shrine room is on the first floor with no lift; the ground-floor room shows the talk on a screen. "
            "The shrine room holds 15, so places are limited: reply to keep yours.",
            15,
        ),
    )
    for months, title, venue, address, dietary, accessibility, capacity in visits:
        day = _saturday(today + relativedelta(months=months))
        plan.append(
            DemoEvent(
                title=title,
                kind=EventKind.SITE_VISIT,
                course="faith-forum-site-visit",
                starts=_at(day, 11),
                hours=2,
                venue=venue,
                address=address,
                description="A tour and a talk from the hosts about their community and its work in the borough.",
                accessibility=accessibility,
                dietary=dietary,
                capacity=capacity,
            )
        )
    plan += [
        DemoEvent(
            title="Interfaith walk and tea",
            kind=EventKind.INTERFAITH,
            course="interfaith-event",
            starts=_at(_saturday(today - relativedelta(months=5)), 13),
            hours=3,
            venue="St Paul's Church Hammersmith",
            address="Queen Caroline Street, London W6 9PJ",
            audience=EventAudience.PUBLIC,
            description="A walk between four places of worship in Hammersmith, ending with tea. Open to everyone.",
            accessibility="About 2 miles on pavements; a step-free route is marked on the map handed out at the start.",
            dietary="Tea and vegetarian snacks at the end.",
        ),
        DemoEvent(
            title="Interfaith supper at Shepherd's Bush Mosque",
            kind=EventKind.INTERFAITH,
            course="interfaith-event",
            starts=_at(_saturday(today + relativedelta(weeks=6)), 18),
            hours=3,
            venue="Shepherd's Bush Mosque",
            address="302 Uxbridge Road, London W12 8QE",
            audience=EventAudience.PUBLIC,
            description="An evening of food and conversation hosted by the mosque's community. Everyone is welcome.",
            accessibility=STEP_FREE,
            dietary="A halal meal is served; vegetarian dishes are available. No alcohol on the premises.",
        ),
    ]
    return plan


def _took_part(membership: ForumMembership, day: dt.date) -> bool:
    """Whether the organisation was a member on ``day`` (and, lapsed, still coming then)."""
    if membership.joined_on > day:
        return False
    if membership.left_on and day >= membership.left_on:
        return False
    if membership.status == M.LAPSED:
        return day <= membership.joined_on + dt.timedelta(days=31)  # came to the launch only
    return True


@transaction.atomic
def events(forum_courses: dict[str, CoursePage], memberships: dict[str, ForumMembership]) -> int:
    """A year of forum events with replies and attendance: made once (none are made if any exist)."""
    if ForumEvent.objects.exists():
        return ForumEvent.objects.count()
    rng = random.Random(14)
    now = timezone.now()
    today = timezone.localdate()
    team = User.objects.filter(groups__name=roles.PREVENT_ADMIN, email__endswith="@demo.example").first()
    trainer = User.objects.filter(groups__name=roles.TRAINER, email__endswith="@demo.example").first()
    trainers = [person for person in (team, trainer) if person]
    reps = {
        name: list(membership.representatives.select_related("user").order_by("pk"))
        for name, membership in memberships.items()
    }
    demo_member = User.objects.filter(email=DEMO_MEMBER_EMAIL).first()
    for plan in event_plan(today):
        session = TrainingSession.objects.create(
            course=forum_courses[plan.course],
            starts_at=plan.starts,
            ends_at=plan.starts + dt.timedelta(hours=plan.hours),
            venue=plan.venue,
            address=plan.address,
            capacity=plan.capacity or 100,
            places_limited=plan.capacity is not None,
        )
        session.trainers.set(trainers)
        event = ForumEvent.objects.create(
            session=session,
            title=plan.title,
            kind=plan.kind,
            audience=plan.audience,
            description=plan.description,
            accessibility_notes=plan.accessibility,
            dietary_notes=plan.dietary,
            is_published=plan.published,
            announced_at=min(plan.starts - dt.timedelta(days=21), now) if plan.published else None,
        )
        if plan.published:
            if plan.starts < now:
                _past_replies_and_attendance(event, memberships, reps, rng, trainer or team)
            else:
                _upcoming_replies(event, memberships, reps, rng, team, demo_member)
    return ForumEvent.objects.count()


def _answer(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.62:
        return RSVPAnswer.GOING
    if roll < 0.72:
        return RSVPAnswer.MAYBE
    if roll < 0.84:
        return RSVPAnswer.NOT_GOING
    return None  # no reply


def _past_replies_and_attendance(event, memberships, reps, rng, marked_by) -> None:
    """Replies a few weeks before; bookings for *going* and the trainer's marks, made directly (bulk)."""
    session = event.session
    day = timezone.localdate(session.starts_at)
    answered = session.starts_at - dt.timedelta(days=rng.randint(5, 20))
    rsvps, bookings, marks = [], [], []
    for name, membership in memberships.items():
        if not _took_part(membership, day):
            continue
        for rep in reps[name]:
            answer = _answer(rng)
            if rep.user.email == DEMO_MEMBER_EMAIL:
                answer = RSVPAnswer.GOING if rng.random() < 0.85 else RSVPAnswer.NOT_GOING
            booking = None
            if answer == RSVPAnswer.GOING:
                booking = Booking(
                    session=session,
                    user=rep.user,
                    booked_by=rep.user,
                    status=BookingStatus.CONFIRMED,
                    created_at=answered,
                    confirmed_at=answered,
                )
                bookings.append(booking)
            if answer is not None:
                rsvps.append(
                    ForumRSVP(
                        event=event,
                        user=rep.user,
                        membership=membership,
                        answer=answer,
                        guests=rng.choice((0, 0, 0, 0, 1, 2)) if answer == RSVPAnswer.GOING else 0,
                        booking=booking,
                        answered_at=answered,
                    )
                )
            came = (answer == RSVPAnswer.GOING and rng.random() < 0.85) or (
                answer == RSVPAnswer.MAYBE and rng.random() < 0.4
            )
            if came:
                marks.append(
                    Attendance(
                        session=session,
                        booking=booking,
                        user=rep.user,
                        full_name=rep.user.get_full_name(),
                        email=rep.user.email,
                        organisation=membership.organisation,
                        organisation_name=membership.organisation.name,
                        organisation_type=OrganisationType.FAITH,
                        job_role=rep.role,
                        method=AttendanceMethod.TICKET if booking and rng.random() < 0.5 else AttendanceMethod.REGISTER,
                        checked_in_at=session.starts_at + dt.timedelta(minutes=rng.randint(-15, 10)),
                        checked_in_by=marked_by,
                    )
                )
    Booking.objects.bulk_create(bookings)  # first: the replies and marks point at them
    ForumRSVP.objects.bulk_create(rsvps)
    if event.is_public:  # people from the neighbourhood at a public event: walk-ins the trainer marked
        for n, (first, last) in enumerate((("Joan", "Fletcher"), ("Omar", "Farah"), ("Lucy", "Chen"))):
            marks.append(
                Attendance(
                    session=session,
                    full_name=f"{first} {last}",
                    email=f"{first}.{last}.{n}@resident.demo.example".lower(),
                    organisation_name="Local resident",
                    organisation_type=OrganisationType.OTHER,
                    method=AttendanceMethod.WALK_IN,
                    checked_in_at=session.starts_at,
                    checked_in_by=marked_by,
                )
            )
    Attendance.objects.bulk_create(marks)
    TrainingSession.objects.filter(pk=session.pk).update(places_taken=len(bookings))


def _upcoming_replies(event, memberships, reps, rng, team, demo_member) -> None:
    """Some members have replied; *going* books a place through the events app (its rules, its ticket)."""
    session = event.session
    for name, membership in memberships.items():
        if membership.status != M.ACTIVE:
            continue
        for rep in reps[name]:
            if rep.user == demo_member:
                # Left for the demo member to try: going to the next meeting, not yet answered the rest.
                if (
                    event.kind != EventKind.MEETING
                    or ForumRSVP.objects.filter(user=demo_member)
                    .filter(event__session__starts_at__gt=timezone.now())
                    .exists()
                ):
                    continue
                answer = RSVPAnswer.GOING
            else:
                answer = _answer(rng) if rng.random() < 0.6 else None
            if answer is None:
                continue
            booking = None
            if answer == RSVPAnswer.GOING:
                booking = booking_create(session=session, user=rep.user, booked_by=rep.user, join_waiting_list=True)
            ForumRSVP.objects.create(
                event=event,
                user=rep.user,
                membership=membership,
                answer=answer,
                guests=rng.choice((0, 0, 0, 1)) if answer == RSVPAnswer.GOING else 0,
                booking=booking,
            )


def seed() -> dict[str, int]:
    """The whole forum demo (safe to run again)."""
    with transaction.atomic():
        forum_pages = pages()
        forum_courses = courses()
        memberships = members()
        application()
    count = events(forum_courses, memberships)
    return {
        "forum pages": Page.objects.descendant_of(forum_pages["forum"], inclusive=True).count(),
        "forum member organisations": ForumMembership.objects.exclude(status=M.LEFT).count(),
        "forum events": count,
        "forum replies": ForumRSVP.objects.count(),
    }
