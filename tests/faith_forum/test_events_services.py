"""Forum events' rules (issue 14): replies book and cancel through the events app; publishing announces once."""

import datetime as dt

import icalendar
import pytest
import vobject
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm import roles
from events.models import Booking, BookingStatus, SessionStatus, TrainingSession
from events.services import booking_create, reminders_send
from faith_forum.models import EventAudience, ForumEvent, ForumPreferences, ForumRSVP, MembershipStatus, RSVPAnswer
from faith_forum.services import (
    EVENT_MESSAGES,
    ForumEventError,
    forum_event_create,
    forum_event_publish,
    forum_event_unpublish,
    forum_event_update,
    forum_preferences_set,
    rsvp_set,
)
from tests.factories import CoursePageFactory, UserFactory
from tests.faith_forum.forum_events_helpers import forum_course, forum_event, forum_page, member, membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    forum_page()
    return forum_course()


@pytest.fixture
def event(course):
    return forum_event(course)


def attachment(message, name):
    [content] = [content for filename, content, _ in message.attachments if filename == name]
    return content if isinstance(content, bytes) else content.encode()


def parse_both(body: bytes):
    vobject.readOne(body.decode())
    return icalendar.Calendar.from_ical(body)


# --- Replies ----------------------------------------------------------------------------------


def test_going_books_a_place_and_emails_the_invitation_then_maybe_cancels_it_and_going_again_rebooks(event):
    person = member()
    rsvp = rsvp_set(event=event, user=person, answer=RSVPAnswer.GOING, guests=2)
    assert rsvp.booking.status == BookingStatus.CONFIRMED and rsvp.guests == 2
    assert rsvp.membership.organisation.name == "Central Gurdwara"
    [confirmation] = [m for m in mail.outbox if m.to == [person.email]]
    invite = parse_both(attachment(confirmation, "invite.ics"))
    assert invite["METHOD"] == "REQUEST"
    [vevent] = invite.walk("VEVENT")
    assert str(vevent["UID"]).startswith(f"booking-{rsvp.booking.uid}")
    mail.outbox.clear()

    rsvp = rsvp_set(event=event, user=person, answer=RSVPAnswer.MAYBE, guests=1)
    assert rsvp.booking is None and rsvp.answer == RSVPAnswer.MAYBE
    assert not Booking.objects.filter(session=event.session, user=person).exclude(status="cancelled").exists()
    [cancelled] = [m for m in mail.outbox if m.to == [person.email]]
    assert parse_both(attachment(cancelled, "invite.ics"))["METHOD"] == "CANCEL"

    rsvp = rsvp_set(event=event, user=person, answer=RSVPAnswer.GOING, guests=0)
    assert rsvp.booking.status == BookingStatus.CONFIRMED
    assert ForumRSVP.objects.filter(event=event, user=person).count() == 1
    assert Booking.objects.filter(session=event.session, user=person).count() == 2  # one cancelled, one live


def test_not_going_with_guests_is_refused_and_nothing_saved(event):
    person = member()
    with pytest.raises(ForumEventError) as refused:
        rsvp_set(event=event, user=person, answer=RSVPAnswer.NOT_GOING, guests=3)
    assert refused.value.message == EVENT_MESSAGES["guests_not_going"]
    for guests in (-1, 11):
        with pytest.raises(ForumEventError) as refused:
            rsvp_set(event=event, user=person, answer=RSVPAnswer.GOING, guests=guests)
        assert refused.value.code == "guests"
    assert not ForumRSVP.objects.exists() and not Booking.objects.exists()


def test_a_full_event_with_limited_places_puts_going_on_the_waiting_list_and_guests_take_no_place(course):
    event = forum_event(course, places_limited=True, capacity=1)
    first, second = member(), member(membership("St Paul's Church", faith="christian"))
    assert rsvp_set(event=event, user=first, answer="going", guests=10).booking.status == BookingStatus.CONFIRMED
    waiting = rsvp_set(event=event, user=second, answer="going")
    assert waiting.booking.status == BookingStatus.WAITING
    event.session.refresh_from_db()
    assert event.session.places_taken == 1  # ten guests took none
    # The first gives their place back: the waiting member is promoted by the events app.
    rsvp_set(event=event, user=first, answer="not_going")
    waiting.booking.refresh_from_db()
    assert waiting.booking.status == BookingStatus.CONFIRMED


