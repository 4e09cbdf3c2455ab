"""Issue 9, items 2 and 3: the online joining link goes only to people with a confirmed place, and
the public feeds list only what an anonymous visitor may see. Feeds are parsed back with
icalendar and vobject; emails are read from Django's locmem outbox."""

import datetime as dt

import icalendar
import pytest
import vobject
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import PageViewRestriction

from crm import roles
from events.models import BookingStatus, SessionVisibility
from events.services import booking_create, calendar_subscription_reset, reminders_send
from tests.factories import CoursePageFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

JOIN_URL = "https://teams.example/l/meetup-join/wrap-secret-4711"
ALL_FEED = "/calendar/sessions.ics"


def feed_events(body: bytes) -> list:
    """The feed's events, after checking a second parser (vobject) reads it too."""
    vobject.readOne(body.decode())
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def attachment(message, name: str) -> bytes:
    [content] = [content for filename, content, _ in message.attachments if filename == name]
    return content if isinstance(content, bytes) else content.encode()


def carries_the_link(event) -> bool:
    return "CONFERENCE" in event or JOIN_URL in str(event.get("DESCRIPTION", ""))


@pytest.fixture
def online(make_session):
    return make_session(days=10, capacity=1, venue="", online_url=JOIN_URL)


# --- Item 2: the joining link -------------------------------------------------------


def test_anonymous_feeds_leave_out_the_joining_link(client, wrap, online):
    for url in (ALL_FEED, wrap.url + "calendar/"):
        body = client.get(url).content
        [event] = feed_events(body)
        assert str(event["SUMMARY"]) == wrap.title, url
        assert not carries_the_link(event), url
        assert JOIN_URL.encode() not in body, url
        assert b"CONFERENCE" not in body and b"Join online" not in body, url


def test_waiting_list_email_leaves_out_the_joining_link(online, make_user, django_capture_on_commit_callbacks):
    first, second = make_user(roles.LEARNER), make_user(roles.LEARNER)
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(session=online, user=first)
        waiting = booking_create(session=online, user=second, join_waiting_list=True)
    assert waiting.status == BookingStatus.WAITING
    [message] = [m for m in mail.outbox if m.to == [second.email]]
    assert message.subject.startswith("You are on the waiting list")
    assert JOIN_URL not in message.body
    assert "Join online" not in message.body
    assert message.attachments == []


def test_confirmed_place_gets_the_link_in_email_invitation_feed_reminder_and_my_training(
    client, online, make_user, django_capture_on_commit_callbacks
):
    person = make_user(roles.LEARNER)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=online, user=person)
    assert booking.status == BookingStatus.CONFIRMED
    [confirmation] = [m for m in mail.outbox if m.to == [person.email]]
    assert f"Join online: {JOIN_URL}" in confirmation.body
    [invite] = icalendar.Calendar.from_ical(attachment(confirmation, "invite.ics")).walk("VEVENT")
    assert str(invite["CONFERENCE"]) == JOIN_URL
    assert carries_the_link(invite)

    token = calendar_subscription_reset(user=person).token
    [mine] = feed_events(client.get(reverse("events:personal_feed", args=[token])).content)
    assert str(mine["CONFERENCE"]) == JOIN_URL

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(ahead=dt.timedelta(days=30)) == 1
    [reminder] = mail.outbox
    assert reminder.subject.startswith("Reminder")
    assert f"Join online: {JOIN_URL}" in reminder.body
    [reminded] = icalendar.Calendar.from_ical(attachment(reminder, "invite.ics")).walk("VEVENT")
    assert str(reminded["CONFERENCE"]) == JOIN_URL

    client.force_login(person)
    page = client.get(reverse("events:my_training")).content.decode()
    assert f'href="{JOIN_URL}"' in page


def test_my_training_keeps_the_link_from_people_on_the_waiting_list(client, online, make_user):
    booking_create(session=online, user=make_user(roles.LEARNER))
    waiting_person = make_user(roles.LEARNER)
    assert booking_create(session=online, user=waiting_person, join_waiting_list=True).status == BookingStatus.WAITING
    client.force_login(waiting_person)
    page = client.get(reverse("events:my_training")).content.decode()
    assert "Waiting list: number 1" in page
    assert JOIN_URL not in page


def test_personal_feed_leaves_the_link_out_of_cancelled_bookings(client, online, make_user):
    from events.services import booking_cancel

    person = make_user(roles.LEARNER)
    booking = booking_create(session=online, user=person)
    booking_cancel(booking=booking, by=person)
    token = calendar_subscription_reset(user=person).token
    [event] = feed_events(client.get(reverse("events:personal_feed", args=[token])).content)
    assert str(event["STATUS"]) == "CANCELLED"
    assert not carries_the_link(event)


# --- Item 3: what the public feeds list ---------------------------------------------


def test_public_feed_lists_only_what_an_anonymous_visitor_may_see(client, wrap, member_course, make_session):
    open_wrap = make_session(days=5)
    member_session = make_session(days=6, course=member_course, venue="Hammersmith Town Hall, Committee Room 2")
    school = OrganisationFactory(organisation_type="school", urn="100999")
    closed = make_session(days=7, visibility=SessionVisibility.CLOSED, organisation=school)
    signed_in_only = CoursePageFactory(title="Refresher for council staff", slug="refresher")
    PageViewRestriction.objects.create(page=signed_in_only, restriction_type=PageViewRestriction.LOGIN)
    login_session = make_session(days=8, course=signed_in_only)
    password_course = CoursePageFactory(title="Pilot course", slug="pilot")
    PageViewRestriction.objects.create(
        page=password_course, restriction_type=PageViewRestriction.PASSWORD, password="pilot-2026"
    )
    password_session = make_session(days=9, course=password_course)

    body = client.get(ALL_FEED).content
    uids = {str(event["UID"]) for event in feed_events(body)}
    assert uids == {f"session-{open_wrap.uid}@prevent-portal.invalid"}
    for hidden in (member_session, closed, login_session, password_session):
        assert str(hidden.uid).encode() not in body
    assert member_course.title.encode() not in body


def test_public_feed_drops_sessions_once_their_course_is_restricted(client, wrap, make_session):
    session = make_session(days=5)
    assert len(feed_events(client.get(ALL_FEED).content)) == 1
    restriction = PageViewRestriction.objects.create(page=wrap, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    body = client.get(ALL_FEED).content
    assert feed_events(body) == []
    assert str(session.uid).encode() not in body


def test_member_course_feed_is_not_served_to_anonymous_visitors(client, member_course, make_session):
    make_session(days=6, course=member_course)
    response = client.get(member_course.url + "calendar/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
