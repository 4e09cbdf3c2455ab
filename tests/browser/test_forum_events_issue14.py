"""Issue 14 on a 360 px phone: a member finds a members-only forum event, replies going, downloads the .ics,
is marked present at the door and sees they attended; a learner sees only public events and is refused the rest."""

import datetime as dt

import icalendar
import pytest
import vobject
from django.utils import timezone

from crm import roles
from events.models import Booking, BookingStatus
from events.services import desk_mark
from faith_forum.models import EventAudience, ForumCalendarSubscription, ForumRSVP
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import UserFactory
from tests.faith_forum.forum_events_helpers import forum_course, forum_event, forum_page, member
from tests.pagetree import restore_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_phone_page(page, what):
    assert not page_overflows(page), f"{what} scrolls sideways on a phone"
    assert axe_violations(page) == [], what


def test_a_member_replies_going_downloads_the_ics_and_sees_they_attended(phone_page, new_phone, tmp_path):
    restore_home_page()
    forum = forum_page()
    course = forum_course()
    trainer = UserFactory(roles=[roles.TRAINER])
    meeting = forum_event(course, title="Members' meeting at the Gurdwara", trainers=[trainer])
    # It starts in twenty minutes: replies are still open, and the door's check-in already is.
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=20)
    meeting.session.starts_at, meeting.session.ends_at = starts, starts + dt.timedelta(hours=2)
    meeting.session.save()
    forum_event(course, days=15, title="Interfaith walk", audience=EventAudience.PUBLIC)
    person = member(first_name="Amrit", last_name="Kaur")

    page = phone_page
    sign_in(page, person)
    page.goto(forum.url)
    page.get_by_role("heading", name="Faith Forum", level=1).wait_for()
    check_phone_page(page, "the forum page")
    page.get_by_role("link", name="Members' meeting at the Gurdwara").click()
    page.get_by_role("heading", name="Members' meeting at the Gurdwara", level=1).wait_for()
    assert "Langar (vegetarian)" in page.inner_text("main")
    page.get_by_label("Going", exact=True).check()
    page.get_by_label("Guests coming with you").fill("1")
    page.get_by_role("button", name="Save my reply").click()
    page.get_by_text("Your reply is saved: going").wait_for()
    assert "Your place is confirmed" in page.inner_text("#booking-status")
    check_phone_page(page, "the event page after replying")
    booking = Booking.objects.get(user=person, session=meeting.session)
    assert booking.status == BookingStatus.CONFIRMED and ForumRSVP.objects.get(user=person).guests == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the calendar invitation (.ics)").click()
    saved = tmp_path / "event.ics"
    download.value.save_as(saved)
    body = saved.read_bytes()
    vobject.readOne(body.decode())
    [vevent] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(vevent["UID"]).startswith(f"booking-{booking.uid}")
    assert vevent.decoded("DTSTART") == timezone.localtime(starts)

    # At the door the trainer marks them present on the events app's desk.
    desk_mark(booking=booking, by=trainer)
    page.reload()
    page.locator("#attended").wait_for()
    assert "You attended this event" in page.inner_text("#attended")
    check_phone_page(page, "the event page after attending")

    # A learner: public events only; the members-only event and a forum feed are not found.
    learner = UserFactory(roles=[roles.LEARNER])
    other = new_phone()
    sign_in(other, learner)
    other.goto(forum.url)
    main = other.inner_text("main")
    assert "Interfaith walk" in main and "Members' meeting" not in main
    check_phone_page(other, "the forum page for a learner")
    event_path = forum.url + forum.reverse_subpage("event", args=[meeting.pk])
    assert other.goto(event_path).status == 404
    own = ForumCalendarSubscription.objects.create(user=learner)
    assert other.goto(f"/forum/calendar/{own.token}.ics").status == 404
    assert other.goto(forum.url + forum.reverse_subpage("event_ics", args=[meeting.pk])).status == 404
