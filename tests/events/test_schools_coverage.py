"""Schools coverage (events.coverage, Training → Schools coverage): by phase for a financial year, and the quiet schools."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from crm import roles
from crm.models import EstablishmentStatus, OrganisationType, OutreachVisit, SchoolPhase
from crm.periods import FinancialYear, financial_year_of, quarter_of
from events.coverage import NO_PHASE, schools_coverage
from events.models import Attendance, ReportingCategory, SessionStatus, TrainingSession
from tests.factories import CoursePageFactory, OrganisationFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 5, 15, 12, 0, tzinfo=LONDON)  # in 2026/27; 2025/26 is the year just ended
YEAR = FinancialYear(2025)
URL = "/admin/training/schools-coverage/"


def at(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def courses(db):
    return {
        "wrap": CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP),
        "briefing": CoursePageFactory(
            title="Whole-school briefing", slug="briefing", reporting_category=ReportingCategory.EDUCATION
        ),
    }


def school(name, phase, urn, **fields):
    return OrganisationFactory(name=name, organisation_type=OrganisationType.SCHOOL, urn=urn, phase=phase, **fields)


def held(course, starts, **fields):
    fields.setdefault("venue", "Hammersmith Town Hall")
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=1), capacity=40, **fields
    )


def staff_present(course, starts, organisation, **fields):
    person = UserFactory(organisation=organisation)
    return Attendance.objects.create(session=held(course, starts), user=person, organisation=organisation, **fields)


@pytest.fixture
def borough(frozen, courses):
    wrap, briefing = courses["wrap"], courses["briefing"]
    s = {
        "p1": school("Avonmore Primary", SchoolPhase.PRIMARY, "100001"),
        "p2": school("Brackenbury Primary", SchoolPhase.PRIMARY, "100002"),
        "p3": school("Flora Gardens Primary", SchoolPhase.PRIMARY, "100003"),
        "s1": school("Fulham Cross Academy", SchoolPhase.SECONDARY, "100004"),
        "s2": school("Hurlingham Academy", SchoolPhase.SECONDARY, "100005"),
        "s3": school("Phoenix Academy", SchoolPhase.SECONDARY, "100006"),
        "n1": school("Randolph Beresford Nursery", SchoolPhase.NURSERY, "100007"),
        "x1": school("Sands End School", "", "100008"),
        "closed": school(
            "Old Oak School", SchoolPhase.PRIMARY, "100009", establishment_status=EstablishmentStatus.CLOSED
        ),
    }
    staff_present(wrap, at(2025, 6, 10), s["p1"])  # trained
    held(briefing, at(2026, 3, 31, 23, 0), visibility="closed", organisation=s["p2"])  # briefed, the year's last hour
    staff_present(wrap, at(2026, 4, 1, 0, 30), s["p3"])  # the next year: reached then, not in 2025/26
    staff_present(wrap, at(2025, 9, 1), s["s1"])
    staff_present(briefing, at(2025, 11, 3), s["s1"])  # trained and briefed
    OutreachVisit.objects.create(  # outreach is engagement, not training
        uuid=uuid.uuid4(),
        visited_at=at(2026, 2, 2),
        ward=s["s2"].ward,
        organisation=s["s2"],
        contact_type="face_to_face",
        activity="assembly",
        people_engaged=300,
        officer=UserFactory(roles=[roles.OUTREACH_OFFICER]),
    )
    staff_present(wrap, at(2025, 3, 31, 23, 30), s["s3"])  # the year before: and more than 12 months ago
    cancelled = held(
        briefing, at(2025, 10, 1), visibility="closed", organisation=s["n1"], status=SessionStatus.CANCELLED
    )
    assert cancelled.status == SessionStatus.CANCELLED
    staff_present(wrap, at(2025, 10, 2), s["n1"], self_declared=True)  # typed at the door, never confirmed
    staff_present(wrap, at(2025, 7, 7), s["closed"])  # a closed school is not among the borough's open schools
    staff_present(wrap, at(2025, 7, 8), OrganisationFactory(name="Council housing"))  # not a school
    return s


def test_financial_years_and_quarters_run_from_april_in_london():
    assert financial_year_of(dt.date(2026, 3, 31)) == 2025 and financial_year_of(dt.date(2026, 4, 1)) == 2026
    # 23:30 on 31 March in London is still that day, although it is the next day in no time zone here...
    assert financial_year_of(at(2026, 3, 31, 23, 30)) == 2025
    # ... and 00:30 on 1 April (BST) is 23:30 UTC on 31 March, but the new year in London.
    assert financial_year_of(at(2026, 4, 1, 0, 30).astimezone(dt.UTC)) == 2026
    assert [quarter_of(dt.date(2025, month, 1)) for month in (4, 6, 7, 9, 10, 12)] == [1, 1, 2, 2, 3, 3]
    assert [quarter_of(dt.date(2026, month, 1)) for month in (1, 3)] == [4, 4]
    assert (YEAR.label, YEAR.first_day, YEAR.last_day) == ("2025/26", dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_coverage_by_phase_for_a_financial_year(borough):
    coverage = schools_coverage(year=YEAR)
    rows = {row.label: (row.schools, row.trained, row.briefed, row.reached) for row in coverage.phases}
    assert rows["Primary"] == (3, 1, 1, 2)
    assert rows["Secondary"] == (3, 1, 1, 1)
    assert rows["Nursery"] == (1, 0, 0, 0)
    assert rows[NO_PHASE] == (1, 0, 0, 0)
    assert rows["Special"] == (0, 0, 0, 0), "every phase is listed, with its zeros"
    total = coverage.total
    assert (total.schools, total.trained, total.briefed, total.reached, total.not_reached) == (8, 2, 2, 3, 5)
    assert total.reached_percent == 37.5
    assert coverage.trained_ids == {borough["p1"].pk, borough["s1"].pk}
    assert coverage.briefed_ids == {borough["p2"].pk, borough["s1"].pk}


def test_the_next_year_counts_its_own_sessions(borough):
    coverage = schools_coverage(year=FinancialYear(2026))
    assert coverage.trained_ids == {borough["p3"].pk}
    assert schools_coverage(year=FinancialYear(2024)).trained_ids == {borough["s3"].pk}


def test_schools_with_no_engagement_in_the_last_12_months(borough):
    coverage = schools_coverage(year=YEAR)
    quiet = [(item.organisation.name, item.last_engaged) for item in coverage.not_engaged]
    assert quiet == [
        ("Phoenix Academy", at(2025, 3, 31, 23, 30)),
        ("Randolph Beresford Nursery", None),
        ("Sands End School", None),
    ]


# --- The admin page and its downloads -------------------------------------------------------------------


@pytest.fixture
def team_client(client, borough):
    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    return client


def test_the_page_shows_the_year_chosen(team_client):
    response = team_client.get(URL, {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Open schools reached in 2025/26, by phase" in html
    assert '<option value="2025" selected>2025/26</option>' in html
    assert "Phoenix Academy" in html and "Avonmore Primary" not in html.split('id="no-engagement"')[1]
    assert "37.5%" in html


def test_a_bad_year_says_what_to_do_and_shows_the_current_one(team_client):
    response = team_client.get(URL, {"year": "1066"}, follow=True)
    html = response.content.decode()
    assert "Choose a financial year from the list" in html
    assert "Open schools reached in 2026/27, by phase" in html
    response = team_client.get(URL, {"export": "pdf"})
    assert response.status_code == 200 and "Choose CSV or XLSX" in response.content.decode()


def test_the_tables_download_as_csv_and_xlsx(team_client):
    response = team_client.get(URL, {"year": "2025", "table": "phases", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="schools-coverage-2025-26-by-phase-2026-05-15.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Phase",
        "Open schools",
        "Staff trained",
        "Briefed",
        "Reached (either)",
        "Not reached",
        "% reached",
    ]
    by_phase = {row[0]: row[1:] for row in rows[1:]}
    assert by_phase["Primary"] == ["3", "1", "1", "2", "1", "66.7"]
    assert by_phase["All open schools"] == ["8", "2", "2", "3", "5", "37.5"]

    response = team_client.get(URL, {"year": "2025", "table": "schools", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["School", "URN", "Phase", "Ward", "Last engagement"]
    assert [row[0] for row in values[1:]] == ["Phoenix Academy", "Randolph Beresford Nursery", "Sands End School"]
    assert values[1][1:3] == ["100006", "Secondary"]
    assert values[1][4] == dt.datetime(2025, 3, 31, 0, 0) and values[2][4] == "Never"


def test_only_the_team_sees_schools_coverage(client, borough):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(roles=[roles.OUTREACH_OFFICER]))
    response = client.get(URL, {"table": "schools", "export": "csv"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.force_login(UserFactory(roles=[roles.TRAINER]))
    assert client.get(URL).status_code == 403
