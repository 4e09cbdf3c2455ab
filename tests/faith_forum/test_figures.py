"""Issue 14: forum events count in no FY figure; a forum event that is a session of a WRAP course counts as WRAP.

FY 2025/26. WRAP in June (2 council staff); a forum meeting in July (4 from faith organisations) and a
site visit in September (3, one of them council staff), both sessions of forum-category courses; and in
October a forum event held as a session of the WRAP course (3 from faith organisations): WRAP.
The report, the quarterly return and the analytics dashboard all read ``counted_attendances`` and
``held_sessions`` (feedback.selectors); each is checked here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from crm import roles
from crm.models import OrganisationType
from crm.periods import FinancialYear
from events.models import ReportingCategory, TrainingSession
from events.services import attendance_record
from faith_forum.models import EventAudience, EventKind, ForumEvent
from feedback.analytics import Analytics
from feedback.models import FeedbackResponse
from feedback.reports import performance_report, quarterly_return
from feedback.selectors import counted_attendances, counted_responses, held_sessions
from tests.factories import CoursePageFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
FY = FinancialYear(2025)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def held(course, starts, title=None, **fields):
    session = TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", **fields
    )
    if title:
        ForumEvent.objects.create(
            session=session, title=title, kind=EventKind.MEETING, audience=EventAudience.MEMBERS, is_published=True
        )
    return session


def present(session, n, organisation_type):
    people = [UserFactory(roles=[roles.FAITH_FORUM_MEMBER], organisation_type=organisation_type) for _ in range(n)]
    return [attendance_record(session=session, user=person)[0] for person in people]


@pytest.fixture
def year():
    wrap = CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)
    meeting = CoursePageFactory(
        title="Faith Forum meeting", slug="forum-meeting", reporting_category=ReportingCategory.FORUM
    )
    visit = CoursePageFactory(
        title="Faith Forum site visit", slug="site-visit", reporting_category=ReportingCategory.FORUM
    )
    june = held(wrap, at(2025, 6, 11, 10))
    present(june, 2, OrganisationType.COUNCIL)
    july = held(meeting, at(2025, 7, 9, 18, 30), "Forum meeting", places_limited=False)
    present(july, 4, OrganisationType.FAITH)
    september = held(visit, at(2025, 9, 13, 11), "Visit to the gurdwara", places_limited=False)
    present(september, 2, OrganisationType.FAITH)
    present(september, 1, OrganisationType.COUNCIL)
    october = held(wrap, at(2025, 10, 8, 18, 30), "WRAP for forum members")
    present(october, 3, OrganisationType.FAITH)
    for session, overall in ((june, 5), (july, 1), (september, 1)):
        FeedbackResponse.objects.create(
            session=session, anonymous=True, submitted_on=session.starts_at.date(), overall=overall
        )
    return {"june": june, "july": july, "september": september, "october": october}


def test_the_selectors_leave_out_forum_category_sessions(year):
    assert counted_attendances(starts=FY.starts_at, ends=FY.ends_at).count() == 5
    assert set(held_sessions(starts=FY.starts_at, ends=FY.ends_at)) == {year["june"], year["october"]}


def test_the_performance_report_counts_no_forum_category_session(year):
    report = performance_report(year=2025)
    assert report["wrap"] == {"sessions": 2, "trained": 5, "council_staff": 2, "external_staff": 3}
    assert report["education"] == {"sessions": 0, "trained": 0}
    assert report["members"]["trained"] == 0 and report["members"]["sessions"] == 0
    # Feedback from forum events is not the training's.
    assert report["feedback"]["responses"] == 1 and report["feedback"]["mean_overall"] == 5.0


def test_the_quarterly_return_counts_no_forum_category_session(year):
    q1, q2, q3, q4, whole = (figures for _label, figures in quarterly_return(year=2025).periods)
    assert (q1["wrap"]["trained"], q1["wrap"]["sessions"]) == (2, 1)
    assert q2["wrap"] == {"sessions": 0, "trained": 0, "council_staff": 0, "external_staff": 0}  # the forum's quarter
    assert q2["education"] == {"sessions": 0, "trained": 0} and q2["members"]["trained"] == 0
    assert (q3["wrap"]["trained"], q3["wrap"]["sessions"], q3["wrap"]["external_staff"]) == (3, 1, 3)
    assert q4["wrap"]["trained"] == 0
    assert (whole["wrap"]["trained"], whole["wrap"]["sessions"]) == (5, 2)


def test_the_analytics_dashboard_counts_no_forum_category_session(year):
    analytics = Analytics(FY)
    assert analytics.totals == {"trained": 5, "sessions": 2}
    assert list(analytics.by_course["course"]) == ["WRAP"]
    assert [
        tuple(row) for row in analytics.by_category[["category", "trained", "sessions"]].itertuples(index=False)
    ] == [
        ("WRAP", 5, 2),
        ("Education briefing", 0, 0),
        ("Elected Member training", 0, 0),
        ("Other training", 0, 0),
    ]
    audience = dict(zip(analytics.by_audience["audience"], analytics.by_audience["trained"], strict=True))
    assert (audience["Faith organisation"], audience["Council"]) == (3, 2)
    by_month = dict(zip(analytics.by_month["month"], analytics.by_month["trained"], strict=True))
    assert by_month[dt.date(2025, 7, 1)] == 0 and by_month[dt.date(2025, 9, 1)] == 0


def test_the_dashboards_feedback_leaves_out_forum_events(year):
    assert counted_responses(starts=FY.starts_at, ends=FY.ends_at).count() == 1
    assert Analytics(FY).feedback_totals["responses"] == 1
