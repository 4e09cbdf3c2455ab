"""Demo courses, a year of past sessions with attendance, and upcoming sessions with bookings.

Idempotent: pages are found by slug, and sessions are only made when there are none.
Bulk inserts keep it quick (about 2,000 attendance records).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from crm import roles
from crm.models import MemberSide, Organisation, OrganisationType
from crm.periods import FinancialYear

from .models import (
    Attendance,
    AttendanceMethod,
    Booking,
    BookingStatus,
    CourseLesson,
    CoursePage,
    ReportingCategory,
    SessionVisibility,
    TrainingIndexPage,
    TrainingSession,
)
from .services import SessionRun, attendance_record, booking_create, colleagues_invite, session_run_create, session_save
from .working_days import is_working_day, next_working_day

User = get_user_model()

FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Eve",
    "Farah",
    "George",
    "Hannah",
    "Imran",
    "Jess",
    "Kwame",
    "Laura",
    "Mohammed",
    "Nina",
    "Oliver",
    "Priya",
    "Quentin",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zara",
]
LAST = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Fernandes",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Walker",
    "Young",
]
COUNCIL_ROLES = [
    "Housing officer",
    "Social worker",
    "Customer services adviser",
    "Youth worker",
    "Librarian",
    "Community safety officer",
    "Early help practitioner",
    "Adult social care assessor",
]
EXTERNAL = [
    ("Metropolitan Police, Hammersmith", "statutory", "Police constable"),
    ("Central London Community Healthcare NHS Trust", "statutory", "Health visitor"),
    ("White City Community Centre", "community", "Centre manager"),
    ("Fulham Reach Youth Club", "community", "Youth worker"),
]

WRAP_BODY = [
    ("heading", {"text": "About the workshop", "level": "h2"}),
    (
        "paragraph",
        "<p>The Workshop to Raise Awareness of Prevent (WRAP) is the Home Office's face-to-face session for "
        "frontline staff. It explains the Prevent duty, how people can be drawn into terrorism, how to spot "
        "the signs and how to make a referral.</p>",
    ),
    (
        "faq",
        {
            "question": "Do I need to prepare?",
            "answer": "<p>Please read the short pre-reading below before you come.</p>",
        },
    ),
    (
        "faq",
        {
            "question": "Will I get a certificate?",
            "answer": "<p>Yes. Once the session has ended, and you were marked present, your certificate is in My training.</p>",
        },
    ),
]
LESSONS = [
    (
        "What is the Prevent duty?",
        "<p>Section 26 of the Counter-Terrorism and Security Act 2015 requires councils to have due regard to the need to prevent people from being drawn into terrorism.</p>",
    ),
    (
        "Recognising vulnerability",
        "<p>There is no single profile. Look for changes in behaviour, isolation, and exposure to extremist material, and consider them together.</p>",
    ),
    (
        "Making a referral",
        "<p>If you are worried, talk to your safeguarding lead. Referrals go through your organisation's safeguarding route.</p>",
    ),
]


def _page(parent, model, slug, **fields):
    page = parent.get_children().filter(slug=slug).specific().first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


def courses() -> dict[str, CoursePage]:
    """The demo courses under a training index on the default site's home page (made when missing)."""
    home = Site.objects.get(is_default_site=True).root_page
    index = _page(
        home,
        TrainingIndexPage,
        "training",
        title="Training",
        show_in_menus=True,
        introduction="Prevent awareness training for council staff, partners, schools and elected Members.",
    )
    wrap = _page(
        index,
        CoursePage,
        "wrap",
        title="Workshop to Raise Awareness of Prevent (WRAP)",
        summary="The Home Office's two-hour workshop for frontline staff on the Prevent duty.",
        audience="Council staff and partners working in the borough",
        duration="2 hours",
        reporting_category=ReportingCategory.WRAP,
        body=WRAP_BODY,
    )
    if not wrap.lessons.exists():
        for order, (title, text) in enumerate(LESSONS):
            CourseLesson.objects.create(page=wrap, sort_order=order, title=title, minutes=5, body=[("paragraph", text)])
    member = _page(
        index,
        CoursePage,
        "member-training",
        title="Prevent training for elected Members",
        summary="A briefing for councillors on the council's Prevent duty and their role in it.",
        audience="Elected Members",
        duration="1.5 hours",
        reporting_category=ReportingCategory.MEMBER,
        body=[("paragraph", "<p>Training for councillors, becoming mandatory for all Members.</p>")],
    )
    restriction, _ = PageViewRestriction.objects.get_or_create(
        page=member, defaults={"restriction_type": PageViewRestriction.GROUPS}
    )
    restriction.groups.add(*Group.objects.filter(name__in=[roles.ELECTED_MEMBER, roles.PREVENT_ADMIN]))
    school = _page(
        index,
        CoursePage,
        "school-staff-briefing",
        title="Prevent briefing for school staff",
        summary="A whole-school briefing on the Prevent duty, usually delivered in your school.",
        audience="Teachers and school support staff",
        duration="1 hour",
        reporting_category=ReportingCategory.EDUCATION,
        body=[
            (
                "paragraph",
                "<p>Most school briefings are delivered in the school for the whole staff. "
                "Designated Safeguarding Leads can ask the Prevent team to arrange one.</p>",
            )
        ],
    )
    return {"wrap": wrap, "member": member, "school": school}


