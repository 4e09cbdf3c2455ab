"""Issue 14, done when: the whole journey on phones, in one run.

An applicant applies; the team approves in the admin; the new member sets a password from the
emailed link, signs in, sees a members-only event, replies *going* and downloads the .ics; the
trainer marks them present on the check-in desk at the door; the event page then shows them as
attended. A signed-in non-member sees only public events and is refused the members-only event,
the members' area, a forum paper and a forum feed. Every phone page axe-clean at 360 px.
"""

import datetime as dt
from urllib.parse import urlsplit

import icalendar
import pytest
import vobject
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from crm import roles
from crm.roles import sync_roles
from events.models import Attendance, Booking, BookingStatus
from faith_forum.models import EventAudience, ForumCalendarSubscription, ForumMembersPage
from faith_forum.papers import forum_papers_collection
from faith_forum.services import members_area_restrict
from tests.browser.helpers import sign_in
from tests.browser.test_advisory_group_issue13 import DESKTOP
from tests.conftest import axe_violations, page_overflows
from tests.factories import UserFactory
from tests.faith_forum.forum_events_helpers import forum_course, forum_event
from tests.faith_forum.membership_helpers import faith_organisation, forum_page, set_password_link
from tests.pagetree import restore_home_page, restore_root_collection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "harjit.kaur@gurdwara.example.org"
PASSWORD = "Langar-Kettle-Harbour-9"


def check(page, what):
    assert not page_overflows(page), f"{what} scrolls sideways on a phone"
    assert axe_violations(page) == [], what


def test_apply_approve_reply_going_attend_and_a_non_member_refused(
    browser, live_server, phone_page, new_phone, tmp_path
):
    restore_home_page()
    restore_root_collection()
    sync_roles()
    forum = forum_page()
    area = forum.add_child(instance=ForumMembersPage(title="Members' area", slug="members"))
    members_area_restrict(area)
    paper = get_document_model().objects.create(
        title="Forum minutes, October",
        collection=forum_papers_collection(),
        file=ContentFile(b"Minutes of the October meeting.\n", name="forum-minutes-october.txt"),
    )
    team = UserFactory(roles=[roles.PREVENT_ADMIN])
    trainer = UserFactory(roles=[roles.TRAINER], first_name="Helen", last_name="Price")
    faith_organisation("Central Gurdwara", postcode="W6 9JU")
    course = forum_course()
    meeting = forum_event(course, title="Members' meeting at the Gurdwara", trainers=[trainer])
    # It starts in twenty minutes: replies are still open, and so is check-in at the door.
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=20)
    meeting.session.starts_at, meeting.session.ends_at = starts, starts + dt.timedelta(hours=2)
    meeting.session.save()
    forum_event(course, days=15, title="Interfaith walk", audience=EventAudience.PUBLIC)

    # 1. The applicant applies on a phone.
    page = phone_page
    page.goto(forum.url + "apply/")
    page.get_by_role("heading", name="Apply to join the Faith Forum").wait_for()
    check(page, "the application form")
    page.get_by_label("Your organisation").select_option(label="Central Gurdwara (W6 9JU)")
    page.get_by_label("The organisation's faith").select_option(label="Sikh")
    page.get_by_label("Your name").fill("Harjit Kaur")
    page.get_by_label("Your role at the organisation").fill("Secretary")
    page.get_by_label("Your work email").fill(EMAIL)
    page.get_by_role("button", name="Send the application").click()
    page.get_by_role("heading", name="Thank you: your application is with the Prevent team").wait_for()

    # 2. The team approves in the admin.
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    admin = context.new_page()
    sign_in(admin, team)
    admin.goto("/admin/faith-forum/applications/")
    admin.get_by_role("link", name="Central Gurdwara").first.click()
    admin.get_by_role("heading", name="Approve").wait_for()
    mail.outbox.clear()
    admin.get_by_role("button", name="Approve", exact=True).click()
    expect(admin.locator(".messages")).to_contain_text("Approved: Central Gurdwara is a member")
    context.close()

    # 3. The new member sets a password from the emailed link and signs in.
    [welcome] = [message for message in mail.outbox if message.to == [EMAIL]]
    page.context.clear_cookies()
    page.goto(urlsplit(set_password_link(welcome.body)).path)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    page.wait_for_url("**/password/reset/key/done/")
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(EMAIL)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()

    # 4. They see the members-only event, reply going, and download the .ics.
    page.goto(forum.url)
    page.get_by_role("heading", name="Faith Forum", level=1).wait_for()
    check(page, "the forum page for a member")
    page.get_by_role("link", name="Members' meeting at the Gurdwara").click()
    page.get_by_role("heading", name="Members' meeting at the Gurdwara", level=1).wait_for()
    page.get_by_label("Going", exact=True).check()
    page.get_by_role("button", name="Save my reply").click()
    page.get_by_text("Your reply is saved: going").wait_for()
    check(page, "the event page after replying")
    booking = Booking.objects.get(user__email=EMAIL, session=meeting.session)
    assert booking.status == BookingStatus.CONFIRMED
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the calendar invitation (.ics)").click()
    saved = tmp_path / "event.ics"
    download.value.save_as(saved)
    body = saved.read_bytes()
    [card] = [c for c in vobject.readOne(body.decode()).getChildren() if c.name == "VEVENT"]
    [vevent] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(vevent["UID"]) == card.uid.value and str(vevent["UID"]).startswith(f"booking-{booking.uid}")
    assert vevent.decoded("DTSTART") == timezone.localtime(starts)

    # 5. At the door, the trainer marks them present on the check-in desk.
    desk = new_phone()
    sign_in(desk, trainer)
    desk.goto(f"/teaching/sessions/{meeting.session.pk}/desk/")
    desk.get_by_role("heading", name="Check-in desk").wait_for()
    check(desk, "the check-in desk of a forum event")
    desk.get_by_role("button", name="Present: Harjit Kaur").click()
    expect(desk.get_by_role("status").filter(has_text="Harjit Kaur is checked in.")).to_be_visible()
    assert Attendance.objects.filter(session=meeting.session, user__email=EMAIL).exists()

    # 6. The event page shows them as attended.
    page.reload()
    page.locator("#attended").wait_for()
    assert "You attended this event" in page.inner_text("#attended")
    check(page, "the event page after attending")

    # 7. A signed-in non-member: public events only; refused the members-only event, area, paper and feed.
    learner = UserFactory(roles=[roles.LEARNER])
    other = new_phone()
    sign_in(other, learner)
    other.goto(forum.url)
    main = other.inner_text("main")
    assert "Interfaith walk" in main and "Members' meeting" not in main
    check(other, "the forum page for a non-member")
    assert other.goto(forum.url + forum.reverse_subpage("event", args=[meeting.pk])).status == 404
    assert other.goto(area.url).status == 403
    assert other.goto(area.url + "directory/").status == 403
    assert other.goto(paper.url).status == 403
    own = ForumCalendarSubscription.objects.create(user=learner)
    assert other.goto(f"/forum/calendar/{own.token}.ics").status == 404
