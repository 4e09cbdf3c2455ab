"""The performance report and the quarterly return (feedback.reports): every number, from registers with known totals.

FY 2018/19 is 1 April 2018 to 31 March 2019 (London). Built through the services: bookings, marks,
no-shows (register_close), a cancelled session, an empty one, sessions either side of 1 April
(00:30 on 1 April in BST is 23:30 UTC on 31 March), a Member whose side changes afterwards, a
double mark, outreach either side of 1 April, and feedback rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from crm import roles
from crm.outreach.services import outreach_visit_log
from crm.services import member_details_update
from crm.suppression import FEWER_THAN, SUPPRESSION_NOTE
from events.models import ReportingCategory, SessionStatus, TrainingSession
from events.services import attendance_record, booking_create, register_close
from feedback.models import FeedbackResponse
from feedback.report_sentences import report_sentences
from feedback.reports import SECTIONS, UNSUPPRESSED, performance_report, quarterly_return
from tests.factories import CoursePageFactory, WardFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2019, 6, 15, 12, 0, tzinfo=LONDON)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def courses(db):
    return {
        "wrap": CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP),
        "education": CoursePageFactory(
            title="School briefing", slug="school-briefing", reporting_category=ReportingCategory.EDUCATION
        ),
        "member": CoursePageFactory(
            title="Member training", slug="member-training", reporting_category=ReportingCategory.MEMBER
        ),
    }


@pytest.fixture
def world(courses, make_user, team_admin):
    """FY 2018/19 with known totals, and sessions and visits just outside it."""
    with time_machine.travel(NOW, tick=False):
        return _build(courses, make_user, team_admin)


def _session(course, starts, **fields):
    return TrainingSession.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=30,
        venue="Town Hall",
        **fields,
    )


def _booked(session, user):
    with time_machine.travel(session.starts_at - dt.timedelta(days=5), tick=False):
        return booking_create(session=session, user=user)


def _walk_in(session, n, org_type, **fields):
    return attendance_record(
        session=session,
        full_name=f"Walk In {n}",
        email=f"walk.in.{session.pk}.{n}@example.org",
        organisation_type=org_type,
        **fields,
    )[0]


def _build(courses, make_user, team):
    wrap, education, member = courses["wrap"], courses["education"], courses["member"]
    council = [make_user(roles.LEARNER, organisation_type="council") for _ in range(5)]

    # WRAP, Q1: 00:30 on 1 April 2018 (BST): 23:30 UTC on 31 March, in the new year. One council officer.
    first_april = _session(wrap, at(2018, 4, 1, 0, 30))
    assert first_april.starts_at.astimezone(dt.UTC).date() == dt.date(2018, 3, 31)
    attendance_record(session=first_april, user=council[0], by=team)
    # WRAP, Q1, June: 3 council (booked), 2 external walk-ins, a no-show, an unconfirmed self-declared mark,
    # and one person marked twice (counted once).
    june = _session(wrap, at(2018, 6, 12, 10))
    for person in council[1:4]:
        attendance_record(session=june, booking=_booked(june, person), by=team)
    attendance_record(session=june, user=council[1], by=team)  # the same person again: one mark
    _booked(june, council[4])  # never came
    _walk_in(june, 1, "statutory", by=team)
    _walk_in(june, 2, "", by=team)
    _walk_in(june, 3, "council", self_declared=True)
    register_close(session=june, by=team, now=NOW)
    assert june.bookings.filter(no_show=True).count() == 1
    # WRAP, Q2: nobody came (a no-show only): not held. Cancelled in September after a mark: never counts.
    empty = _session(wrap, at(2018, 8, 7, 10))
    _booked(empty, council[4])
    register_close(session=empty, by=team, now=NOW)
    cancelled = _session(wrap, at(2018, 9, 4, 10))
    _walk_in(cancelled, 1, "council", by=team)
    TrainingSession.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
    # Just outside: 23:30 on 31 March 2018, and 00:30 on 1 April 2019.
    before = _session(wrap, at(2018, 3, 31, 23, 30))
    _walk_in(before, 1, "council", by=team)
    after = _session(wrap, at(2019, 4, 1, 0, 30))
    _walk_in(after, 1, "council", by=team)

    # Education, Q3: four school staff.
    school = _session(education, at(2018, 10, 9, 15, 45))
    for n in range(4):
        _walk_in(school, n, "school", by=team)

    # Members, Q4: three Administration (one in the Cabinet), one Opposition, one officer.
    members = session_members = _session(member, at(2019, 1, 15, 18))
    admin = [make_user(roles.ELECTED_MEMBER, member_side="administration") for _ in range(3)]
    cabinet = admin[0]
    cabinet.is_cabinet_member = True
    cabinet.save()
    opposition = make_user(roles.ELECTED_MEMBER, member_side="opposition")
    for person in [*admin, opposition]:
        attendance_record(session=members, user=person, by=team)
    attendance_record(session=members, user=make_user(roles.LEARNER, organisation_type="council"), by=team)
    # Later: the Opposition Member crosses the floor into the Cabinet; the Cabinet Member leaves it.
    member_details_update(
        actor=team, user=opposition, political_group="Labour", member_side="administration", is_cabinet_member=True
    )
    member_details_update(
        actor=team, user=cabinet, political_group="Labour", member_side="administration", is_cabinet_member=False
    )

    # Outreach: just before, Q1 (00:30 on 1 April, face to face), Q2 (phone), Q4 (31 March 22:00), just after.
    officer = make_user(roles.OUTREACH_OFFICER)
    ward = WardFactory(name="Grove")
    for n, (when, kind) in enumerate(
        [
            (at(2018, 3, 31, 23, 30), "face_to_face"),
            (at(2018, 4, 1, 0, 30), "face_to_face"),
            (at(2018, 7, 20, 14), "phone"),
            (at(2019, 3, 31, 22), "face_to_face"),
            (at(2019, 4, 1, 0, 30), "face_to_face"),
        ]
    ):
        outreach_visit_log(
            officer=officer,
            uuid=f"00000000-0000-4000-8000-{n:012d}",
            visited_at=when,
            ward=ward,
            contact_type=kind,
            activity="other",
            people_engaged=10,
        )

    # Feedback: three on June's WRAP (Q1), one on the Member session (Q4); none of the others count.
    day = dt.date(2019, 2, 1)
    for session, overall, before_, after_ in [
        (june, 5, 2, 4),
        (june, 4, 3, 3),
        (june, 3, 2, None),
        (session_members, 4, 1, 4),
        (cancelled, 1, 5, 1),
        (before, 1, 5, 1),
        (after, 1, 5, 1),
        (empty, 1, 5, 1),
    ]:
        FeedbackResponse.objects.create(
            session=session, submitted_on=day, overall=overall, confidence_before=before_, confidence_after=after_
        )
    FeedbackResponse.objects.create(session=june, submitted_on=day, anonymous=True)  # nothing rated
    return None


YEAR = {
    "financial_year": "2018/19",
    "start": "2018-04-01",
    "end": "2019-03-31",
    "wrap": {"sessions": 2, "trained": 6, "council_staff": 4, "external_staff": 2},
    "education": {"sessions": 1, "trained": 4},
    "members": {"sessions": 1, "trained": 5, "administration": 3, "opposition": 1, "cabinet": 1, "others": 1},
    "outreach": {"total": 3, "face_to_face": 2},
    "feedback": {"responses": 5, "mean_overall": 4.0, "confidence_uplift": 1.67},
    "feedback_covers": "Responses about every held session in the period, all course categories.",
}
EMPTY = {
    "wrap": {"sessions": 0, "trained": 0, "council_staff": 0, "external_staff": 0},
    "education": {"sessions": 0, "trained": 0},
    "members": {"sessions": 0, "trained": 0, "administration": 0, "opposition": 0, "cabinet": 0, "others": 0},
    "outreach": {"total": 0, "face_to_face": 0},
    "feedback": {"responses": 0, "mean_overall": None, "confidence_uplift": None},
}
QUARTERS = {
    "Q1 Apr–Jun": {
        **EMPTY,
        "wrap": {"sessions": 2, "trained": 6, "council_staff": 4, "external_staff": 2},
        "outreach": {"total": 1, "face_to_face": 1},
        "feedback": {"responses": 4, "mean_overall": 4.0, "confidence_uplift": 1.0},
    },
    "Q2 Jul–Sep": {**EMPTY, "outreach": {"total": 1, "face_to_face": 0}},
    "Q3 Oct–Dec": {**EMPTY, "education": {"sessions": 1, "trained": 4}},
    "Q4 Jan–Mar": {
        **EMPTY,
        "members": YEAR["members"],
        "outreach": {"total": 1, "face_to_face": 1},
        "feedback": {"responses": 1, "mean_overall": 4.0, "confidence_uplift": 3.0},
    },
}


def test_the_year_report_counts_every_rule(world):
    with time_machine.travel(NOW, tick=False):
        assert performance_report(year=2018) == YEAR


def test_the_years_either_side_hold_only_their_own_sessions(world):
    with time_machine.travel(NOW, tick=False):
        before, after = performance_report(year=2017), performance_report(year=2019)
    assert before["wrap"] == {"sessions": 1, "trained": 1, "council_staff": 1, "external_staff": 0}
    assert before["outreach"] == {"total": 1, "face_to_face": 1}
    assert before["feedback"] == {"responses": 1, "mean_overall": 1.0, "confidence_uplift": -4.0}
    assert after["wrap"]["trained"] == 1 and after["outreach"]["total"] == 1


def test_an_empty_year_has_zeros_and_no_means(db):
    report = performance_report(year=2030)
    assert {key: report[key] for key in EMPTY} == EMPTY


def test_the_quarters_add_up_to_the_year(world):
    with time_machine.travel(NOW, tick=False):
        figures = quarterly_return(year=2018)
    labels = [label for label, _ in figures.periods]
    assert labels == [*QUARTERS, "Year 2018/19"]
    for label, period in figures.periods[:4]:
        assert period == QUARTERS[label], label
    assert figures.periods[4][1] == {key: YEAR[key] for key in EMPTY}


def test_the_sentences_read_like_the_committee_report(world):
    with time_machine.travel(NOW, tick=False):
        sentences = report_sentences(performance_report(year=2018))
    assert sentences[0] == (
        "The team trained six staff, consisting of four local authority staff and two external staff, "
        "in two WRAP sessions."
    )
    assert sentences[1] == "Four education staff were trained in one briefing/training session."
    assert sentences[2] == (
        "Elected Member training: one session, attended by one Member from the Opposition and three Members "
        "from the Administration (including one Cabinet Member)."
    )
    assert sentences[3] == "One officer or guest also attended."
    assert (
        sentences[4] == "There were three instances of community outreach, with two instances of face-to-face outreach."
    )
    assert sentences[5] == (
        "Feedback on the year's training (all courses) was positive: a mean overall rating of 4 out of 5 from five "
        "responses."
    )
    assert "rose by 1.67 points" in sentences[6]


def test_the_source_reports_sentences():
    report = {
        "wrap": {"sessions": 22, "trained": 493, "council_staff": 394, "external_staff": 99},
        "education": {"sessions": 38, "trained": 923},
        "members": {"sessions": 1, "trained": 12, "administration": 11, "opposition": 1, "cabinet": 2, "others": 0},
        "outreach": {"total": 237, "face_to_face": 144},
        "feedback": {"responses": 40, "mean_overall": 4.62, "confidence_uplift": None},
    }
    text = " ".join(report_sentences(report))
    assert "the team trained 493 staff, consisting of 394 local authority staff and 99 external staff" in text.lower()
    assert "923 education staff were trained in 38 briefing/training sessions" in text
    assert (
        "attended by one Member from the Opposition and eleven Members from the Administration (including two Cabinet Members)"
        in text
    )
    assert "237 instances of community outreach, with 144 instances of face-to-face outreach" in text
    assert (
        "Feedback on the year's training (all courses) was very positive: a mean overall rating of 4.62 out of 5 from "
        "40 responses" in text
    )


def test_a_year_without_sessions_says_none_were_held():
    empty = {"sessions": 0, "trained": 0}
    report = {
        "wrap": {**empty, "council_staff": 0, "external_staff": 0},
        "education": empty,
        "members": {**empty, "administration": 0, "opposition": 0, "cabinet": 0, "others": 0},
        "outreach": {"total": 0, "face_to_face": 0},
        "feedback": {"responses": 0, "mean_overall": None, "confidence_uplift": None},
    }
    sentences = report_sentences(report)
    assert sentences[:3] == [
        "No WRAP sessions were held.",
        "No education briefings were held.",
        "No elected Member training was held.",
    ]


# --- Commands ---------------------------------------------------------------------------------


def test_the_command_writes_the_json_and_the_csv(world, tmp_path):
    with time_machine.travel(NOW, tick=False):
        out = io.StringIO()
        call_command("performance_report", "--year", "2018", "--format", "json", stdout=out)
        assert json.loads(out.getvalue()) == YEAR
        target = tmp_path / "report.csv"
        call_command(
            "performance_report", "--year", "2018", "--format", "csv", "--output", str(target), stderr=io.StringIO()
        )
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Section", "Measure", "Value"]
    assert rows[1] == ["Financial year", "Year", "2018/19"]
    values = {(section, measure): value for section, measure, value in rows[1:]}
    for section, (section_label, measures) in SECTIONS.items():
        for measure, label in measures:
            expected = YEAR[section][measure]
            assert values[(section_label, label)] == ("" if expected is None else str(expected)), label


@pytest.mark.parametrize("year", ["abc", "18/19", "1899", "3000"])
def test_the_command_refuses_a_nonsense_year(db, year):
    with pytest.raises(CommandError, match="year"):
        call_command("performance_report", "--year", year)


def test_the_quarterly_return_xlsx_has_a_sheet_a_quarter_and_every_cell(world, tmp_path):
    target = tmp_path / "return.xlsx"
    with time_machine.travel(NOW, tick=False):
        call_command(
            "quarterly_return", "--year", "2018", "--format", "xlsx", "--output", str(target), stderr=io.StringIO()
        )
    book = load_workbook(target)
    assert book.sheetnames == ["Q1 Apr–Jun", "Q2 Jul–Sep", "Q3 Oct–Dec", "Q4 Jan–Mar", "Year 2018-19"]
    expected = {**QUARTERS, "Year 2018-19": {key: YEAR[key] for key in EMPTY}}
    for name in book.sheetnames:
        rows = [[cell.value for cell in row] for row in book[name].iter_rows()]
        assert rows[0] == ["Section", "Measure", "Value"]
        want = [
            [
                section_label,
                label,
                expected[name][section][measure] if expected[name][section][measure] is not None else None,
            ]
            for section, (section_label, measures) in SECTIONS.items()
            for measure, label in measures
        ]
        assert rows[1:] == want, name


def test_the_quarterly_return_csv_and_a_workbook_needs_a_file(world):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("quarterly_return", "--year", "2018", "--format", "csv", stdout=out)
        with pytest.raises(CommandError, match="--output"):
            call_command("quarterly_return", "--year", "2018", "--format", "xlsx")
    heading, *rows = csv.reader(io.StringIO(out.getvalue()))
    assert heading == ["Quarter", "Section", "Measure", "Value"]
    assert len(rows) == 5 * sum(len(measures) for _, measures in SECTIONS.values())
    assert ["Q4 Jan–Mar", "Elected Members", "Members from the Administration", "3"] in rows
    assert ["Q1 Apr–Jun", "Feedback", "Mean confidence uplift (after minus before)", "1.0"] in rows
    assert ["Year 2018/19", "WRAP", "Staff trained", "6"] in rows


def test_the_publishable_return_hides_small_counts_and_what_gives_them_away(world):
    with time_machine.travel(NOW, tick=False):
        figures = quarterly_return(year=2018, publishable=True)
    periods = dict(figures.periods)
    year = periods["Year 2018/19"]
    # A count left shown stays a number, so the sheet can add it up.
    assert year["wrap"] == {"sessions": 2, "trained": 6, "council_staff": FEWER_THAN, "external_staff": FEWER_THAN}
    assert periods["Q1 Apr–Jun"]["wrap"]["trained"] == 6
    assert periods["Q4 Jan–Mar"]["members"]["trained"] == 5
    # Administration 3 + Opposition 1 + others 1 = 5: all three small, so nothing shown can give one away.
    assert [periods["Q4 Jan–Mar"]["members"][key] for key in ("administration", "opposition", "others")] == [
        FEWER_THAN
    ] * 3
    assert year["members"]["administration"] == FEWER_THAN
    assert year["feedback"]["responses"] == 5
    assert year["feedback"]["mean_overall"] == 4.0  # five responses: shown
    assert periods["Q4 Jan–Mar"]["feedback"]["mean_overall"] == "not shown: fewer than 5 responses"
    assert periods["Q2 Jul–Sep"]["feedback"]["mean_overall"] is None
    for label, period in figures.periods:
        for section, values in period.items():
            for measure, value in values.items():
                if isinstance(value, int) and (section, measure) not in UNSUPPRESSED:
                    assert value >= 5, (label, section, measure)


def test_the_publishable_csv_carries_the_note(world):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("quarterly_return", "--year", "2018", "--format", "csv", "--publishable", stdout=out)
    *_, last = csv.reader(io.StringIO(out.getvalue()))
    assert last == ["Note", "", "", SUPPRESSION_NOTE]
    assert FEWER_THAN in out.getvalue()


# --- The admin page ---------------------------------------------------------------------------


def test_the_team_reads_the_report_and_switches_year(client, world, team_admin):
    client.force_login(team_admin)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("feedback_report:index") + "?year=2018")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Performance report 2018/19" in text
        assert "The team trained six staff, consisting of four local authority staff and two external staff" in text
        assert '<option value="2017">2017/18</option>' in text  # a year with data
        assert (
            '<option value="2019" selected>2019/20</option>'
            in client.get(reverse("feedback_report:index")).content.decode()
        )
        other = client.get(reverse("feedback_report:index") + "?year=2017").content.decode()
        assert "The team trained one member of staff" in other
        bad = client.get(reverse("feedback_report:index") + "?year=nonsense", follow=True)
        assert "not a financial year" in bad.content.decode()
        response = client.get(reverse("feedback_report:json") + "?year=2018")
        assert response["Content-Disposition"].startswith("attachment")
        assert json.loads(response.content) == YEAR
        publishable = client.get(reverse("feedback_report:publishable") + "?year=2018").content.decode()
        assert FEWER_THAN in publishable and "cannot be worked out" in publishable
        quarterly = client.get(reverse("feedback_report:quarterly") + "?year=2018&export=xlsx")
        assert load_workbook(io.BytesIO(quarterly.content)).sheetnames[0] == "Q1 Apr–Jun"


@pytest.mark.parametrize("role", [roles.OUTREACH_OFFICER, roles.TRAINER, roles.LEARNER, roles.ELECTED_MEMBER])
def test_other_roles_are_refused(client, make_user, role):
    client.force_login(make_user(role))
    for name in ("index", "json", "quarterly", "publishable"):
        response = client.get(reverse(f"feedback_report:{name}") + "?year=2018&export=csv")
        assert response.status_code in (302, 403), name
        assert "attachment" not in response.get("Content-Disposition", "")


def test_the_year_is_four_queries_whatever_the_size(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
        performance_report(year=2018)
    assert len(captured) == 4, [query["sql"] for query in captured]
