"""Registers after the session: close (no-shows), the HTML register, PDF/CSV/XLSX read back, paper register upload.

Sessions here run 10:00 to 12:00 London time on 10 July 2024 (British Summer Time,
so local times differ from UTC); ``time_machine`` moves the clock around them.
"""

import csv
import datetime as dt
import io
import re
from html import unescape
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from crm import roles
from events.errors import MESSAGES, CheckInError
from events.models import Attendance, AttendanceMethod, Booking, BookingStatus, TrainingSession
from events.register_files import EXPORT_COLUMNS, RegisterRow
from events.services import attendance_record, booking_create, register_close, register_upload_apply

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
STARTS = dt.datetime(2024, 7, 10, 10, 0, tzinfo=LONDON)
ENDS = STARTS + dt.timedelta(hours=2)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(STARTS - dt.timedelta(days=7), tick=False)
    return time_machine


@pytest.fixture
def trainer(make_user):
    return make_user(roles.TRAINER, first_name="Helen", last_name="Price")


@pytest.fixture
def day(clock, wrap, trainer, make_user):
    """A two-place session: Ada and Bea booked, Cal waiting; Helen trains. The clock stands a week before."""
    session = TrainingSession.objects.create(
        course=wrap, starts_at=STARTS, ends_at=ENDS, venue="Fulham Library, Room 2", capacity=2
    )
    session.trainers.add(trainer)
    people = {
        first: make_user(
            first_name=first,
            last_name=last,
            email=f"{first.lower()}@example.gov.uk",
            organisation_name=organisation,
            job_role="Youth worker",
        )
        for first, last, organisation in (
            ("Ada", "Lovelace", "Fulham Youth Service"),
            ("Bea", "Barnes", "Hammersmith Library"),
            ("Cal", "Cole", "Brook Green School"),
        )
    }
    bookings = {
        first: booking_create(session=session, user=person, join_waiting_list=True) for first, person in people.items()
    }
    assert bookings["Cal"].status == BookingStatus.WAITING
    return SimpleNamespace(session=session, trainer=trainer, people=people, bookings=bookings, clock=clock)


def at(day, when):
    day.clock.move_to(when, tick=False)