def _at(day: dt.date, hour: int, minutes: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minutes)))


def _workday(day: dt.date) -> dt.date:
    """Sessions are on working days: ``day``, or the next one after a weekend or bank holiday."""
    return next_working_day(day)


@transaction.atomic
def seed() -> dict[str, int]:
    course = courses()
    if TrainingSession.objects.exists():
        return {"sessions": TrainingSession.objects.count()}
    rng = random.Random(2026)
    admin = User.objects.filter(groups__name=roles.PREVENT_ADMIN).first()
    trainer = User.objects.filter(groups__name=roles.TRAINER).first()
    today = timezone.localdate()
    # The past year's training fills the last complete financial year (1 April to 31 March), so that
    # Reports → Performance report has a whole year to show (feedback.reports).
    last_year = FinancialYear.current().start_year - 1
    year_ago = FinancialYear(last_year).first_day

    # WRAP: 22 past sessions, 493 people trained (394 council, 99 external), each booked and marked present.
    people = []
    for n in range(493):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if n < 394:
            org, org_type, job = "Hammersmith & Fulham Council", "council", rng.choice(COUNCIL_ROLES)
            domain = "lbhf.demo.example"
        else:
            org, org_type, job = rng.choice(EXTERNAL)
            domain = "partner.demo.example"
        email = f"{first}.{last}.{n}@{domain}".lower().replace("'", "")
        people.append(
            User(
                username=f"demo-staff-{n}",
                email=email,
                first_name=first,
                last_name=last,
                organisation_name=org,
                organisation_type=org_type,
                job_role=job,
                password="!demo-unusable",
            )
        )
    User.objects.bulk_create(people, ignore_conflicts=True)
    people = list(User.objects.filter(username__startswith="demo-staff-").order_by("pk"))
    rng.shuffle(people)
    wrap_sessions = []
    for i in range(22):
        day = _workday(year_ago + dt.timedelta(days=14 + i * 16))
        wrap_sessions.append(
            TrainingSession(
                course=course["wrap"],
                starts_at=_at(day, 10),
                ends_at=_at(day, 12),
                venue="Hammersmith Town Hall, Committee Room 1",
                capacity=30,
            )
        )
    TrainingSession.objects.bulk_create(wrap_sessions)
    bookings, attendances = [], []
    for i, session in enumerate(wrap_sessions):
        group = people[i * 493 // 22 : (i + 1) * 493 // 22]
        for person in group:
            booking = Booking(
                session=session,
                user=person,
                status=BookingStatus.CONFIRMED,
                created_at=session.starts_at - dt.timedelta(days=10),
                confirmed_at=session.starts_at - dt.timedelta(days=10),
            )
            bookings.append(booking)
            attendances.append(
                Attendance(
                    session=session,
                    booking=booking,
                    user=person,
                    full_name=person.get_full_name(),
                    email=person.email,
                    organisation_name=person.organisation_name,
                    organisation_type=person.organisation_type,
                    job_role=person.job_role,
                    method=AttendanceMethod.REGISTER,
                    checked_in_at=session.starts_at,
                    checked_in_by=trainer,
                )
            )
        session.places_taken = len(group)
    Booking.objects.bulk_create(bookings)
    Attendance.objects.bulk_create(attendances)
    TrainingSession.objects.bulk_update(wrap_sessions, ["places_taken"])

    # Education: 38 closed whole-school briefings, 923 staff marked present at the door (no accounts needed).
    schools = list(Organisation.objects.filter(organisation_type=OrganisationType.SCHOOL))
    walk_ins, school_sessions = [], []
    for i in range(38):
        day = _workday(year_ago + dt.timedelta(days=10 + i * 9))
        school_sessions.append(
            TrainingSession(
                course=course["school"],
                starts_at=_at(day, 15, 45),
                ends_at=_at(day, 16, 45),
                venue=schools[i % len(schools)].name,
                capacity=60,
                visibility=SessionVisibility.CLOSED,
                organisation=schools[i % len(schools)],
            )
        )
    TrainingSession.objects.bulk_create(school_sessions)
    for i, session in enumerate(school_sessions):
        size = 923 // 38 + (1 if i < 923 % 38 else 0)
        for n in range(size):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            walk_ins.append(
                Attendance(
                    session=session,
                    full_name=f"{first} {last}",
                    email=f"{first}.{last}.{i}.{n}@school.demo.example".lower().replace("'", ""),
                    organisation_name=session.organisation.name,
                    organisation=session.organisation,
                    organisation_type="school",
                    job_role=rng.choice(["Teacher", "Teaching assistant", "Office staff", "Senior leader"]),
                    method=AttendanceMethod.WALK_IN,
                    checked_in_at=session.starts_at,
                    checked_in_by=trainer,
                )
            )
    Attendance.objects.bulk_create(walk_ins)

    # The first elected-Member session, in May of the last financial year.
    may = _workday(dt.date(last_year, 5, 14))
    member_session = TrainingSession.objects.create(
        course=course["member"],
        starts_at=_at(may, 18),
        ends_at=_at(may, 19, 30),
        venue="Hammersmith Town Hall, Council Chamber",
        capacity=46,
    )
    councillor = User.objects.filter(email="councillor@demo.example").first()
    if councillor:
        attendance_record(session=member_session, user=councillor, by=trainer, when=member_session.starts_at)

    # The demo learner attended WRAP last year, so they have a certificate.
    learner = User.objects.filter(email="learner@demo.example").first()
    if learner:
        attendance_record(session=wrap_sessions[5], user=learner, by=trainer, when=wrap_sessions[5].starts_at)

    # Upcoming: WRAP on the first Tuesday of each month for six months, and more.
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    first_tuesday = next_month + dt.timedelta(days=(1 - next_month.weekday()) % 7)
    upcoming = session_run_create(
        run=SessionRun(
            course=course["wrap"],
            first_date=first_tuesday,
            count=6,
            start_time=dt.time(10),
            end_time=dt.time(12),
            venue="Hammersmith Town Hall, Committee Room 1",
            address="King Street, London W6 9JU",
            capacity=25,
            repeat="monthly_nth",
            trainers=(trainer,) if trainer else (),
        ),
        by=admin,
    )
    for session in upcoming:  # a first Tuesday can be New Year's Day: the next working day instead
        day = timezone.localdate(session.starts_at)
        if not is_working_day(day):
            session.starts_at = _at(_workday(day), 10)
            session.ends_at = _at(_workday(day), 12)
            session.booking_deadline = session.starts_at - dt.timedelta(days=1)
            session_save(session=session, by=admin)
    soon_day = _workday(today + dt.timedelta(days=9))
    soon = TrainingSession.objects.create(
        course=course["wrap"],
        starts_at=_at(soon_day, 14),
        ends_at=_at(soon_day, 16),
        venue="Online (Microsoft Teams)",
        online_url="https://teams.example/wrap",
        capacity=3,
    )
    if trainer:
        soon.trainers.add(trainer)
    for person in people[:3]:
        booking_create(session=soon, user=person, booked_by=admin)
    for person in people[3:5]:
        booking_create(session=soon, user=person, booked_by=admin, join_waiting_list=True)
    for person in people[5:22]:
        booking_create(session=upcoming[0], user=person, booked_by=admin)
    if learner:
        booking_create(session=upcoming[1], user=learner, booked_by=learner)
        # The learner invited two colleagues to the same session: one place held, waiting for their answer.
        colleagues_invite(
            session=upcoming[1], lead=learner, addresses=["sam.patel@example.gov.uk", "ann.lee@example.gov.uk"]
        )
    # A session starting shortly, so the trainer can try the check-in desk and the poster on first run:
    # the one session on whatever day the demo is seeded, weekend or not.
    if trainer:
        starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=20)
        door = TrainingSession.objects.create(
            course=course["wrap"],
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            venue="Fulham Library, Meeting Room 2",
            capacity=12,
            audience_note="Demo: check-in is open now",
        )
        door.trainers.add(trainer)
        door_bookings = [booking_create(session=door, user=person, booked_by=admin) for person in people[22:30]]
        for booking in door_bookings[:2]:
            attendance_record(session=door, booking=booking, by=trainer, method=AttendanceMethod.TICKET)
        attendance_record(
            session=door,
            method=AttendanceMethod.WALK_IN,
            full_name="Jo Walker",
            email="jo.walker@partner.demo.example",
            organisation_name="White City Community Centre",
            organisation_type="community",
            job_role="Centre manager",
        )
        for session in wrap_sessions[-3:] + school_sessions[-3:]:
            session.trainers.add(trainer)
    member_day = _workday(today + dt.timedelta(days=30))
    TrainingSession.objects.create(
        course=course["member"],
        starts_at=_at(member_day, 18),
        ends_at=_at(member_day, 19, 30),
        venue="Hammersmith Town Hall, Council Chamber",
        capacity=46,
    )
    TrainingSession.objects.create(
        course=course["school"],
        starts_at=_at(_workday(today + dt.timedelta(days=12)), 15, 45),
        ends_at=_at(_workday(today + dt.timedelta(days=12)), 16, 45),
        venue=schools[0].name,
        capacity=40,
        visibility=SessionVisibility.CLOSED,
        organisation=schools[0],
    )
    return {"sessions": TrainingSession.objects.count(), "attendance records": Attendance.objects.count()}


