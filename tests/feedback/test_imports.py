"""Issue 12: legacy registers imported (``manage.py import_registers`` and CRM → Import legacy registers)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry, Page, PageLogEntry, Revision

from crm import roles
from crm.imports import IMPORT_OUTDATED, ImportInvalid
from crm.models import OrganisationType
from crm.services import person_delete, person_delete_preview
from events.models import (
    Attendance,
    AttendanceMethod,
    Booking,
    BookingStatus,
    CoursePage,
    ReportingCategory,
    SessionStatus,
    SessionVisibility,
    TrainingSession,
)
from feedback.import_admin import PREVIEW_EXPIRED
from feedback.imports import COLUMNS, REGISTER_IMPORT, registers_import
from feedback.models import ImportedNoShow
from feedback.selectors import counted_attendances
from tests.factories import CoursePageFactory, OrganisationFactory, TrainingIndexPageFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADINGS = (
    "Attended,LAST_NAME,First_Name,Email,Organisation,Organisation_Type,Political_Group,Cabinet,"
    "Course,Category,Session_Date"
)
# Elected Member training on 12/03/2019 (11 Administration, 2 of them Cabinet, 1 Opposition in the real
# report; fewer here), and a WRAP session for council staff on 2019-02-28 with one no-show.
ROWS = [
    "yes,Akhtar,Sana,sana.akhtar@lbhf.gov.uk,Hammersmith & Fulham Council,member,administration,yes,"
    "Prevent training for elected Members,member,12/03/2019",
    "Yes,Brown,Tom,,Hammersmith & Fulham Council,member,Administration,no,"
    "Prevent training for elected Members,member,12/03/2019",
    "yes,Cole,Ann,ann.cole@lbhf.gov.uk,Hammersmith & Fulham Council,member,opposition,,"
    "Prevent training for elected Members,member,12/03/2019",
    "yes,Dunn,Raj,raj.dunn@lbhf.gov.uk,Housing,council,,,WRAP,wrap,2019-02-28",
    "yes,Evans,Lee,,Fulham Cross Academy,school,,,WRAP,wrap,2019-02-28",
    "no,Ford,Kim,kim.ford@lbhf.gov.uk,Housing,council,,,WRAP,wrap,2019-02-28",
    "no,Grey,Sam,,Housing,council,,,WRAP,wrap,2019-02-28",
]


def csv_file(lines, name="register.csv") -> ContentFile:
    return ContentFile(("\n".join(lines) + "\n").encode(), name=name)


def register_csv(rows=ROWS, headings=HEADINGS) -> ContentFile:
    return csv_file([headings, *rows])


def xlsx_file(rows: list[list]) -> ContentFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return ContentFile(out.getvalue(), name="register.xlsx")


def run(tmp_path, upload: ContentFile, *args) -> str:
    path = tmp_path / upload.name
    path.write_bytes(upload.read())
    out = io.StringIO()
    call_command("import_registers", str(path), *args, stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    """How many rows every table the import could write holds (the audit and page history included)."""
    return {
        "pages": Page.objects.count(),
        "courses": CoursePage.objects.count(),
        "revisions": Revision.objects.count(),
        "sessions": TrainingSession.objects.count(),
        "attendances": Attendance.history.count(),
        "bookings": Booking.objects.count(),
        "bookings marked no-show": Booking.objects.filter(no_show=True).count(),
        "imported no-shows": ImportedNoShow.objects.count(),
        "model log": ModelLogEntry.objects.count(),
        "page log": PageLogEntry.objects.count(),
    }


@pytest.fixture
def training(db):
    return TrainingIndexPageFactory()


@pytest.fixture
def wrap(training):
    return CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)


def wrap_session(wrap, when: dt.datetime, **fields) -> TrainingSession:
    return TrainingSession.objects.create(
        course=wrap, starts_at=when, ends_at=when + dt.timedelta(hours=2), venue="Town Hall", capacity=20, **fields
    )


def london(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


# --- What an import makes ---------------------------------------------------------------------------------


def test_a_csv_register_makes_the_course_the_sessions_the_attendances_and_the_no_shows(tmp_path, training, wrap):
    council_school = OrganisationFactory(name="Fulham Cross Academy", organisation_type=OrganisationType.SCHOOL)
    out = run(tmp_path, register_csv())

    assert "1 courses created, 2 sessions created, 5 attendances created (0 already there), " in out
    assert "2 no-shows recorded (0 already there). Saved." in out

    # The Member course did not exist: made unpublished, in its category, under the Training page.
    course = CoursePage.objects.get(title="Prevent training for elected Members")
    assert not course.live and course.reporting_category == ReportingCategory.MEMBER
    assert course.get_parent().pk == training.pk
    assert "legacy register" in course.summary.lower()
    # WRAP matched by title (any case): not made again.
    assert CoursePage.objects.filter(title__iexact="wrap").count() == 1

    # Both sessions made as held: in the past, on the day (London), register closed, not cancelled.
    member_session = TrainingSession.objects.get(course=course)
    assert timezone.localtime(member_session.starts_at).date() == dt.date(2019, 3, 12)
    assert member_session.ends_at < timezone.now()
    assert member_session.register_closed_at is not None
    assert member_session.status == SessionStatus.SCHEDULED
    assert member_session.capacity == 3
    wrap_held = TrainingSession.objects.get(course=wrap)
    assert timezone.localtime(wrap_held.starts_at).date() == dt.date(2019, 2, 28)
    # Every Member's row names the same organisation, but it is not in the register: an open (past) session.
    assert member_session.visibility == SessionVisibility.OPEN
    assert wrap_held.visibility == SessionVisibility.OPEN

    # The snapshot is the register's: side and Cabinet seat on the day.
    sana = Attendance.objects.get(email="sana.akhtar@lbhf.gov.uk")
    assert (sana.full_name, sana.organisation_type, sana.member_side, sana.is_cabinet_member) == (
        "Sana Akhtar",
        OrganisationType.ELECTED_MEMBER,
        "administration",
        True,
    )
    assert sana.method == AttendanceMethod.UPLOAD and not sana.self_declared
    assert sana.checked_in_at == member_session.starts_at
    tom = Attendance.objects.get(full_name="Tom Brown")
    assert (tom.email, tom.member_side, tom.is_cabinet_member) == ("", "administration", False)
    assert Attendance.objects.get(full_name="Ann Cole").member_side == "opposition"
    # An organisation is linked only when the register has exactly that name.
    lee = Attendance.objects.get(full_name="Lee Evans")
    assert lee.organisation == council_school and lee.organisation_name == "Fulham Cross Academy"
    assert Attendance.objects.get(full_name="Raj Dunn").organisation is None

    # No-shows are kept, never as attendance.
    assert set(ImportedNoShow.objects.values_list("full_name", "email")) == {
        ("Kim Ford", "kim.ford@lbhf.gov.uk"),
        ("Sam Grey", ""),
    }
    assert not Attendance.history.filter(full_name__in=["Kim Ford", "Sam Grey"]).exists()


def test_the_figures_count_the_imported_attendances_and_nobody_absent(tmp_path, wrap):
    run(tmp_path, register_csv())
    member_course = CoursePage.objects.get(reporting_category=ReportingCategory.MEMBER)
    members = counted_attendances().filter(session__course=member_course)
    assert members.count() == 3
    assert members.filter(member_side="administration").count() == 2
    assert members.filter(member_side="opposition").count() == 1
    assert members.filter(is_cabinet_member=True).count() == 1
    assert counted_attendances().filter(session__course=wrap).count() == 2
    assert counted_attendances(starts=london(2019, 2, 1), ends=london(2019, 3, 1)).count() == 2


def test_an_xlsx_register_with_excel_dates_and_other_headings(tmp_path, wrap):
    upload = xlsx_file(
        [
            ["A legacy register, spring 2019"],
            [
                "session date",
                "COURSE",
                "category",
                "first name",
                "last name",
                "organisation",
                "organisation type",
                "attended",
            ],
            [dt.datetime(2019, 4, 2), "WRAP", "wrap", "Jo", "Bloggs", "Housing", "council", "yes"],
            ["03/04/2019", "WRAP", "WRAP", "Al", "Khan", "", "Faith organisation", True],
        ]
    )
    out = run(tmp_path, upload)
    assert "2 sessions created, 2 attendances created" in out
    days = sorted(timezone.localtime(s.starts_at).date() for s in TrainingSession.objects.filter(course=wrap))
    assert days == [dt.date(2019, 4, 2), dt.date(2019, 4, 3)]
    assert Attendance.objects.get(full_name="Al Khan").organisation_type == OrganisationType.FAITH


def test_a_session_for_one_organisation_of_the_register_is_closed_for_it(tmp_path, wrap):
    school = OrganisationFactory(name="Fulham Cross Academy", organisation_type=OrganisationType.SCHOOL)
    rows = [
        f"yes,Teacher{n},Pat,,Fulham Cross Academy,school,,,Whole-school briefing,education,2019-01-09"
        for n in range(3)
    ]
    run(tmp_path, register_csv(rows))
    session = TrainingSession.objects.get(course__title="Whole-school briefing")
    assert session.visibility == SessionVisibility.CLOSED and session.organisation == school
    assert Attendance.objects.filter(session=session, organisation=school).count() == 3


def test_an_existing_session_is_found_by_course_and_london_date(tmp_path, wrap):
    # 00:30 on 1 July 2019 in London is 23:30 on 30 June in UTC: the London date is what counts.
    session = wrap_session(wrap, london(2019, 7, 1, 0, 30))
    already = Attendance.objects.create(session=session, full_name="Raj Dunn", email="raj.dunn@lbhf.gov.uk")
    rows = [
        "yes,Dunn,Raj,RAJ.DUNN@lbhf.gov.uk,Housing,council,,,wrap,wrap,01/07/2019",
        "yes,Evans,Lee,,Housing,council,,,Wrap,wrap,2019-07-01",
    ]
    out = run(tmp_path, register_csv(rows))
    assert "0 courses created, 0 sessions created, 1 attendances created (1 already there)" in out
    assert TrainingSession.objects.count() == 1
    assert list(session.attendances.order_by("pk").values_list("full_name", flat=True)) == ["Raj Dunn", "Lee Evans"]
    already.refresh_from_db()
    assert already.method == AttendanceMethod.REGISTER  # the mark already there is left as it was


def test_importing_the_same_file_twice_changes_nothing(tmp_path, wrap):
    run(tmp_path, register_csv())
    before = table_counts()
    counted = counted_attendances().count()
    out = run(tmp_path, register_csv())
    assert "0 courses created, 0 sessions created, 0 attendances created (5 already there), " in out
    assert "0 no-shows recorded (2 already there)" in out
    assert table_counts() == before
    assert counted_attendances().count() == counted == 5


def test_a_dry_run_says_what_would_happen_and_writes_nothing(tmp_path, wrap):
    before = table_counts()
    out = run(tmp_path, register_csv(), "--dry-run")
    assert "1 courses would be created, 2 sessions would be created, 5 attendances would be created" in out
    assert "Dry run: nothing was saved." in out
    assert (
        "New courses (unpublished) (1):" in out
        and "Prevent training for elected Members (Elected Member training)" in out
    )
    assert "Row 7: Kim Ford, WRAP on 28/02/2019: no-show" in out
    assert table_counts() == before


def test_an_applied_import_leaves_one_audit_entry_with_who_the_file_and_the_counts(tmp_path, wrap, team_admin):
    plan = registers_import(upload=register_csv(), by=team_admin)
    [entry] = PageLogEntry.objects.filter(action=REGISTER_IMPORT)
    assert entry.user == team_admin and entry.data["file"] == "register.csv"
    assert entry.data["attendances_created"] == 5 and entry.data["no_shows_recorded"] == 2
    assert plan.counts()["sessions_created"] == 2
    assert set(Attendance.objects.values_list("checked_in_by", flat=True)) == {team_admin.pk}
    registers_import(upload=register_csv(), by=team_admin)
    assert PageLogEntry.objects.filter(action=REGISTER_IMPORT).count() == 1  # the second wrote nothing


def test_only_the_team_imports(wrap, make_user):
    with pytest.raises(Exception) as refused:
        registers_import(upload=register_csv(), by=make_user(roles.OUTREACH_OFFICER))
    assert refused.type.__name__ == "PermissionDenied"
    assert not Attendance.objects.exists()


# --- People with accounts and bookings ----------------------------------------------------------------------


def test_a_verified_account_is_linked_an_unverified_one_is_not(tmp_path, wrap):
    verified = UserFactory(email="raj.dunn@lbhf.gov.uk", member_side="", organisation_type="community")
    unverified = UserFactory(email="lee.evans@lbhf.gov.uk", verified=False)
    rows = [
        "yes,Dunn,Raj,raj.dunn@lbhf.gov.uk,Housing,council,,,WRAP,wrap,2019-02-28",
        "yes,Evans,Lee,lee.evans@lbhf.gov.uk,Housing,council,,,WRAP,wrap,2019-02-28",
    ]
    run(tmp_path, register_csv(rows))
    raj = Attendance.objects.get(email="raj.dunn@lbhf.gov.uk")
    assert raj.user == verified
    assert raj.organisation_type == OrganisationType.COUNCIL  # the register's, not the account's today
    assert Attendance.objects.get(email="lee.evans@lbhf.gov.uk").user is None
    assert not EmailAddress.objects.filter(user=unverified, verified=True).exists()


def test_a_no_show_with_a_booking_marks_the_booking(tmp_path, wrap):
    session = wrap_session(wrap, london(2019, 2, 28, 10))
    person = UserFactory(email="kim.ford@lbhf.gov.uk")
    booking = Booking.objects.create(session=session, user=person, status=BookingStatus.CONFIRMED)
    out = run(tmp_path, register_csv(["no,Ford,Kim,kim.ford@lbhf.gov.uk,Housing,council,,,WRAP,wrap,28/02/2019"]))
    assert "1 no-shows recorded" in out
    booking.refresh_from_db()
    assert booking.no_show
    assert not ImportedNoShow.objects.exists()
    assert "0 no-shows recorded (1 already there)" in run(
        tmp_path, register_csv(["no,Ford,Kim,kim.ford@lbhf.gov.uk,Housing,council,,,WRAP,wrap,28/02/2019"])
    )


def test_a_corrected_register_turns_a_no_show_into_an_attendance(tmp_path, wrap):
    run(tmp_path, register_csv(["no,Grey,Sam,,Housing,council,,,WRAP,wrap,2019-02-28"]))
    assert ImportedNoShow.objects.count() == 1
    run(tmp_path, register_csv(["yes,GREY,sam,,housing,council,,,WRAP,wrap,2019-02-28"]))
    assert not ImportedNoShow.objects.exists()
    assert counted_attendances().filter(full_name="sam GREY").count() == 1


def test_a_no_for_someone_present_is_not_recorded_and_says_so(tmp_path, wrap):
    session = wrap_session(wrap, london(2019, 2, 28, 10))
    Attendance.objects.create(session=session, full_name="Kim Ford", email="kim.ford@lbhf.gov.uk")
    out = run(tmp_path, register_csv(["no,Ford,Kim,kim.ford@lbhf.gov.uk,Housing,council,,,WRAP,wrap,28/02/2019"]))
    assert "Row 2: Kim Ford is already marked present" in out
    assert not ImportedNoShow.objects.exists()


def test_deleting_a_person_deletes_their_imported_no_shows(tmp_path, wrap, team_admin):
    run(tmp_path, register_csv())
    person = UserFactory(email="kim.ford@lbhf.gov.uk")
    lines = {line.what: line.count for line in person_delete_preview(user=person)}
    assert lines["No-shows from imported legacy registers"] == 1
    person_delete(actor=team_admin, user=person)
    assert list(ImportedNoShow.objects.values_list("full_name", flat=True)) == ["Sam Grey"]


# --- Bad rows: named by row and column, nothing imported -----------------------------------------------------

GOOD = "yes,Dunn,Raj,raj.dunn@lbhf.gov.uk,Housing,council,,,WRAP,wrap,2019-02-28"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "yes,Cole,Ann,,Housing,council,,,WRAP,training,2019-02-28",
            "Row 3, column 'Category': 'training' is not a category",
        ),
        (
            "yes,Cole,Ann,,Housing,charity,,,WRAP,wrap,2019-02-28",
            "Row 3, column 'Organisation_Type': 'charity' is not an organisation type",
        ),
        (
            "yes,Cole,Ann,,Housing,council,,,WRAP,wrap,31/02/2019",
            "Row 3, column 'Session_Date': 31/02/2019 is not a day of the calendar",
        ),
        (
            "yes,Cole,Ann,,Housing,council,,,WRAP,wrap,last March",
            "Row 3, column 'Session_Date': 'last March' is not a date",
        ),
        ("yes,,Ann,,Housing,council,,,WRAP,wrap,2019-02-28", "Row 3, column 'LAST_NAME': this is empty"),
        ("yes,Cole,,,Housing,council,,,WRAP,wrap,2019-02-28", "Row 3, column 'First_Name': this is empty"),
        (
            "yes,Cole,Ann,,Council,member,opposition,yes,WRAP,wrap,2019-02-28",
            "Row 3, column 'Cabinet': Cabinet Members sit in the Administration",
        ),
        (
            "yes,Cole,Ann,,Council,member,,yes,WRAP,wrap,2019-02-28",
            "Row 3, column 'Cabinet': Cabinet Members sit in the Administration",
        ),
        (
            "yes,Cole,Ann,,Housing,council,administration,,WRAP,wrap,2019-02-28",
            "Row 3, column 'Political_Group': only elected Members",
        ),
        (
            "yes,Cole,Ann,,Council,member,labour,,WRAP,wrap,2019-02-28",
            "Row 3, column 'Political_Group': 'labour' is not a political group",
        ),
        (
            "maybe,Cole,Ann,,Housing,council,,,WRAP,wrap,2019-02-28",
            "Row 3, column 'Attended': 'maybe' is not yes or no",
        ),
        (
            "yes,Cole,Ann,not-an-email,Housing,council,,,WRAP,wrap,2019-02-28",
            "Row 3, column 'Email': 'not-an-email' is not an email address",
        ),
        (
            "yes,Cole,Ann,,Housing,council,,,WRAP,member,2019-02-28",
            "Row 3, column 'Category': “WRAP” is Elected Member training on this row but WRAP on row 2",
        ),
        (
            "yes,Dunn,Raj,RAJ.DUNN@lbhf.gov.uk,Housing,council,,,WRAP,wrap,28/02/2019",
            "Row 3, column 'Email': Raj Dunn is also on row 2",
        ),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_imported(tmp_path, wrap, row, expected):
    before = table_counts()
    with pytest.raises(CommandError) as error:
        run(tmp_path, register_csv([GOOD, row]))
    assert "Nothing was imported" in str(error.value)
    assert expected in str(error.value)
    assert table_counts() == before


def test_a_course_of_another_category_is_a_bad_row_never_recategorised(wrap):
    with pytest.raises(ImportInvalid) as error:
        registers_import(upload=register_csv(["yes,Cole,Ann,,Council,member,,,wrap,member,2019-02-28"]))
    assert error.value.problems == [
        "Row 2, column 'Category': the course “wrap” is already in the category WRAP, not Elected Member training. "
        "Correct the category, or give the course another title."
    ]
    wrap.refresh_from_db()
    assert wrap.reporting_category == ReportingCategory.WRAP


def test_a_date_today_or_later_is_a_bad_row(wrap):
    today = timezone.localdate()
    with pytest.raises(ImportInvalid) as error:
        registers_import(upload=register_csv([GOOD, f"yes,Cole,Ann,,Housing,council,,,WRAP,wrap,{today:%d/%m/%Y}"]))
    assert error.value.problems == [
        f"Row 3, column 'Session_Date': {today:%d/%m/%Y} is today or later. A legacy register is of sessions already "
        "held; record today's with the session's own register."
    ]


def test_every_bad_row_is_listed_at_once(wrap):
    rows = [
        GOOD,
        "yes,Cole,Ann,,Housing,charity,,,WRAP,wrap,2019-02-28",
        "yes,Cole,Ann,,Housing,council,,,New course,wrap,2019-02-28",
        "yes,Dunn,Pat,,Housing,council,,,New course,other,2019-02-29",
        "yes,Eve,Jo,,Housing,council,,,New course,other,2019-02-27",
    ]
    with pytest.raises(ImportInvalid) as error:
        registers_import(upload=register_csv(rows))
    problems = error.value.problems
    assert [problem.split(":")[0] for problem in problems] == [
        "Row 3, column 'Organisation_Type'",
        "Row 5, column 'Session_Date'",
        "Row 6, column 'Category'",
    ]
    assert "“New course” is Other training on this row but WRAP on row 4" in problems[2]
    assert not CoursePage.objects.filter(title="New course").exists()


def test_a_file_without_the_headings_is_refused(wrap):
    with pytest.raises(ImportInvalid) as error:
        registers_import(upload=csv_file(["name,email", "Jo,jo@example.org"]))
    assert (
        "these are missing: session_date, course, category, first_name, last_name, organisation"
        in error.value.problems[0]
    )


# --- The admin: upload → preview → confirm → result (the team only) ------------------------------------------


@pytest.fixture
def team_client(client, team_admin):
    client.force_login(team_admin)
    return client


def test_the_team_uploads_previews_and_confirms_a_register(team_client, wrap, team_admin):
    page = team_client.get(reverse("feedback_register_import"))
    assert page.status_code == 200 and "Check the file and preview" in page.content.decode()

    preview = team_client.post(reverse("feedback_register_import"), {"file": register_csv()})
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "5 attendances would be created" in text and "New courses (unpublished) (1)" in text
    assert not Attendance.objects.exists()  # a preview saves nothing

    done = team_client.post(reverse("feedback_register_import_confirm"), {"token": preview.context["token"]})
    assert done.status_code == 200
    assert "5 attendances created (0 already there)" in done.content.decode()
    assert Attendance.objects.count() == 5 and ImportedNoShow.objects.count() == 2
    assert set(Attendance.objects.values_list("checked_in_by", flat=True)) == {team_admin.pk}

    # The preview is spent: confirming again does nothing more.
    again = team_client.post(
        reverse("feedback_register_import_confirm"), {"token": preview.context["token"]}, follow=True
    )
    assert PREVIEW_EXPIRED in again.content.decode()
    assert Attendance.objects.count() == 5


def test_a_preview_overtaken_by_another_import_is_not_applied(team_client, wrap):
    preview = team_client.post(reverse("feedback_register_import"), {"file": register_csv()})
    registers_import(upload=register_csv(ROWS[:1]))  # someone imports part of it meanwhile
    done = team_client.post(
        reverse("feedback_register_import_confirm"), {"token": preview.context["token"]}, follow=True
    )
    assert IMPORT_OUTDATED in done.content.decode()
    assert Attendance.objects.count() == 1


def test_a_bad_file_shows_every_problem_on_the_form(team_client, wrap):
    upload = register_csv([GOOD, "yes,Cole,Ann,,Housing,charity,,,WRAP,wrap,31/02/2019"])
    page = team_client.post(reverse("feedback_register_import"), {"file": upload})
    text = page.content.decode()
    assert page.status_code == 200 and "token" not in page.context
    assert "Row 3, column &#x27;Session_Date&#x27;: 31/02/2019 is not a day of the calendar." in text
    assert "Row 3, column &#x27;Organisation_Type&#x27;: &#x27;charity&#x27; is not an organisation type" in text
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_team_downloads_the_template(team_client, fmt):
    response = team_client.get(reverse("feedback_register_import_template", args=[fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="legacy-register-template.{fmt}"'
    if fmt == "csv":
        assert response.content.decode("utf-8-sig").strip() == ",".join(COLUMNS)
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [cell.value for cell in sheet[1]] == list(COLUMNS)


def test_the_menu_shows_the_import_to_the_team_only(team_client, client, make_user):
    assert reverse("feedback_register_import") in team_client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(make_user(roles.OUTREACH_OFFICER))
    assert reverse("feedback_register_import") not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_others_cannot_import(client, make_user, wrap):
    for role in (roles.OUTREACH_OFFICER, roles.TRAINER, roles.LEARNER):
        client.force_login(make_user(role))
        for response in (
            client.get(reverse("feedback_register_import")),
            client.post(reverse("feedback_register_import"), {"file": register_csv()}),
            client.post(reverse("feedback_register_import_confirm"), {"token": "x"}),
            client.get(reverse("feedback_register_import_template", args=["csv"])),
        ):
            assert response.status_code in (302, 403)
            assert response.status_code == 403 or response.url == reverse("wagtailadmin_home")
    assert not Attendance.objects.exists()


# --- Matching edge cases -------------------------------------------------------------------------------------


def test_two_sessions_that_day_or_only_a_cancelled_one_is_a_bad_row(wrap):
    wrap_session(wrap, london(2019, 2, 28, 9, 30))
    wrap_session(wrap, london(2019, 2, 28, 14))
    wrap_session(wrap, london(2019, 3, 1, 10), status=SessionStatus.CANCELLED)
    rows = [GOOD, "yes,Cole,Ann,,Housing,council,,,WRAP,wrap,01/03/2019"]
    with pytest.raises(ImportInvalid) as error:
        registers_import(upload=register_csv(rows))
    assert error.value.problems == [
        "Row 2, column 'Session_Date': “WRAP” has 2 sessions on 28/02/2019, so the row could be either. "
        "Record it with that session's own register.",
        "Row 3, column 'Session_Date': “WRAP”'s session on 01/03/2019 was cancelled, so nobody attended it.",
    ]
    assert not Attendance.objects.exists()


def test_an_organisation_is_linked_only_when_its_name_is_one_organisations(tmp_path, wrap):
    OrganisationFactory(name="St Paul's Church")
    OrganisationFactory(name="St Pauls Church", postcode="W6 0AA")  # the same name, spelt another way
    housing = OrganisationFactory(name="Housing Services", organisation_type=OrganisationType.COUNCIL)
    rows = [
        "yes,Dunn,Raj,,housing services,council,,,WRAP,wrap,2019-02-28",
        "yes,Evans,Lee,,St Paul's Church,faith,,,WRAP,wrap,2019-02-28",
    ]
    run(tmp_path, register_csv(rows))
    assert Attendance.objects.get(full_name="Raj Dunn").organisation == housing
    assert Attendance.objects.get(full_name="Lee Evans").organisation is None


def test_a_new_course_needs_the_training_page(db):
    from events.models import TrainingIndexPage

    assert not TrainingIndexPage.objects.exists()
    with pytest.raises(ImportInvalid) as error:
        registers_import(upload=register_csv([GOOD]))
    assert error.value.problems == ["There is no Training page for new courses to go under. Add it in Pages first."]


def test_deleting_a_person_blanks_their_imported_attendance(tmp_path, wrap, team_admin):
    run(tmp_path, register_csv())
    person = UserFactory(email="sana.akhtar@lbhf.gov.uk", verified=False)
    person_delete(actor=team_admin, user=person)
    attendance = Attendance.objects.get(
        session__course__reporting_category=ReportingCategory.MEMBER,
        member_side="administration",
        is_cabinet_member=True,
    )
    assert (attendance.full_name, attendance.email) == ("", "")
    assert counted_attendances().count() == 5  # still counted, without the name


def test_a_mark_taken_back_is_not_made_again_by_a_second_import(tmp_path, wrap):
    run(tmp_path, register_csv([GOOD]))
    Attendance.objects.filter(email="raj.dunn@lbhf.gov.uk").update(undone_at=timezone.now())
    out = run(tmp_path, register_csv([GOOD]))
    assert "0 attendances created (1 already there)" in out
    assert Attendance.history.count() == 1 and not counted_attendances().exists()


def test_the_sample_register_imports_on_the_demo_courses(tmp_path):
    from pathlib import Path

    from events.demo import courses

    courses()
    sample = Path(__file__).resolve().parents[2] / "feedback" / "samples" / "legacy-register-sample.csv"
    out = io.StringIO()
    call_command("import_registers", str(sample), stdout=out)
    assert (
        "1 courses created, 3 sessions created, 6 attendances created (0 already there), 2 no-shows" in out.getvalue()
    )
    out = io.StringIO()
    call_command("import_registers", str(sample), "--dry-run", stdout=out)
    assert "0 attendances would be created (6 already there)" in out.getvalue()