def csv_upload(rows, name="register.csv"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows, name="register.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX_TYPE)


def upload(client, session, file):
    return client.post(reverse("events:register_upload", args=[session.pk]), {"file": file})


def form_problems(response):
    assert response.status_code == 200
    return response.context["form"].errors["file"]


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def register_rows(content: str) -> dict[str, str]:
    """Each person's table row on the HTML register, as text, keyed by email."""
    rows = re.findall(r'<tr class="register-line" data-email="([^"]+)">(.*?)</tr>', content, flags=re.DOTALL)
    return {email: " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()) for email, html in rows}


GOOD_FILE = [
    ["Name", "Email", "Attended", "Organisation", "Organisation type", "Job role"],
    ["Ada Lovelace", "ADA@example.gov.uk", "yes", "", "", ""],
    ["Bea Barnes", "bea@example.gov.uk", "no", "", "", ""],
    ["Dee Account", "dee@example.gov.uk", "Y", "", "", ""],
    ["Eve Walker", "eve.walker@brookgreen.sch.uk", "x", "Brook Green School", "School or college", "Teacher"],
]


# --- Closing the register ------------------------------------------------------------------------


def test_closing_the_register_marks_the_booked_people_not_present_as_no_shows(client, day):
    at(day, STARTS + dt.timedelta(minutes=5))
    attendance_record(session=day.session, booking=day.bookings["Ada"], by=day.trainer)
    client.force_login(day.trainer)
    close_url = reverse("events:register_close", args=[day.session.pk])

    response = client.post(close_url)  # during the session: refused, nothing marked
    assert response.status_code == 302
    assert flashed(response) == [MESSAGES["register_not_over"].format(ends="12:00 on 10 July 2024")]
    assert not Booking.objects.filter(no_show=True).exists()

    at(day, ENDS + dt.timedelta(minutes=30))
    client.force_login(day.trainer)  # hours later: staff sessions end after 30 idle minutes
    response = client.post(close_url, follow=True)
    assert "Register closed: 1 present (0 walk-ins), 1 no-show." in response.content.decode()
    no_shows = set(Booking.objects.filter(session=day.session, no_show=True).values_list("user__first_name", flat=True))
    assert no_shows == {"Bea"}  # not Ada (present), not Cal (waiting list: had no place)
    day.session.refresh_from_db()
    assert day.session.register_closed_at is not None
    assert client.get(close_url).status_code == 405


# --- The HTML register ------------------------------------------------------------------------------


def test_register_page_lists_everyone_with_present_and_no_show(client, day):
    at(day, STARTS + dt.timedelta(minutes=5))
    attendance_record(session=day.session, booking=day.bookings["Ada"], by=day.trainer, method=AttendanceMethod.TICKET)
    attendance_record(
        session=day.session,
        full_name="Walt Inman",
        email="walt@example.org",
        organisation_name="Fulham Mosque",
        method=AttendanceMethod.WALK_IN,
    )
    at(day, ENDS + dt.timedelta(hours=1))
    register_close(session=day.session, by=day.trainer)
    client.force_login(day.trainer)

    response = client.get(reverse("events:register", args=[day.session.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Workshop to Raise Awareness of Prevent (WRAP)" in content
    assert "Wednesday 10 July 2024, 10:00 to 12:00" in content and "Fulham Library, Room 2" in content
    rows = register_rows(content)
    assert list(rows) == ["ada@example.gov.uk", "bea@example.gov.uk", "cal@example.gov.uk", "walt@example.org"]
    assert "Confirmed" in rows["ada@example.gov.uk"] and "Yes 10:05, Ticket scanned" in rows["ada@example.gov.uk"]
    assert "No-show" not in rows["ada@example.gov.uk"]
    assert rows["bea@example.gov.uk"].endswith("No No-show")
    assert "On the waiting list" in rows["cal@example.gov.uk"] and "No-show" not in rows["cal@example.gov.uk"]
    assert "Walt Inman" in rows["walt@example.org"] and "Walk-in (no booking)" in rows["walt@example.org"]
    assert "Fulham Mosque" in rows["walt@example.org"]
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', content))
    assert counts == {"booked": "2", "present": "2", "walk_ins": "1", "no_shows": "1", "waiting": "1"}
    assert ">Signature</th>" in content  # the printed register's empty column for signatures
    for name in ("register_pdf", "register_upload", "register_close"):
        assert reverse(f"events:{name}", args=[day.session.pk]) in content


# --- Files out ------------------------------------------------------------------------------------


@pytest.fixture
def marked(day):
    """After the session: Ada checked in at 10:05 London time, a walk-in whose name is a formula, register closed."""
    at(day, STARTS + dt.timedelta(minutes=5))
    attendance_record(session=day.session, booking=day.bookings["Ada"], by=day.trainer, method=AttendanceMethod.TICKET)
    attendance_record(
        session=day.session,
        full_name='=HYPERLINK("http://evil.example")',
        email="mal@example.org",
        organisation_name="Nowhere",
        method=AttendanceMethod.WALK_IN,
        when=STARTS + dt.timedelta(minutes=20),
    )
    at(day, ENDS + dt.timedelta(hours=1))
    register_close(session=day.session, by=day.trainer)
    return day


def test_pdf_register_names_everyone_with_a_signature_column(client, marked):
    client.force_login(marked.trainer)
    response = client.get(reverse("events:register_pdf", args=[marked.session.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Workshop to Raise Awareness of Prevent (WRAP)",
        "Wednesday 10 July 2024, 10:00 to 12:00",
        "Fulham Library, Room 2",
        "Ada Lovelace",
        "Bea Barnes",
        "Cal Cole",
        "mal@example.org",
        "Signature",
        "Yes, 10:05",
    ):
        assert expected in text, expected


def test_csv_export_reads_back_with_london_times(client, marked):
    client.force_login(marked.trainer)
    response = client.get(reverse("events:register_export", args=[marked.session.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="register-wrap-2024-07-10-1000.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    by_email = {row["Email"]: row for row in rows}
    assert by_email["ada@example.gov.uk"] == {
        "Name": "Ada Lovelace",
        "Email": "ada@example.gov.uk",
        "Organisation": "Fulham Youth Service",
        "Organisation type": "Council",
        "Job role": "Youth worker",
        "Booking status": "Confirmed",
        "Present": "Yes",
        "Checked in at": "2024-07-10 10:05",
        "Method": "Ticket scanned",
        "No-show": "No",
    }
    assert (by_email["bea@example.gov.uk"]["Present"], by_email["bea@example.gov.uk"]["No-show"]) == ("No", "Yes")
    assert by_email["bea@example.gov.uk"]["Checked in at"] == ""
    assert by_email["cal@example.gov.uk"]["Booking status"] == "On the waiting list"
    walk_in = by_email["mal@example.org"]
    assert walk_in["Booking status"] == "Walk-in (no booking)" and walk_in["Method"] == "Walk-in"
    assert walk_in["Name"] == '\'=HYPERLINK("http://evil.example")'  # cannot run as a formula in Excel


def test_xlsx_export_reads_back(client, marked):
    client.force_login(marked.trainer)
    response = client.get(reverse("events:register_export", args=[marked.session.pk, "xlsx"]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="register-wrap-2024-07-10-1000.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert tuple(rows[0]) == EXPORT_COLUMNS
    by_email = {row[1]: dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    ada = by_email["ada@example.gov.uk"]
    assert (ada["Name"], ada["Present"], ada["Method"], ada["No-show"]) == (
        "Ada Lovelace",
        "Yes",
        "Ticket scanned",
        "No",
    )
    assert ada["Checked in at"] == dt.datetime(2024, 7, 10, 10, 5)  # London time, as Excel shows it
    assert (by_email["bea@example.gov.uk"]["Present"], by_email["bea@example.gov.uk"]["No-show"]) == ("No", "Yes")
    walk_in_name = next(row[0] for row in sheet.iter_rows(min_row=2) if row[1].value == "mal@example.org")
    assert walk_in_name.data_type == "s" and walk_in_name.value.startswith("'=HYPERLINK")  # text, not a formula


def test_other_export_formats_are_not_found(client, day):
    client.force_login(day.trainer)
    assert client.get(reverse("events:register_export", args=[day.session.pk, "docx"])).status_code == 404


# --- Paper register upload ---------------------------------------------------------------------------------


def test_upload_with_bad_rows_saves_nothing_and_names_each_row_and_column(client, day, make_user):
    at(day, ENDS + dt.timedelta(hours=1))
    client.force_login(day.trainer)
    response = upload(
        client,
        day.session,
        csv_upload(
            [
                ["name", "email", "attended"],
                ["Ada Lovelace", "ada@example.gov.uk", "yes"],  # row 2: fine, but must not be saved
                ["", "nobody@example.gov.uk", "yes"],  # row 3
                ["Bob", "bob@", "yes"],  # row 4
                ["Bea Barnes", "bea@example.gov.uk", "maybe"],  # row 5
                ["Ada again", "Ada@Example.gov.uk", "no"],  # row 6
            ]
        ),
    )
    assert form_problems(response) == [
        MESSAGES["register_row_no_name"].format(row=3, column="name"),
        MESSAGES["register_row_bad_email"].format(row=4, column="email", value="bob@"),
        MESSAGES["register_row_bad_attended"].format(row=5, column="attended", value="maybe"),
        MESSAGES["register_row_duplicate_email"].format(row=6, column="email", value="ada@example.gov.uk", first=2),
    ]
    assert "Row 4, column" in response.content.decode()  # shown in the error summary
    assert not Attendance.objects.exists()
    assert not Booking.objects.filter(no_show=True).exists()


def test_upload_marks_bookings_accounts_and_walk_ins_present_and_absent_bookings_as_no_shows(client, day, make_user):
    dee = make_user(first_name="Dee", last_name="Account", email="dee@example.gov.uk")  # an account, no booking
    at(day, ENDS + dt.timedelta(hours=1))
    client.force_login(day.trainer)

    response = upload(client, day.session, csv_upload(GOOD_FILE))
    assert response.status_code == 302 and response["Location"] == reverse("events:register", args=[day.session.pk])
    assert flashed(response) == [
        "Paper register uploaded: 3 marked present, 0 already present, 1 not present. 1 booking marked as no-show."
    ]
    ada = Attendance.objects.get(user=day.people["Ada"])
    assert ada.booking == day.bookings["Ada"] and ada.method == AttendanceMethod.UPLOAD
    assert ada.checked_in_by == day.trainer
    assert Attendance.objects.get(session=day.session, email="dee@example.gov.uk").user == dee  # the account linked
    eve = Attendance.objects.get(session=day.session, email="eve.walker@brookgreen.sch.uk")
    assert (eve.user, eve.booking, eve.full_name, eve.organisation_name, eve.organisation_type, eve.job_role) == (
        None,
        None,
        "Eve Walker",
        "Brook Green School",
        "school",
        "Teacher",
    )
    assert eve.method == AttendanceMethod.UPLOAD
    assert Booking.objects.get(pk=day.bookings["Bea"].pk).no_show is True
    assert Booking.objects.get(pk=day.bookings["Ada"].pk).no_show is False


def test_uploading_the_same_register_twice_changes_nothing_the_second_time(client, day, make_user):
    make_user(first_name="Dee", last_name="Account", email="dee@example.gov.uk")
    at(day, ENDS + dt.timedelta(hours=1))
    client.force_login(day.trainer)
    first = client.post(
        reverse("events:register_upload", args=[day.session.pk]), {"file": csv_upload(GOOD_FILE)}, follow=True
    )  # the register page shows (and so uses up) the first upload's message
    assert "3 marked present, 0 already present, 1 not present" in first.content.decode()
    before = list(Attendance.objects.order_by("pk").values())
    no_shows = list(Booking.objects.order_by("pk").values_list("pk", "no_show"))

    at(day, ENDS + dt.timedelta(hours=2))
    client.force_login(day.trainer)  # an hour later: staff sessions end after 30 idle minutes
    response = upload(client, day.session, csv_upload(GOOD_FILE))
    assert flashed(response) == ["Paper register uploaded: 0 marked present, 3 already present, 1 not present."]
    assert list(Attendance.objects.order_by("pk").values()) == before
    assert list(Booking.objects.order_by("pk").values_list("pk", "no_show")) == no_shows


def test_someone_already_present_stays_present_when_the_paper_says_absent(day):
    at(day, STARTS + dt.timedelta(minutes=5))
    attendance_record(session=day.session, booking=day.bookings["Ada"], method=AttendanceMethod.TICKET)
    counts = register_upload_apply(
        session=day.session,
        by=day.trainer,
        now=ENDS + dt.timedelta(hours=1),
        rows=[RegisterRow(row=2, name="Ada Lovelace", email="ada@example.gov.uk", attended=False)],
    )
    assert counts == {"marked": 0, "already": 0, "not_present": 0, "no_shows": 0, "kept_present": 1}
    assert Attendance.objects.get().method == AttendanceMethod.TICKET
    assert Booking.objects.get(pk=day.bookings["Ada"].pk).no_show is False


def test_absent_during_the_session_is_not_yet_a_no_show_and_before_the_start_nothing_uploads(client, day):
    row = [RegisterRow(row=2, name="Bea Barnes", email="bea@example.gov.uk", attended=False)]
    with pytest.raises(CheckInError) as refused:
        register_upload_apply(session=day.session, rows=row, by=day.trainer, now=STARTS - dt.timedelta(minutes=1))
    assert refused.value.code == "register_upload_too_early"

    counts = register_upload_apply(session=day.session, rows=row, by=day.trainer, now=STARTS + dt.timedelta(hours=1))
    assert counts["not_present"] == 1 and counts["no_shows"] == 0
    assert Booking.objects.get(pk=day.bookings["Bea"].pk).no_show is False

    # Before the start the page says so and saves nothing.
    client.force_login(day.trainer)
    response = upload(client, day.session, csv_upload(GOOD_FILE))
    assert response.context["form"].non_field_errors() == [
        MESSAGES["register_upload_too_early"].format(starts="10:00 on 10 July 2024")
    ]
    assert not Attendance.objects.exists()


def test_xlsx_upload_with_a_title_row_and_loose_headings(client, day):
    at(day, ENDS + dt.timedelta(hours=1))
    client.force_login(day.trainer)
    rows = [
        ["WRAP register, 10 July"],  # row 1: a title above the headings
        [" NAME ", "E-mail address", "Attended?", "Notes"],  # row 2: the headings, any case and spacing
        ["Ada Lovelace", "ada@example.gov.uk", True, "front row"],
        ["Bea Barnes", "bea@example.gov.uk", 0, ""],
        ["Cal Cole", "cal@", "present", ""],  # row 5: a bad email
    ]
    response = upload(client, day.session, xlsx_upload(rows))
    assert form_problems(response) == [
        MESSAGES["register_row_bad_email"].format(row=5, column="E-mail address", value="cal@")
    ]
    rows[4][1] = "cal@example.gov.uk"
    response = upload(client, day.session, xlsx_upload(rows))
    assert flashed(response) == [
        "Paper register uploaded: 2 marked present, 0 already present, 1 not present. 1 booking marked as no-show."
    ]
    # Cal was on the waiting list: the trainer let them in, so the waiting booking gets the attendance.
    assert Attendance.objects.get(user=day.people["Cal"]).booking == day.bookings["Cal"]


@pytest.mark.parametrize(
    "name, content, code, params",
    [
        ("register.pdf", b"%PDF-1.4", "register_file_type", {"name": "register.pdf"}),
        ("register.xls", b"\xd0\xcf\x11\xe0", "register_file_type", {"name": "register.xls"}),
        (
            "register.xlsx",
            b"name,email,attended\n",
            "register_file_unreadable",
            {"name": "register.xlsx", "kind": "an Excel workbook"},
        ),
        (
            "register.csv",
            b"name,email\nAda,ada@example.gov.uk\n",
            "register_file_no_headings",
            {"row": 1, "missing": "attended"},
        ),
        ("register.csv", b"name,email,attended\n\n", "register_file_no_people", {}),
    ],
)
def test_wrong_or_unreadable_files_are_refused_with_a_clear_message(client, day, name, content, code, params):
    at(day, ENDS + dt.timedelta(hours=1))
    client.force_login(day.trainer)
    response = upload(client, day.session, SimpleUploadedFile(name, content))
    assert form_problems(response) == [MESSAGES[code].format(**params)]
    assert not Attendance.objects.exists()


def test_a_file_over_two_megabytes_is_refused(client, day):
    at(day, ENDS + dt.timedelta(hours=1))
    client.force_login(day.trainer)
    big = b"name,email,attended\n" + b"x" * (2 * 1024 * 1024)
    response = upload(client, day.session, SimpleUploadedFile("register.csv", big))
    assert form_problems(response)[0].startswith("The file is 2.0")
    assert not Attendance.objects.exists()


def test_an_exported_register_filled_in_uploads_back(client, marked):
    """The CSV export's Present column is read as "attended", so a trainer can fix it up in Excel and upload it."""
    client.force_login(marked.trainer)
    exported = client.get(reverse("events:register_export", args=[marked.session.pk, "csv"])).content
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    cal = next(row for row in rows if row[1] == "cal@example.gov.uk")
    cal[EXPORT_COLUMNS.index("Present")] = "Yes"
    response = upload(client, marked.session, csv_upload(rows, name="register-wrap-2024-07-10-1000.csv"))
    assert flashed(response) == ["Paper register uploaded: 1 marked present, 2 already present, 1 not present."]
    assert Attendance.objects.get(user=marked.people["Cal"]).method == AttendanceMethod.UPLOAD
    assert Attendance.objects.filter(session=marked.session).count() == 3


# --- Who may use registers -----------------------------------------------------------------------------

REGISTER_URLS = [
    ("get", "events:register", ()),
    ("get", "events:register_pdf", ()),
    ("get", "events:register_export", ("csv",)),
    ("get", "events:register_export", ("xlsx",)),
    ("get", "events:register_upload", ()),
    ("post", "events:register_upload", ()),
    ("post", "events:register_close", ()),
]


@pytest.mark.parametrize("method, name, extra", REGISTER_URLS)
def test_only_the_sessions_trainers_and_the_team_use_registers(client, day, make_user, team_admin, method, name, extra):
    at(day, ENDS + dt.timedelta(hours=1))
    url = reverse(name, args=[day.session.pk, *extra])
    data = {"file": csv_upload(GOOD_FILE)} if name == "events:register_upload" and method == "post" else {}

    response = getattr(client, method)(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))

    assigned_learner = make_user(roles.LEARNER)  # listed as a trainer, but without the Trainer role
    day.session.trainers.add(assigned_learner)
    for refused in (make_user(roles.LEARNER), make_user(roles.TRAINER), assigned_learner):
        client.force_login(refused)
        data = {"file": csv_upload(GOOD_FILE)} if data else {}
        assert getattr(client, method)(url, data).status_code == 403
    assert not Attendance.objects.exists() and not Booking.objects.filter(no_show=True).exists()

    for allowed in (day.trainer, team_admin):
        client.force_login(allowed)
        data = {"file": csv_upload(GOOD_FILE)} if data else {}
        assert getattr(client, method)(url, data).status_code == (302 if method == "post" else 200)


def test_services_refuse_people_who_do_not_run_the_session(day, make_user):
    outsider = make_user(roles.TRAINER)
    row = [RegisterRow(row=2, name="Ada Lovelace", email="ada@example.gov.uk", attended=True)]
    with pytest.raises(CheckInError) as refused:
        register_upload_apply(session=day.session, rows=row, by=outsider, now=ENDS)
    assert refused.value.code == "not_your_session"
    assert not Attendance.objects.exists()


# --- On a phone -------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_pages_fit_a_phone_and_pass_axe(phone_page, live_server):
    from django.test import Client

    from events.demo import courses
    from tests.conftest import axe_violations, page_overflows
    from tests.factories import UserFactory
    from tests.pagetree import restore_home_page

    restore_home_page()
    starts = dt.datetime.now(tz=LONDON).replace(second=0, microsecond=0) + dt.timedelta(days=1)
    session = TrainingSession.objects.create(
        course=courses()["wrap"],
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue="Hammersmith Town Hall, Committee Room 1",
        capacity=5,
    )
    trainer = UserFactory(roles=[roles.TRAINER])
    session.trainers.add(trainer)
    bookings = [
        booking_create(
            session=session, user=UserFactory(organisation_name="Brook Green Primary School and Children's Centre")
        )
        for _ in range(3)
    ]
    # The session is over: one was there, one walked in, one did not come.
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=starts - dt.timedelta(days=2), ends_at=starts - dt.timedelta(days=2) + dt.timedelta(hours=2)
    )
    session.refresh_from_db()
    attendance_record(session=session, booking=bookings[0], method=AttendanceMethod.TICKET)
    attendance_record(
        session=session,
        full_name="Walt Inman",
        email="walt.inman.from.a.long.domain@example.org",
        method=AttendanceMethod.WALK_IN,
    )
    register_close(session=session, by=trainer)

    browser = Client()
    browser.force_login(trainer)
    phone_page.context.add_cookies(
        [{"name": "sessionid", "value": browser.cookies["sessionid"].value, "url": live_server.url}]
    )
    problems = {}
    register_url = reverse("events:register", args=[session.pk])
    upload_url = reverse("events:register_upload", args=[session.pk])
    for path, expected in ((register_url, "Walt Inman"), (upload_url, "How the file should look"), ("errors", "Row 2")):
        if path == "errors":  # the upload page showing a file's problems
            path = upload_url
            phone_page.goto(upload_url)
            phone_page.get_by_label("Paper register file").set_input_files(
                files=[
                    {"name": "register.csv", "mimeType": "text/csv", "buffer": b"name,email,attended\n,bob@,maybe\n"}
                ]
            )
            phone_page.get_by_role("button", name="Upload and check").click()
            phone_page.get_by_role("heading", name="There is a problem").wait_for()
        else:
            assert phone_page.goto(path).ok
        assert expected in phone_page.get_by_role("main").inner_text()
        found = axe_violations(phone_page)
        if page_overflows(phone_page):
            found.append("scrolls sideways at 360px")
        if found:
            problems[path] = found
    assert problems == {}
