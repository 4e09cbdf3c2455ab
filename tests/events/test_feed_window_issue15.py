"""Issue 15: published calendar feeds have a window, a fixed number of queries and conditional GET."""

import datetime as dt

import icalendar
import pytest
import vobject
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.calendar import FEED_DAYS_BEHIND
from events.models import SessionStatus
from events.services import session_save
from tests.factories import CoursePageFactory

pytestmark = pytest.mark.django_db


def uids(body: bytes) -> set[str]:
    """The feed's UIDs, read by two parsers that must agree."""
    ical = {str(event["UID"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    vcal = {
        component.uid.value for component in vobject.readOne(body.decode()).getChildren() if component.name == "VEVENT"
    }
    assert ical == vcal
    return ical


def test_feed_lists_the_last_90_days_and_everything_ahead(client, make_session):
    old = make_session(days=-(FEED_DAYS_BEHIND + 2))
    recent = make_session(days=-(FEED_DAYS_BEHIND - 2))
    ahead = make_session(days=400)
    listed = uids(client.get(reverse("events:all_sessions_feed")).content)
    assert any(str(recent.uid) in uid for uid in listed)
    assert any(str(ahead.uid) in uid for uid in listed)
    assert not any(str(old.uid) in uid for uid in listed)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_feed_queries_do_not_grow_with_sessions_or_courses(client, make_session, wrap):
    url = reverse("events:all_sessions_feed")
    make_session(days=3)
    client.get(url)  # warm the site-root cache, as a running site has it
    few = _queries(client, url)
    other = CoursePageFactory(title="Education briefing", slug="education-briefing")
    for days in range(4, 44):
        make_session(days=days, course=wrap if days % 2 else other)
    assert _queries(client, url) == few


def test_unchanged_feed_answers_304_and_a_change_gives_a_new_etag(client, make_session, team_admin):
    url = reverse("events:all_sessions_feed")
    session = make_session(days=5)
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first.status_code == 200 and etag and last_modified

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    session.status = SessionStatus.CANCELLED
    session_save(session=session, by=team_admin)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    [event] = icalendar.Calendar.from_ical(changed.content).walk("VEVENT")
    assert event["STATUS"] == "CANCELLED"


def test_a_new_session_and_a_republished_course_change_the_etag(client, make_session, wrap):
    url = reverse("events:all_sessions_feed")
    make_session(days=5)
    etag = client.get(url)["ETag"]
    make_session(days=6)
    second = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200
    wrap.title = "WRAP (renamed)"
    wrap.save_revision().publish()
    third = client.get(url, HTTP_IF_NONE_MATCH=second["ETag"])
    assert third.status_code == 200 and b"WRAP (renamed)" in third.content


def test_a_session_leaving_the_window_changes_the_etag(client, make_session):
    url = reverse("events:all_sessions_feed")
    leaving = make_session(days=-(FEED_DAYS_BEHIND - 1))
    make_session(days=5)
    etag = client.get(url)["ETag"]
    # A day later (moved back instead of waiting): it ended more than 90 days ago.
    leaving.starts_at -= dt.timedelta(days=2)
    leaving.ends_at -= dt.timedelta(days=2)
    type(leaving).objects.filter(pk=leaving.pk).update(
        starts_at=leaving.starts_at, ends_at=leaving.ends_at, updated_at=timezone.now() - dt.timedelta(days=300)
    )
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert not any(str(leaving.uid) in uid for uid in uids(response.content))


def test_course_feed_has_conditional_get_too(client, make_session, wrap):
    make_session(days=5)
    first = client.get(wrap.url + "calendar/")
    assert client.get(wrap.url + "calendar/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_personal_feed_has_the_same_window(client, make_session, make_user):
    from crm import roles
    from events.models import Booking, BookingStatus
    from events.services import calendar_subscription_reset

    person = make_user(roles.LEARNER)
    old = make_session(days=-(FEED_DAYS_BEHIND + 5))
    recent = make_session(days=-10)
    for session in (old, recent):
        Booking.objects.create(session=session, user=person, status=BookingStatus.CONFIRMED)
    token = calendar_subscription_reset(user=person).token
    listed = uids(client.get(reverse("events:personal_feed", args=[token])).content)
    assert len(listed) == 1
