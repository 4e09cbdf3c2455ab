"""The analytics dashboard (feedback.analytics and Reports → Feedback and training analytics).

Known data either side of 1 April 2025 — one session at 00:30 London time on 1 April, a cancelled
session, a self-declared mark nobody confirmed — with exact figures for every breakdown, the page
for the team only, its downloads read back, and a query count that does not grow with the data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from crm import roles
from crm.exports import EXPORT_ACTION
from crm.models import OrganisationType
from crm.periods import FinancialYear
from events.models import Attendance, ReportingCategory, SessionStatus, TrainingSession
from events.services import attendance_record
from feedback.analytics import NO_TRAINER, NO_WARD, NOT_KNOWN, Analytics
from feedback.models import FeedbackResponse
from feedback.selectors import counted_attendances, held_sessions
from tests.factories import CoursePageFactory, OrganisationFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Y2024, Y2025 = FinancialYear(2024), FinancialYear(2025)
SCRIPT = "<script>alert(1)</script>"
FORMULA = "=SUM(A1:A2) would be nice"
NAMED = "Zebedee Quillfeather"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def held(course, starts, *, trainers=(), **fields):
    session = TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Hammersmith Town Hall", **fields
    )
    session.trainers.add(*trainers)
    return session


def present(session, *users):
    return [attendance_record(session=session, user=user)[0] for user in users]


def respond(session, submitted_on, *, attendance=None, **answers):
    return FeedbackResponse.objects.create(
        session=session,
        attendance=attendance,
        anonymous=attendance is None,
        submitted_on=submitted_on,
        **answers,
    )


@pytest.fixture
def data(db):
    return analytics_data()


def analytics_data() -> SimpleNamespace:
    """Two financial years of training and feedback (see the module docstring); the figures are in the tests."""
    wrap = CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)
    briefing = CoursePageFactory(
        title="School staff briefing", slug="briefing", reporting_category=ReportingCategory.EDUCATION
    )
    members = CoursePageFactory(title="Member briefing", slug="members", reporting_category=ReportingCategory.MEMBER)
    school = OrganisationFactory(
        name="Addison Primary", organisation_type=OrganisationType.SCHOOL, ward=WardFactory(name="Addison")
    )
    charity = OrganisationFactory(name="Brook Green Trust", ward=WardFactory(name="Brook Green"))
    helen = UserFactory(roles=[roles.TRAINER], first_name="Helen", last_name="Price")
    sam = UserFactory(roles=[roles.TRAINER], first_name="Sam", last_name="Okoro")

    def council(n, **fields):
        return [UserFactory(**fields) for _ in range(n)]

    # 2024/25: the evening of 31 March 2025.
    s0 = held(wrap, at(2025, 3, 31, 18, 0), trainers=[helen])
    present(s0, *council(2))
    # 2025/26 from its first minute: 00:30 on 1 April in London is still 31 March in UTC.
    s1 = held(wrap, at(2025, 4, 1, 0, 30), trainers=[helen, sam])
    named = UserFactory(first_name="Zebedee", last_name="Quillfeather")
    s1_marks = present(s1, named, *council(2))
    s2 = held(briefing, at(2025, 5, 14, 10, 0), trainers=[sam])
    present(s2, *council(4, organisation=school, organisation_type=OrganisationType.SCHOOL))
    cancelled = held(wrap, at(2025, 6, 10, 10, 0), trainers=[helen])
    present(cancelled, *council(2))
    TrainingSession.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
    s3 = held(members, at(2025, 11, 5, 18, 0), trainers=[helen])
    present(s3, *council(2, organisation_type=OrganisationType.ELECTED_MEMBER, organisation_name=""))
    attendance_record(session=s3, self_declared=True, full_name="Not Confirmed", email="walkin@example.com")
    s4 = held(wrap, at(2026, 1, 20, 14, 0))
    present(s4, *council(1, organisation=charity, organisation_type=OrganisationType.COMMUNITY))
    attendance_record(session=s4, full_name="Pat Walker", email="pat@example.com")  # a walk-in: kind not known

    respond(s0, dt.date(2025, 4, 1), overall=2, confidence_before=3, confidence_after=3, improve="Longer break")
    respond(
        s1,
        dt.date(2025, 4, 2),
        attendance=s1_marks[0],
        overall=5,
        trainer=5,
        relevance=4,
        confidence_before=2,
        confidence_after=4,
        would_recommend=True,
        most_useful=SCRIPT,
    )
    respond(
        s1,
        dt.date(2025, 4, 3),
        overall=4,
        trainer=4,
        relevance=4,
        confidence_before=3,
        confidence_after=4,
        would_recommend=True,
        improve=FORMULA,
    )
    respond(
        s2,
        dt.date(2025, 5, 20),
        overall=3,
        relevance=5,
        confidence_before=1,
        would_recommend=False,
        most_useful="Case studies",
    )
    respond(s3, dt.date(2025, 11, 6), overall=4, confidence_before=2, confidence_after=5)
    return SimpleNamespace(wrap=wrap, helen=helen, sam=sam, s1=s1)


def rows(frame, *columns):
    return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]


# --- The figures -----------------------------------------------------------------------------------


def test_the_self_declared_mark_and_the_cancelled_session_are_not_counted(data):
    assert Attendance.objects.filter(self_declared=True).count() == 1
    assert Analytics(Y2025).totals == {"trained": 11, "sessions": 4}


def test_sessions_held_are_the_selectors_held_sessions(data):
    for year in (Y2024, Y2025):
        held_count = held_sessions(starts=year.starts_at, ends=year.ends_at).count()
        assert Analytics(year).totals["sessions"] == held_count
        assert (
            Analytics(year).totals["trained"] == counted_attendances(starts=year.starts_at, ends=year.ends_at).count()
        )


def test_by_month_counts_the_half_past_midnight_session_in_april(data):
    frame = Analytics(Y2025).by_month
    assert list(frame["label"]) == [
        "Apr 2025", "May 2025", "Jun 2025", "Jul 2025", "Aug 2025", "Sep 2025",
        "Oct 2025", "Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026",
    ]  # fmt: skip
    assert list(frame["trained"]) == [3, 4, 0, 0, 0, 0, 0, 2, 0, 2, 0, 0]
    assert list(frame["sessions"]) == [1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0]
    assert list(Analytics(Y2024).by_month["trained"]) == [0] * 11 + [2]


def test_by_quarter(data):
    assert rows(Analytics(Y2025).by_quarter, "label", "trained", "sessions") == [
        ("Q1 Apr–Jun", 7, 2),
        ("Q2 Jul–Sep", 0, 0),
        ("Q3 Oct–Dec", 2, 1),
        ("Q4 Jan–Mar", 2, 1),
    ]


def test_the_trend_covers_every_year_with_data(data):
    analytics = Analytics(Y2025)
    assert rows(analytics.by_year, "label", "trained", "sessions") == [("2024/25", 2, 1), ("2025/26", 11, 4)]
    assert analytics.years_with_data == [Y2024, Y2025]


def test_by_course_and_by_category(data):
    analytics = Analytics(Y2025)
    assert rows(analytics.by_course, "course", "category", "trained", "sessions") == [
        ("WRAP", "WRAP", 5, 2),
        ("School staff briefing", "Education briefing", 4, 1),
        ("Member briefing", "Elected Member training", 2, 1),
    ]
    assert rows(analytics.by_category, "category", "trained", "sessions") == [
        ("WRAP", 5, 2),
        ("Education briefing", 4, 1),
        ("Elected Member training", 2, 1),
        ("Other training", 0, 0),
    ]


def test_by_audience_uses_the_snapshot_and_names_blank_not_known(data):
    assert rows(Analytics(Y2025).by_audience, "audience", "trained") == [
        ("Council", 3),
        ("School or college", 4),
        ("Other statutory partner", 0),
        ("Voluntary or community organisation", 1),
        ("Faith organisation", 0),
        ("Elected Member", 2),
        ("Other", 0),
        (NOT_KNOWN, 1),
    ]


def test_by_ward_through_the_organisation_in_the_register(data):
    assert rows(Analytics(Y2025).by_ward, "ward", "trained", "sessions") == [
        ("Addison", 4, 1),
        ("Brook Green", 1, 1),
        (NO_WARD, 6, 3),
    ]


def test_by_trainer_counts_a_shared_session_for_both(data):
    assert rows(Analytics(Y2025).by_trainer, "trainer", "sessions", "trained") == [
        ("Helen Price", 2, 5),
        ("Sam Okoro", 2, 7),
        (NO_TRAINER, 1, 2),
    ]


def test_feedback_for_the_year(data):
    totals = Analytics(Y2025).feedback_totals
    assert totals["responses"] == 4
    assert totals["response_rate"] == 36.4  # 4 of 11 trained
    assert (totals["mean_overall"], totals["mean_trainer"], totals["mean_relevance"]) == (4.0, 4.5, 4.33)
    # Uplift over the three responses with both: +2, +1, +3.
    assert (totals["confidence_before"], totals["confidence_after"]) == (2.33, 4.33)
    assert (totals["uplift"], totals["uplift_n"]) == (2.0, 3)
    assert totals["recommend_percent"] == 66.7  # 2 yes of 3 answered


def test_feedback_by_month(data):
    frame = Analytics(Y2025).feedback_by_month.set_index("label")
    assert frame.loc["Apr 2025", ["responses", "trained", "response_rate", "uplift", "uplift_n"]].tolist() == [
        2, 3, 66.7, 1.5, 2,
    ]  # fmt: skip
    assert frame.loc["May 2025", ["responses", "response_rate", "uplift_n"]].tolist() == [1, 25.0, 0]
    assert frame.loc["May 2025"].isna()["uplift"]
    assert frame.loc["Nov 2025", ["responses", "response_rate", "uplift", "uplift_n"]].tolist() == [1, 50.0, 3.0, 1]
    assert frame.loc["Jun 2025", "responses"] == 0 and frame.loc["Jun 2025"].isna()["response_rate"]


def test_feedback_by_course(data):
    frame = Analytics(Y2025).feedback_by_course
    assert rows(frame, "course", "responses", "trained", "response_rate") == [
        ("WRAP", 2, 5, 40.0),
        ("Member briefing", 1, 2, 50.0),
        ("School staff briefing", 1, 4, 25.0),
    ]
    assert frame.set_index("course").loc["WRAP", "mean_overall"] == 4.5


def test_recent_comments_newest_first_with_no_names(data):
    frame = Analytics(Y2025).recent_comments
    assert list(frame.columns) == ["date", "course", "most_useful", "improve"]
    assert rows(frame, "date", "course", "most_useful", "improve") == [
        (dt.date(2025, 5, 14), "School staff briefing", "Case studies", ""),
        (dt.date(2025, 4, 1), "WRAP", "", FORMULA),
        (dt.date(2025, 4, 1), "WRAP", SCRIPT, ""),
    ]
    assert rows(Analytics(Y2024).recent_comments, "improve") == [("Longer break",)]


def test_a_year_without_data_is_all_zeros(db):
    analytics = Analytics(Y2025)
    assert list(analytics.by_month["trained"]) == [0] * 12
    assert list(analytics.by_quarter["trained"]) == [0] * 4
    assert rows(analytics.by_year, "label", "trained") == [("2025/26", 0)]
    assert analytics.by_course.empty and analytics.by_ward.empty and analytics.by_trainer.empty
    assert analytics.feedback_totals["responses"] == 0
    assert analytics.recent_comments.empty


# --- The page ------------------------------------------------------------------------------------

URL = "/admin/reports/feedback-analytics/"
CAPTURED = []


def export_url(table: str, fmt: str, year: int = 2025) -> str:
    return f"{URL}export/{table}/?year={year}&export={fmt}"


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The rows of one table on the page, cell texts, as a screen reader reads them (headings included)."""
    table = BeautifulSoup(html, "html.parser").find(id=table_id)
    return [[cell.get_text(strip=True) for cell in row.find_all(["th", "td"])] for row in table.tbody.find_all("tr")]