def test_without_a_limit_on_places_nobody_is_ever_refused_or_waiting(course):
    event = forum_event(course, places_limited=False, capacity=1)
    for name in ("Al-Manaar Mosque", "Shepherd's Bush Synagogue", "Buddhist Centre"):
        person = member(membership(name, faith="other"))
        assert rsvp_set(event=event, user=person, answer="going").booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize(
    "who",
    ["learner", "role but no membership", "membership left", "representative without the role"],
)
def test_only_representatives_of_active_or_lapsed_members_holding_the_role_may_reply(event, who):
    if who == "learner":
        person = UserFactory(roles=[roles.LEARNER])
    elif who == "role but no membership":
        person = UserFactory(roles=[roles.FAITH_FORUM_MEMBER])
    elif who == "membership left":
        person = member(membership("Old Chapel", status=MembershipStatus.LEFT))
    else:
        person = member()
        person.groups.clear()
        person = type(person).objects.get(pk=person.pk)
    with pytest.raises(ForumEventError) as refused:
        rsvp_set(event=event, user=person, answer="going")
    assert refused.value.code == "not_a_member"
    assert not Booking.objects.exists() and not ForumRSVP.objects.exists()


def test_a_lapsed_members_representative_and_the_team_may_reply(event, team_admin):
    lapsed = member(membership("Quiet Meeting House", status=MembershipStatus.LAPSED))
    assert rsvp_set(event=event, user=lapsed, answer="maybe").membership.status == MembershipStatus.LAPSED
    assert rsvp_set(event=event, user=team_admin, answer="going").membership is None


def test_unpublished_cancelled_and_started_events_take_no_reply(course):
    person = member()
    cases = {
        "not_published": forum_event(course, published=False),
        "cancelled": forum_event(course, days=12),
        "started": forum_event(course, days=-1),
    }
    TrainingSession.objects.filter(pk=cases["cancelled"].session_id).update(status=SessionStatus.CANCELLED)
    for code, event in cases.items():
        with pytest.raises(ForumEventError) as refused:
            rsvp_set(event=event, user=person, answer="going")
        assert refused.value.code == code, code
    assert not Booking.objects.exists()


# --- Publishing and the announcement ------------------------------------------------------------------


def test_publishing_emails_members_once_and_never_opted_out_or_left_members(course, team_admin):
    event = forum_event(course, published=False, audience=EventAudience.PUBLIC, title="Interfaith iftar")
    keen = member(first_name="Amrit")
    lapsed = member(membership("Quiet Meeting House", status=MembershipStatus.LAPSED))
    quiet = member(membership("St Paul's Church"))
    forum_preferences_set(user=quiet, announcements=False)
    gone = member(membership("Old Chapel", status=MembershipStatus.LEFT))
    UserFactory(roles=[roles.LEARNER])

    assert forum_event_publish(event=event, by=team_admin) == 2
    event.refresh_from_db()
    assert event.is_published and event.announced_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([keen.email, lapsed.email])
    message = next(m for m in mail.outbox if m.to == [keen.email])
    assert message.subject.startswith("New Faith Forum event: Interfaith iftar")
    assert "Langar (vegetarian)" in message.body and "Step-free entrance" in message.body
    page_url = forum_page().url + forum_page().reverse_subpage("event", args=[event.pk])
    for answer in ("going", "maybe", "not_going"):
        assert f"{page_url}?answer={answer}" in message.body
    assert quiet.email not in str([m.to for m in mail.outbox]) and gone.email not in str([m.to for m in mail.outbox])

    mail.outbox.clear()
    forum_event_unpublish(event=event, by=team_admin)
    assert forum_event_publish(event=event, by=team_admin) == 0
    assert mail.outbox == []


def test_members_only_events_are_announced_too(course, team_admin):
    event = forum_event(course, published=False, audience=EventAudience.MEMBERS)
    person = member()
    forum_event_publish(event=event, by=team_admin)
    assert [m.to for m in mail.outbox] == [[person.email]]


# --- Scheduling from the admin ------------------------------------------------------------------------


def _new(course, **changes):
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=14)
    session = TrainingSession(
        course=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue="Town Hall",
        capacity=30,
        places_limited=False,
    )
    for name, value in changes.items():
        setattr(session, name, value)
    return session, ForumEvent(title="Site visit", kind="site_visit", audience="members")


