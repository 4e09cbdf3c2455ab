"""An organisation's engagement timeline (crm.timeline, events.timeline, crm.timeline_admin)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm import roles
from crm.models import OrganisationType, OutreachTag, OutreachVisit
from crm.timeline import TimelineItem, organisation_timeline, register_timeline_source, timeline_sources
from events.models import Attendance, ReportingCategory, SessionStatus, SessionVisibility, TrainingSession
from tests.factories import CoursePageFactory, OrganisationFactory, UserFactory, WardFactory

NOW = timezone.now()


@pytest.fixture
def wrap(db):
    return CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)


@pytest.fixture
def briefing(db):
    return CoursePageFactory(
        title="Whole-school briefing", slug="school-briefing", reporting_category=ReportingCategory.EDUCATION
    )


@pytest.fixture
def school(db):
    return OrganisationFactory(name="Brook Green Primary", organisation_type=OrganisationType.SCHOOL, urn="100001")


@pytest.fixture
def other(db):
    return OrganisationFactory(name="Shepherd's Bush Mosque", organisation_type=OrganisationType.FAITH)


def session(course, days, **fields):
    starts = NOW + dt.timedelta(days=days)
    fields.setdefault("venue", "Hammersmith Town Hall")
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=30, **fields
    )


def present(at, user=None, **fields):
    if user is not None:
        fields.setdefault("organisation", user.organisation)
    return Attendance.objects.create(session=at, user=user, **fields)


def visit(organisation, days, people=10, **fields):
    officer = fields.pop("officer", None) or UserFactory(roles=[roles.OUTREACH_OFFICER])
    return OutreachVisit.objects.create(
        uuid=uuid.uuid4(),
        visited_at=NOW + dt.timedelta(days=days),
        ward=organisation.ward if organisation else WardFactory(name="Grove"),
        organisation=organisation,
        contact_type="face_to_face",
        activity="assembly",
        people_engaged=people,
        officer=officer,
        **fields,
    )


@pytest.fixture
def history(wrap, briefing, school, other):
    """A year of a school's engagement, with the look-alikes that must stay off its timeline."""
    teachers = [UserFactory(organisation=school) for _ in range(3)]
    stranger = UserFactory(organisation=other)
    moved_on = UserFactory(organisation=other)  # was at the school on the day, works elsewhere now

    open_wrap = session(wrap, -90)
    present(open_wrap, teachers[0])
    present(open_wrap, teachers[1], organisation=None)  # marked before they were matched: their link now counts
    present(open_wrap, moved_on, organisation=school)  # the snapshot of the day counts, not today's job
    present(open_wrap, stranger)
    present(open_wrap, None, full_name="Walk In", email="walk.in@example.org", organisation=school, self_declared=True)
    undone = present(open_wrap, teachers[2])
    Attendance.history.filter(pk=undone.pk).update(undone_at=NOW - dt.timedelta(days=89))

    held = session(briefing, -30, visibility=SessionVisibility.CLOSED, organisation=school, venue="Brook Green Primary")
    for teacher in teachers:
        present(held, teacher)
    present(held, stranger)  # someone from elsewhere at the school's briefing: counted in its "present"

    upcoming = session(briefing, 20, visibility=SessionVisibility.CLOSED, organisation=school)
    cancelled = session(briefing, -10, visibility=SessionVisibility.CLOSED, organisation=school)
    cancelled.status = SessionStatus.CANCELLED
    cancelled.save()
    later_other = session(wrap, -5)
    present(later_other, stranger)  # the mosque's, not the school's

    tag = OutreachTag.objects.create(name="Online harms")
    assembly = visit(school, -60, people=240)
    assembly.tags.add(tag)
    visit(other, -3, people=12)
    visit(None, -2, people=30, venue="North End Road market")
    return {"open_wrap": open_wrap, "held": held, "upcoming": upcoming, "assembly": assembly}


