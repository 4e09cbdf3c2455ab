"""Calendar feeds and invitations, parsed back with second parsers (vobject, recurring-ical-events)."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from crm import roles
from events.models import SessionStatus, SessionVisibility
from events.services import booking_cancel, booking_create, calendar_subscription_reset, session_save
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def parse_both(body: bytes | str):
    text = body.decode() if isinstance(body, bytes) else body
    return vobject.readOne(text), icalendar.Calendar.from_ical(text)


def events_of(cal):
    return [c for c in cal.walk("VEVENT")]


def test_course_feed_is_valid_with_vtimezone_and_lists_open_sessions_only(client, wrap, make_session):
    summer = make_session(days=200)
    school = OrganisationFactory(organisation_type="school", urn="100999")
    make_session(days=10, visibility=SessionVisibility.CLOSED, organisation=school)
    response = client.get(wrap.url + "calendar/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    vcal, ical = parse_both(response.content)
    assert vcal.vtimezone.tzid.value == "Europe/London"
    [event] = events_of(ical)
    assert str(event["UID"]) == f"session-{summer.uid}@prevent-portal.invalid"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert "DTSTAMP" in event and int(event["SEQUENCE"]) == 0
    # A second parser agrees on when it happens.
    start = timezone.localtime(summer.starts_at, LONDON)
    found = recurring_ical_events.of(ical).between(start - dt.timedelta(hours=1), start + dt.timedelta(hours=1))
    assert len(found) == 1
    assert found[0]["DTSTART"].dt.replace(microsecond=0) == start.replace(microsecond=0)


def test_course_page_advertises_its_feed(client, wrap):
    content = client.get(wrap.url).content.decode()
    assert (
        f'<link rel="alternate" type="text/calendar" title="{wrap.title} sessions" href="{wrap.url}calendar/">'
        in content
    )


def test_cancelled_sessions_stay_in_feeds_as_cancelled_with_a_higher_sequence(client, wrap, make_session, team_admin):
    session = make_session()
    uid_before = events_of(parse_both(client.get(reverse("events:all_sessions_feed")).content)[1])[0]["UID"]
    session.status = SessionStatus.CANCELLED
    session_save(session=session, by=team_admin)
    [event] = events_of(parse_both(client.get(reverse("events:all_sessions_feed")).content)[1])
    assert event["UID"] == uid_before
    assert event["STATUS"] == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def test_confirmation_update_and_cancel_keep_one_uid_with_rising_sequence(
    make_session, make_user, team_admin, django_capture_on_commit_callbacks
):
    person = make_user(roles.LEARNER)
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=session, user=person)
    session.starts_at += dt.timedelta(hours=1)
    session.ends_at += dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        session_save(session=session, by=team_admin)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, by=person)
    invites = [parse_both(m.attachments[0][1]) for m in mail.outbox]
    methods = [vcal.method.value for vcal, _ in invites]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    uids = {vcal.vevent.uid.value for vcal, _ in invites}
    assert len(uids) == 1
    sequences = [int(vcal.vevent.sequence.value) for vcal, _ in invites]
    assert sequences == sorted(sequences) and sequences[0] < sequences[1] < sequences[2]
    moved = invites[1][0].vevent
    assert moved.dtstart.value.astimezone(LONDON) == timezone.localtime(session.starts_at, LONDON).replace(
        microsecond=0
    )
    assert invites[0][0].vevent.attendee.value == f"mailto:{person.email}"
    assert invites[2][0].vevent.status.value == "CANCELLED"


def test_personal_feed_is_secret_and_revocable(client, make_session, make_user):
    person = make_user(roles.LEARNER)
    booking_create(session=make_session(), user=person)
    old_token = calendar_subscription_reset(user=person).token
    url = reverse("events:personal_feed", args=[old_token])
    vcal, ical = parse_both(client.get(url).content)
    assert len(events_of(ical)) == 1
    new_token = calendar_subscription_reset(user=person).token
    assert client.get(url).status_code == 404
    assert client.get(reverse("events:personal_feed", args=[new_token])).status_code == 200
    assert client.get(reverse("events:personal_feed", args=["guessed-token"])).status_code == 404


def test_booking_ics_download_is_only_for_its_owner(client, make_session, make_user):
    owner, other = make_user(roles.LEARNER), make_user(roles.LEARNER)
    booking = booking_create(session=make_session(), user=owner)
    url = reverse("events:booking_ics", args=[booking.pk])
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(owner)
    vcal, _ = parse_both(client.get(url).content)
    assert vcal.method.value == "REQUEST"


def test_winter_and_summer_times_read_back_at_the_right_offset(client, make_session):
    """GMT in winter, BST in summer, as a calendar program reading our VTIMEZONE sees them."""
    from events.models import TrainingSession

    winter = make_session(days=30)
    summer = make_session(days=30)
    winter_start = dt.datetime(2027, 1, 12, 10, 0, tzinfo=LONDON)
    summer_start = dt.datetime(2027, 7, 13, 10, 0, tzinfo=LONDON)
    TrainingSession.objects.filter(pk=winter.pk).update(
        starts_at=winter_start, ends_at=winter_start + dt.timedelta(hours=2)
    )
    TrainingSession.objects.filter(pk=summer.pk).update(
        starts_at=summer_start, ends_at=summer_start + dt.timedelta(hours=2)
    )
    vcal = vobject.readOne(client.get(reverse("events:all_sessions_feed")).content.decode())
    starts = sorted(event.dtstart.value for event in vcal.vevent_list)
    assert [s.utcoffset() for s in starts] == [dt.timedelta(0), dt.timedelta(hours=1)]
    assert [s.hour for s in starts] == [10, 10]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [10, 9]
