"""Issue 14: forum membership and forum events on an organisation's engagement timeline (crm.timeline).

Forum events are sessions of forum-category courses: they are on the timeline once, as forum
attendance, and never as training (events.timeline leaves them out).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.models import OrganisationType
from crm.timeline import organisation_timeline, timeline_sources
from events.models import Attendance, ReportingCategory, SessionVisibility, TrainingSession
from faith_forum.models import EventKind, ForumEvent, ForumMembership, MembershipStatus
from faith_forum.timeline import forum_timeline_items
from tests.factories import CoursePageFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate()


@pytest.fixture
def mosque():
    return OrganisationFactory(name="Shepherd's Bush Mosque", organisation_type=OrganisationType.FAITH)


@pytest.fixture
def church():
    return OrganisationFactory(name="St Paul's Church", organisation_type=OrganisationType.FAITH)


@pytest.fixture
def meeting_course():
    return CoursePageFactory(
        title="Faith Forum meeting", slug="forum-meeting", reporting_category=ReportingCategory.FORUM
    )


@pytest.fixture
def wrap():
    return CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)


def session(course, days, **fields):
    starts = NOW + dt.timedelta(days=days)
    fields.setdefault("venue", "Hammersmith Town Hall")
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=30, **fields
    )


def forum_event(course, days, title, **fields):
    made = session(course, days, places_limited=False, **fields)
    ForumEvent.objects.create(session=made, title=title, kind=EventKind.MEETING, is_published=True)
    return made


def present(at, user=None, **fields):
    if user is not None:
        fields.setdefault("organisation", user.organisation)
    return Attendance.objects.create(session=at, user=user, **fields)


def test_the_forum_registers_its_source():
    assert forum_timeline_items in timeline_sources()


def test_membership_joined_lapsed_and_left_are_on_the_timeline(mosque, church):
    ForumMembership.objects.create(
        organisation=mosque,
        faith="muslim",
        status=MembershipStatus.LEFT,
        joined_on=TODAY - dt.timedelta(days=400),
        lapsed_on=TODAY - dt.timedelta(days=30),
        left_on=TODAY - dt.timedelta(days=10),
    )
    ForumMembership.objects.create(organisation=church, faith="christian", joined_on=TODAY - dt.timedelta(days=5))
    items = [item for item in organisation_timeline(mosque) if item.kind == "forum_membership"]
    assert [(item.title, timezone.localdate(item.when)) for item in items] == [
        ("Left the Faith Forum", TODAY - dt.timedelta(days=10)),
        ("Membership lapsed", TODAY - dt.timedelta(days=30)),
        ("Joined the Faith Forum", TODAY - dt.timedelta(days=400)),
    ]
    assert {item.kind_label for item in items} == {"Faith Forum membership"}
    assert items[-1].detail == "Muslim"
    church_items = [(item.kind, item.title) for item in organisation_timeline(church)]
    assert church_items == [("forum_membership", "Joined the Faith Forum")]


def test_the_timelines_limits_apply_to_membership_dates(mosque):
    ForumMembership.objects.create(
        organisation=mosque,
        faith="muslim",
        joined_on=TODAY - dt.timedelta(days=400),
        lapsed_on=TODAY - dt.timedelta(days=30),
    )
    since = NOW - dt.timedelta(days=100)
    assert [item.title for item in organisation_timeline(mosque, since=since)] == ["Membership lapsed"]
    assert [item.title for item in organisation_timeline(mosque, until=since)] == ["Joined the Faith Forum"]


def test_forum_events_its_people_attended_one_item_each_with_the_count_never_as_training(
    mosque, church, meeting_course, wrap
):
    imam, trustee = UserFactory(organisation=mosque), UserFactory(organisation=mosque)
    vicar = UserFactory(organisation=church)
    march = forum_event(meeting_course, -60, "Forum meeting: community safety")
    present(march, imam)
    present(march, trustee)
    present(march, vicar)
    present(march, None, full_name="Walk In", email="walk.in@example.org", organisation=mosque, self_declared=True)
    april = forum_event(meeting_course, -30, "Visit to the gurdwara")
    present(april, trustee)
    upcoming = forum_event(meeting_course, 10, "Forum meeting: next")
    present(upcoming, imam)  # marked early, the event not over: counts nowhere yet
    training = session(wrap, -20)
    present(training, imam)

    items = organisation_timeline(mosque)
    assert [(item.kind, item.title, item.count) for item in items] == [
        ("training", "WRAP", 1),
        ("forum_event", "Visit to the gurdwara", 1),
        ("forum_event", "Forum meeting: community safety", 2),
    ]
    event = items[-1]
    assert (event.kind_label, event.count_label, event.detail) == (
        "Faith Forum event its people attended",
        "present",
        "Hammersmith Town Hall",
    )
    assert event.url == f"/admin/training/sessions/edit/{march.pk}/"
    assert [(item.kind, item.count) for item in organisation_timeline(church)] == [("forum_event", 1)]


def test_a_forum_session_without_its_forum_event_row_is_named_by_its_course(mosque, meeting_course):
    held = session(meeting_course, -5)
    present(held, UserFactory(organisation=mosque))
    [item] = organisation_timeline(mosque)
    assert (item.kind, item.title) == ("forum_event", "Faith Forum meeting")


def test_a_closed_forum_session_held_for_an_organisation_is_not_training(mosque, meeting_course):
    held = session(meeting_course, -5, visibility=SessionVisibility.CLOSED, organisation=mosque)
    present(held, UserFactory(organisation=mosque))
    assert [item.kind for item in organisation_timeline(mosque)] == ["forum_event"]


def test_the_forum_source_takes_the_same_few_queries_however_much_there_is(mosque, church, meeting_course):
    ForumMembership.objects.create(organisation=mosque, faith="muslim", joined_on=TODAY - dt.timedelta(days=300))
    present(forum_event(meeting_course, -40, "First"), UserFactory(organisation=mosque))
    with CaptureQueriesContext(connection) as some:
        forum_timeline_items(organisation_ids=[mosque.pk, church.pk])
    ForumMembership.objects.create(organisation=church, faith="christian", joined_on=TODAY - dt.timedelta(days=200))
    for days in range(-200, -100, 10):
        at = forum_event(meeting_course, days, f"Meeting {days}")
        present(at, UserFactory(organisation=mosque))
        present(at, UserFactory(organisation=church))
    with CaptureQueriesContext(connection) as many:
        items = forum_timeline_items(organisation_ids=[mosque.pk, church.pk])
    assert len(items) == 2 + 1 + 20
    assert len(many) == len(some) <= 2, [query["sql"] for query in many]