MEMBER_SURNAMES = [
    "Adeyemi",
    "Barker",
    "Chaudhry",
    "Doyle",
    "Ellison",
    "Fraser",
    "Gill",
    "Hart",
    "Ibrahim",
    "Jenkins",
    "Kaur",
    "Lomax",
    "Mahmood",
    "Norris",
    "Osei",
    "Palmer",
    "Qureshi",
    "Reid",
    "Sullivan",
    "Thorne",
    "Umar",
    "Vaughan",
    "Ward",
    "Yates",
    "Zaman",
    "Ashworth",
    "Bello",
    "Cohen",
    "Dunn",
    "Egan",
    "Fisher",
    "Grant",
    "Holt",
    "Irving",
    "Joseph",
    "Kemp",
    "Lyons",
    "Moss",
    "Nash",
    "Owen",
    "Pryce",
    "Rowe",
    "Sharma",
    "Tate",
    "Vance",
]


def _pdf_bytes(text: str) -> bytes:
    """A one-line PDF standing in for a scanned e-learning certificate."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, text)
    page.save()
    return buffer.getvalue()


@transaction.atomic
def seed_requirements() -> dict[str, int]:
    """Mandatory training: the council's 46 Members at varied statuses, and a requirement for school DSLs.

    The May session had 12 Members: 11 Administration (2 of them Cabinet) and 1 Opposition.
    Idempotent: nothing is added once the Members exist.
    """
    from dateutil.relativedelta import relativedelta
    from django.core.files.base import ContentFile

    from .models import CertificateStatus, ExternalCertificate, TrainingRequirement

    course = courses()
    member_rule, _ = TrainingRequirement.objects.get_or_create(
        name="Prevent training for elected Members",
        defaults={
            "description": "The council has made Prevent training mandatory for every elected Member. "
            "Attend the Member briefing or WRAP, or send in your Home Office e-learning certificate.",
            "external_certificate_name": "Home Office Prevent awareness e-learning",
            "valid_for_months": 24,
            "renewal_window_days": 60,
        },
    )
    member_rule.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    member_rule.courses.add(course["member"], course["wrap"])
    dsl_group, _ = Group.objects.get_or_create(name="Designated Safeguarding Leads")
    dsl_rule, _ = TrainingRequirement.objects.get_or_create(
        name="Prevent training for Designated Safeguarding Leads",
        defaults={
            "description": "Every school's Designated Safeguarding Lead refreshes Prevent training every two years.",
            "external_certificate_name": "Home Office Prevent awareness e-learning",
            "valid_for_months": 24,
            "renewal_window_days": 60,
        },
    )
    dsl_rule.groups.add(dsl_group)
    dsl_rule.courses.add(course["school"], course["wrap"])
    dsl = User.objects.filter(email="school.dsl@demo.example").first()
    if dsl:
        dsl.groups.add(dsl_group)
    if User.objects.filter(username__startswith="demo-member-").exists():
        return {"training requirements": TrainingRequirement.objects.count()}

    member_group = Group.objects.get(name=roles.ELECTED_MEMBER)
    admin = User.objects.filter(groups__name=roles.PREVENT_ADMIN).first()
    trainer = User.objects.filter(groups__name=roles.TRAINER).first()
    rng = random.Random(46)
    members = []
    # 45 demo Members plus Robert Ellis (the demo councillor, Cabinet) make 46: 34 Administration (7 more in
    # Cabinet), 12 Opposition.
    for n, surname in enumerate(MEMBER_SURNAMES):
        side = MemberSide.ADMINISTRATION if n < 33 else MemberSide.OPPOSITION
        members.append(
            User(
                username=f"demo-member-{n}",
                email=f"cllr.{surname.lower()}@members.demo.example",
                first_name=rng.choice(FIRST),
                last_name=surname,
                organisation_name="Hammersmith & Fulham Council",
                organisation_type="member",
                job_role="Councillor",
                password="!demo-unusable",
                political_group="Labour" if side == MemberSide.ADMINISTRATION else "Conservative",
                member_side=side,
                is_cabinet_member=n < 7,
            )
        )
    User.objects.bulk_create(members)
    members = list(User.objects.filter(username__startswith="demo-member-").order_by("username"))
    members.sort(key=lambda m: int(m.username.rsplit("-", 1)[1]))
    member_group.user_set.add(*members)
    administration = [m for m in members if m.member_side == MemberSide.ADMINISTRATION]
    opposition = [m for m in members if m.member_side == MemberSide.OPPOSITION]

    # The first Member session in May: 11 Administration (2 Cabinet, with Robert Ellis) and 1 Opposition.
    may = TrainingSession.objects.filter(course=course["member"], starts_at__month=5).order_by("starts_at").first()
    if may:
        cabinet_colleague = administration[0]  # a Cabinet Member
        backbenchers = [m for m in administration if not m.is_cabinet_member][:9]
        for person in [cabinet_colleague, *backbenchers, opposition[0]]:
            attendance_record(session=may, user=person, by=trainer, when=may.starts_at)

    today = timezone.localdate()
    rest = [m for m in administration[7:] if m not in backbenchers] + opposition[1:]
    rng.shuffle(rest)
    # Due for renewal: WRAP about 23 months ago; expired: the 2024 briefing, 26 months ago.
    for months, people_ in ((23, rest[0:3]), (26, rest[3:5])):
        day = _workday(today - relativedelta(months=months))
        old = TrainingSession.objects.create(
            course=course["member"] if months == 26 else course["wrap"],
            starts_at=_at(day, 18),
            ends_at=_at(day, 19, 30),
            venue="Hammersmith Town Hall, Council Chamber",
            capacity=46,
        )
        for person in people_:
            attendance_record(session=old, user=person, by=trainer, when=old.starts_at)
    # Booked on the next Member session.
    upcoming = (
        TrainingSession.objects.filter(course=course["member"], starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    if upcoming:
        for person in rest[5:11]:
            booking_create(session=upcoming, user=person, booked_by=admin)
    # E-learning certificates: two approved, one waiting for the team.
    for person, status in (
        (rest[11], CertificateStatus.APPROVED),
        (rest[12], CertificateStatus.APPROVED),
        (rest[13], CertificateStatus.PENDING),
    ):
        certificate = ExternalCertificate(
            user=person,
            requirement=member_rule,
            title="Home Office Prevent awareness e-learning",
            completed_on=today - dt.timedelta(days=rng.randint(20, 200)),
            status=status,
            reviewed_by=admin if status == CertificateStatus.APPROVED else None,
            reviewed_at=timezone.now() if status == CertificateStatus.APPROVED else None,
        )
        certificate.file.save(
            "e-learning.pdf", ContentFile(_pdf_bytes(f"Certificate of completion: {person}")), save=False
        )
        certificate.save()
    return {"Members": len(members) + 1, "training requirements": TrainingRequirement.objects.count()}