def test_creating_makes_the_session_and_the_event_together_or_neither(course, team_admin):
    session, event = _new(course)
    made = forum_event_create(event=event, session=session, by=team_admin)
    assert made.session.course_id == course.pk and not made.is_published

    wrap = CoursePageFactory(title="WRAP", slug="wrap-course", reporting_category="wrap")
    session, event = _new(wrap)
    with pytest.raises(ValidationError) as refused:
        forum_event_create(event=event, session=session, by=team_admin)
    assert "course" in refused.value.message_dict
    learner = UserFactory(roles=[roles.LEARNER])
    session, event = _new(course)
    with pytest.raises(ValidationError):
        forum_event_create(event=event, session=session, trainers=[learner], by=team_admin)
    assert ForumEvent.objects.count() == 1 and TrainingSession.objects.count() == 1


def test_moving_a_published_event_sends_those_going_an_updated_invitation_and_cancelling_a_cancel(event, team_admin):
    person = member()
    rsvp_set(event=event, user=person, answer="going")
    mail.outbox.clear()
    session = event.session
    session.starts_at += dt.timedelta(hours=1)
    session.ends_at += dt.timedelta(hours=1)
    forum_event_update(event=event, session=session, by=team_admin)
    [changed] = mail.outbox
    [vevent] = parse_both(attachment(changed, "invite.ics")).walk("VEVENT")
    assert int(vevent["SEQUENCE"]) == 1

    mail.outbox.clear()
    session.status = SessionStatus.CANCELLED
    forum_event_update(event=event, session=session, by=team_admin)
    [cancelled] = mail.outbox
    assert parse_both(attachment(cancelled, "invite.ics"))["METHOD"] == "CANCEL"
    assert not Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).exists()


# --- The events app's reminder and desk ------------------------------------------------------------------


def test_a_member_going_gets_the_two_day_reminder_without_calling_it_training(course):
    event = forum_event(course, days=1)
    person = member()
    rsvp_set(event=event, user=person, answer="going")
    mail.outbox.clear()
    assert reminders_send() == 1
    [reminder] = mail.outbox
    # Called by the event's own title, not the course's ("Faith Forum meeting").
    assert reminder.to == [person.email] and reminder.subject.startswith(f"Reminder: {event.title},")
    words = " ".join(word for word in reminder.body.split() if not word.startswith("http"))
    assert "Course details" not in words and "About these events" in words
    assert "training" not in words.replace("My training", "")


def test_preferences_switch_announcements_off_and_on(db):
    person = member()
    assert forum_preferences_set(user=person, announcements=False).announcements is False
    assert ForumPreferences.objects.get(user=person).announcements is False
    assert forum_preferences_set(user=person, announcements=True).announcements is True


def test_the_team_booking_a_member_from_the_admin_still_works(event, team_admin):
    person = member()
    assert booking_create(session=event.session, user=person, booked_by=team_admin).status == BookingStatus.CONFIRMED


def test_the_events_apps_emails_invitation_ticket_and_desk_call_a_forum_event_by_its_title(client, course):
    """The reviewer found a going member's email, .ics and the trainer's desk said "Faith Forum site visit"."""
    from django.urls import reverse

    from crm import roles
    from tests.factories import UserFactory

    trainer = UserFactory(roles=[roles.TRAINER])
    event = forum_event(course, days=5, title="Visit to Avonmore Buddhist Centre", trainers=[trainer])
    person = member()
    mail.outbox.clear()
    rsvp_set(event=event, user=person, answer="going")
    [confirmation] = mail.outbox
    assert confirmation.subject.startswith("Your place is booked: Visit to Avonmore Buddhist Centre,")
    assert "Visit to Avonmore Buddhist Centre" in confirmation.body
    [vevent] = parse_both(attachment(confirmation, "invite.ics")).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Visit to Avonmore Buddhist Centre"
    client.force_login(trainer)
    desk = client.get(reverse("events:desk", args=[event.session.pk])).content.decode()
    assert "Visit to Avonmore Buddhist Centre" in desk
    # Renaming the event renames its session.
    event.title = "Visit to the Avonmore Buddhist Centre"
    event.save()
    event.session.refresh_from_db()
    assert event.session.name == "Visit to the Avonmore Buddhist Centre"