def test_the_team_reads_the_figures_and_switches_year(client, data, team_admin):
    assert reverse("feedback_analytics:index") == URL
    client.force_login(team_admin)
    response = client.get(URL, {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert table_rows(html, "table-quarters") == [
        ["Q1 Apr–Jun", "7", "2"],
        ["Q2 Jul–Sep", "0", "0"],
        ["Q3 Oct–Dec", "2", "1"],
        ["Q4 Jan–Mar", "2", "1"],
    ]
    assert ["Helen Price", "2", "5"] in table_rows(html, "table-trainers")
    assert ["WRAP", "5", "2", "40", "4.5", "4.5", "4", "2.5", "4", "1.5", "2", "100"] in table_rows(
        html, "table-feedback-courses"
    )
    summary = BeautifulSoup(html, "html.parser").find(id="summary")
    assert [dd.get_text(" ", strip=True) for dd in summary.find_all("dd")] == [
        "11", "4", "4", "36.4%", "2 (n=3)", "66.7%",
    ]  # fmt: skip
    assert 'role="img"' in html and 'aria-labelledby="table-months-chart-title' in html

    html = client.get(URL, {"year": 2024}).content.decode()
    assert table_rows(html, "table-quarters")[3] == ["Q4 Jan–Mar", "2", "1"]
    assert '<option value="2024" selected>2024/25</option>' in html
    assert table_rows(html, "table-comments") == [["31 Mar 2025", "WRAP", "", "Longer break"]]


def test_comments_are_text_never_html_and_never_name_the_person(client, data, team_admin):
    client.force_login(team_admin)
    html = client.get(URL, {"year": 2025}).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert table_rows(html, "table-comments")[2] == ["1 Apr 2025", "WRAP", SCRIPT, ""]
    assert "Zebedee" not in html and "Quillfeather" not in html


def test_the_current_year_by_default_and_a_bad_year_says_so(client, data, team_admin):
    client.force_login(team_admin)
    current = FinancialYear.current()
    response = client.get(URL)
    assert f"{current.label} at a glance" in response.content.decode()
    response = client.get(URL, {"year": "1999"}, follow=True)
    html = response.content.decode()
    assert "That financial year is not on the list" in html
    assert f"{current.label} at a glance" in html


@pytest.mark.parametrize("role", [roles.OUTREACH_OFFICER, roles.TRAINER, roles.LEARNER, roles.ELECTED_MEMBER])
@pytest.mark.parametrize("path", [URL, export_url("quarters", "csv")])
def test_other_roles_are_refused(client, data, make_user, role, path):
    client.force_login(make_user(role))
    response = client.get(path)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"  # Wagtail's "Sorry, you do not have permission"
    assert b"Helen Price" not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, data):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_is_in_the_reports_menu_for_the_team_only(client, data, team_admin, make_user):
    client.force_login(team_admin)
    assert URL.encode() in client.get("/admin/").content
    client.force_login(make_user(roles.OUTREACH_OFFICER))
    assert URL.encode() not in client.get("/admin/").content


# --- Downloads -----------------------------------------------------------------------------------


def read(response, fmt: str) -> tuple[list[str], list[list]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        heading, *lines = csv.reader(io.StringIO(body.decode("utf-8-sig")))
        return heading, lines
    sheet = load_workbook(io.BytesIO(body)).active
    heading, *lines = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return heading, lines


def test_a_table_downloads_as_csv_and_xlsx(client, data, team_admin):
    client.force_login(team_admin)
    response = client.get(export_url("quarters", "csv"))
    assert response["Content-Disposition"] == 'attachment; filename="feedback-analytics-quarters-202526.csv"'
    assert read(response, "csv") == (
        ["Quarter", "Trained", "Sessions held"],
        [["Q1 Apr–Jun", "7", "2"], ["Q2 Jul–Sep", "0", "0"], ["Q3 Oct–Dec", "2", "1"], ["Q4 Jan–Mar", "2", "1"]],
    )
    heading, lines = read(client.get(export_url("feedback-months", "xlsx")), "xlsx")
    assert heading[:4] == ["Month", "Trained", "Responses", "Response rate (%)"]
    april = lines[0]
    assert april[:4] == ["Apr 2025", 3, 2, 66.7] and april[heading.index("Confidence uplift")] == 1.5
    assert lines[2][3] is None  # June: nobody trained, no rate (an empty cell, not 0 or NaN)
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()  # counts name nobody


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_comments_download_escapes_formulas_and_names_nobody(client, data, team_admin, fmt):
    client.force_login(team_admin)
    heading, lines = read(client.get(export_url("comments", fmt)), fmt)
    assert heading == ["Session date", "Course", "Most useful", "To improve"]
    improve = [line[3] for line in lines]
    assert "'" + FORMULA in improve
    assert SCRIPT in [line[2] for line in lines]
    assert not any(NAMED in str(value) for line in lines for value in line)
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_the_trainers_download_names_trainers_and_is_in_the_audit_log(client, data, team_admin):
    client.force_login(team_admin)
    heading, lines = read(client.get(export_url("trainers", "csv")), "csv")
    assert lines[0] == ["Helen Price", "2", "5"]
    assert ModelLogEntry.objects.filter(action=EXPORT_ACTION, user=team_admin).count() == 1


@pytest.mark.parametrize(
    "table", ["months", "years", "courses", "categories", "audiences", "wards", "feedback-courses"]
)
def test_every_table_downloads_what_the_page_shows(client, data, team_admin, table):
    client.force_login(team_admin)
    html = client.get(URL, {"year": 2025}).content.decode()
    heading, lines = read(client.get(export_url(table, "csv")), "csv")
    on_page = table_rows(html, f"table-{table}")
    assert len(lines) == len(on_page) and lines
    assert [line[0] for line in lines] == [row[0] for row in on_page]


def test_an_unknown_table_or_format_is_not_found(client, data, team_admin):
    client.force_login(team_admin)
    assert client.get(export_url("people", "csv")).status_code == 404
    assert client.get(f"{URL}export/quarters/?year=2025&export=pdf").status_code == 404


# --- Speed ---------------------------------------------------------------------------------------


def test_the_page_takes_as_many_queries_with_40_sessions_as_with_2(client, team_admin, django_assert_max_num_queries):
    wrap = CoursePageFactory(title="WRAP", reporting_category=ReportingCategory.WRAP)
    trainer = UserFactory(roles=[roles.TRAINER])

    def add_sessions(count: int) -> None:
        for n in range(count):
            session = held(wrap, at(2025, 4 + n % 9, 1 + n % 28, 10, 0), trainers=[trainer])
            marks = present(session, UserFactory(organisation=OrganisationFactory()), UserFactory())
            respond(session, dt.date(2025, 12, 1), attendance=marks[0], overall=4, most_useful=f"Comment {n}")

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"year": 2025}).status_code == 200
        CAPTURED[:] = captured.captured_queries
        return len(captured)

    client.force_login(team_admin)
    add_sessions(2)
    page_queries()  # the first request after signing in also reads what the session caches
    few = page_queries()
    add_sessions(38)
    assert page_queries() == few
    # Attendance is read twice (every held session with its count; the year's by kind and ward), feedback
    # three times (by month, by course, the comments); besides, the courses and the year's trainers. The
    # rest is the admin's own (session, user, menu).
    figures = [q["sql"] for q in CAPTURED if "events_attendance" in q["sql"] or "feedback_feedbackresponse" in q["sql"]]
    assert len(figures) == 5, figures