def test_the_timeline_lists_training_closed_sessions_and_outreach_newest_first(school, history):
    items = organisation_timeline(school)
    assert [(item.kind, item.when, item.count) for item in items] == [
        ("closed_session", history["upcoming"].starts_at, None),
        ("closed_session", history["held"].starts_at, 4),
        ("outreach", history["assembly"].visited_at, 240),
        ("training", history["open_wrap"].starts_at, 3),
    ]
    upcoming, held, outreach, training = items
    assert upcoming.is_upcoming and not held.is_upcoming
    assert (held.title, held.kind_label, held.count_label) == (
        "Whole-school briefing",
        "Closed session held for it",
        "present",
    )
    assert (outreach.title, outreach.detail) == ("Assembly (face to face)", "Topics: Online harms")
    assert (training.title, training.kind_label) == ("WRAP", "Training its people attended")
    assert training.url == f"/admin/training/sessions/edit/{history['open_wrap'].pk}/"


def test_the_other_organisation_sees_only_its_own(other, history):
    """The mosque: its visit, and its person at three sessions (the school's briefing is training for it)."""
    assert [(item.kind, item.count) for item in organisation_timeline(other)] == [
        ("outreach", 12),
        ("training", 1),
        ("training", 1),
        ("training", 1),
    ]


def test_the_timeline_takes_the_same_few_queries_however_much_there_is(wrap, briefing, school, history):
    with CaptureQueriesContext(connection) as some:
        organisation_timeline(school)
    for days in range(-200, -100, 10):
        present(session(wrap, days), UserFactory(organisation=school))
        present(session(briefing, days + 1, visibility="closed", organisation=school), UserFactory(organisation=school))
        visit(school, days + 2).tags.add(OutreachTag.objects.get_or_create(name=f"Tag {days}")[0])
    with CaptureQueriesContext(connection) as many:
        items = organisation_timeline(school)
    assert len(items) == 4 + 30
    # Outreach 2 (visits, tags), training 3 (closed sessions, attendance, sessions), the forum 2 (issue 14).
    assert len(many) == len(some) <= 7, [query["sql"] for query in many]


def test_apps_register_sources_and_a_new_source_joins_the_timeline(school, history):
    from crm.timeline import _sources, outreach_timeline_items
    from events.timeline import training_timeline_items

    assert outreach_timeline_items in timeline_sources() and training_timeline_items in timeline_sources()

    def forum_membership(*, organisation_ids, since, until):
        return [
            TimelineItem(
                organisation_id=pk, when=NOW - dt.timedelta(days=1), kind="forum", kind_label="Forum", title="Joined"
            )
            for pk in organisation_ids
        ]

    register_timeline_source(forum_membership)
    register_timeline_source(forum_membership)  # an app's ready() may run twice: registered once
    try:
        assert [item.kind for item in organisation_timeline(school)][:2] == ["closed_session", "forum"]
        assert sum(item.kind == "forum" for item in organisation_timeline(school)) == 1
    finally:
        _sources.remove(forum_membership)


# --- The admin page ---------------------------------------------------------------------------------------


def timeline_url(organisation):
    return f"/admin/crm/organisations/timeline/{organisation.pk}/"


def test_the_team_sees_the_timeline_page_linked_from_the_organisation(client, school, history):
    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    response = client.get(timeline_url(school))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Engagement timeline: Brook Green Primary" in html
    assert html.index("Whole-school briefing") < html.index("Assembly (face to face)") < html.index(">WRAP<")
    assert "240 engaged" in html and "3 present" in html and "Upcoming" in html
    for person in Attendance.objects.filter(session=history["held"]).select_related("user"):
        assert person.user.email not in html and person.user.get_full_name() not in html, "counts only, no names"
    assert timeline_url(school) in client.get(f"/admin/crm/organisations/edit/{school.pk}/").content.decode()
    assert timeline_url(school) in client.get("/admin/crm/organisations/").content.decode()


def test_only_the_team_opens_the_timeline(client, school, history):
    assert client.get(timeline_url(school)).status_code == 302  # to sign in
    client.force_login(UserFactory(roles=[roles.OUTREACH_OFFICER]))
    response = client.get(timeline_url(school))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert timeline_url(school) not in client.get(f"/admin/crm/organisations/edit/{school.pk}/").content.decode()
    client.force_login(UserFactory(roles=[roles.LEARNER]))
    assert client.get(timeline_url(school)).status_code == 403


def test_an_unknown_organisation_is_not_found(client, db):
    client.force_login(UserFactory(roles=[roles.PREVENT_ADMIN]))
    assert client.get("/admin/crm/organisations/timeline/999999/").status_code == 404
