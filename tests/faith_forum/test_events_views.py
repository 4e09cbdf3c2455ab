"""Forum events on the site (issue 14): the forum page, event pages and replies, the .ics, feeds, My account,
the desk, and the team's admin screens. Calendar files are parsed back with icalendar and vobject."""

import csv
import datetime as dt
import io

import icalendar
import pytest
import vobject
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from crm import roles
from crm.exports import EXPORT_ACTION
from crm.periods import FinancialYear
from events.models import Attendance, Booking
from events.selectors import desk_rows
from events.services import desk_mark
from faith_forum.models import (
    EventAudience,
    ForumCalendarSubscription,
    ForumEvent,
    ForumMembership,
    ForumPreferences,
    ForumRSVP,
    MembershipStatus,
)
from faith_forum.selectors import participation
from faith_forum.services import rsvp_set
from tests.factories import UserFactory
from tests.faith_forum.forum_events_helpers import forum_course, forum_event, forum_page, member, membership

pytestmark = pytest.mark.django_db

JOIN_URL = "https://teams.example/l/meetup-join/forum-secret-99"


def parse(body: bytes) -> list:
    """The calendar's events, after checking a second parser (vobject) reads it too."""
    vobject.readOne(body.decode())
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def page(db):
    return forum_page()


@pytest.fixture
def course(page):
    return forum_course()


@pytest.fixture
def events(course):
    """A members-only meeting, a public interfaith event, an unpublished one and a public event of last month."""
    return {
        "members": forum_event(course, title="Members' meeting", audience=EventAudience.MEMBERS, online_url=JOIN_URL),
        "public": forum_event(course, days=20, title="Interfaith walk", audience=EventAudience.PUBLIC),
        "draft": forum_event(course, days=30, title="Draft visit", audience=EventAudience.PUBLIC, published=False),
        "past": forum_event(course, days=-30, title="Last month's visit", audience=EventAudience.PUBLIC),
    }


def event_url(page, event, suffix=""):
    return page.url + page.reverse_subpage("event", args=[event.pk]) + suffix


def ics_url(page, event):
    return page.url + page.reverse_subpage("event_ics", args=[event.pk])


# --- The forum page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "learner"])
def test_non_members_see_public_published_events_only(client, page, events, who):
    if who == "learner":
        client.force_login(UserFactory(roles=[roles.LEARNER]))
    body = client.get(page.url).content.decode()
    assert "Interfaith walk" in body and "Last month&#x27;s visit" in body
    assert "Members&#x27; meeting" not in body and "Draft visit" not in body
    assert page.reverse_subpage("apply") in body  # how to join
    assert "Step-free entrance" in body and "Langar (vegetarian)" in body
    assert client.get(event_url(page, events["members"])).status_code == 404
    assert client.get(event_url(page, events["draft"])).status_code == 404
    assert client.get(event_url(page, events["public"])).status_code == 200


def test_members_and_the_team_see_members_only_events(client, page, events, team_admin):
    for person in (member(), team_admin):
        client.force_login(person)
        body = client.get(page.url).content.decode()
        assert "Members&#x27; meeting" in body and "Interfaith walk" in body and "Draft visit" not in body
        assert client.get(event_url(page, events["members"])).status_code == 200


# --- Replying on the event page ---------------------------------------------------------------------


def test_the_answer_in_an_email_link_is_chosen_but_not_saved_until_the_member_presses_save(client, page, events):
    person = member()
    client.force_login(person)
    body = client.get(event_url(page, events["members"], "?answer=going")).content.decode()
    assert 'value="going"' in body and "checked" in body.split('value="going"')[1][:40]
    assert not ForumRSVP.objects.exists() and not Booking.objects.exists()

    response = client.post(event_url(page, events["members"]), {"answer": "going", "guests": "2"}, follow=True)
    body = response.content.decode()
    assert "Your reply is saved: going" in body
    assert "Your place is confirmed" in body and ics_url(page, events["members"]) in body
    booking = Booking.objects.get(user=person)
    assert f"/t/{booking.ticket_token}/" in body
    assert "You replied <strong>going</strong>, with 2 guests" in body


def test_bad_replies_say_what_to_fix_and_save_nothing(client, page, events):
    client.force_login(member())
    body = client.post(event_url(page, events["members"]), {"answer": "not_going", "guests": "4"}).content.decode()
    assert "Guests come with someone who is going" in body
    body = client.post(event_url(page, events["members"]), {"answer": "going", "guests": "11"}).content.decode()
    assert "less than or equal to 10" in body
    assert not ForumRSVP.objects.exists()


def test_a_learner_cannot_reply_even_to_a_public_event(client, page, events):
    learner = UserFactory(roles=[roles.LEARNER])
    client.force_login(learner)
    body = client.get(event_url(page, events["public"])).content.decode()
    assert "Save my reply" not in body
    client.post(event_url(page, events["public"]), {"answer": "going", "guests": "0"})
    assert not ForumRSVP.objects.exists() and not Booking.objects.exists()


def test_a_full_limited_event_says_the_member_is_on_the_waiting_list(client, page, course):
    event = forum_event(course, places_limited=True, capacity=1)
    rsvp_set(event=event, user=member(), answer="going")
    client.force_login(member(membership("St Paul's Church")))
    body = client.post(event_url(page, event), {"answer": "going", "guests": "0"}, follow=True).content.decode()
    assert "you are on its waiting list" in body
    assert "Guests are a count for catering, not booked places" in body


def test_the_event_ics_is_the_members_invitation_and_nobody_elses(client, page, events):
    person = member()
    rsvp = rsvp_set(event=events["members"], user=person, answer="going")
    client.force_login(person)
    response = client.get(ics_url(page, events["members"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    [vevent] = parse(response.content)
    assert str(vevent["UID"]).startswith(f"booking-{rsvp.booking.uid}")
    assert JOIN_URL in str(vevent["DESCRIPTION"])  # a confirmed place has the joining link

    client.force_login(member(membership("St Paul's Church")))  # a member with no place
    assert client.get(ics_url(page, events["members"])).status_code == 404
    client.force_login(UserFactory(roles=[roles.LEARNER]))
    assert client.get(ics_url(page, events["members"])).status_code == 404
    client.logout()
    assert client.get(ics_url(page, events["members"])).status_code == 302


# --- Feeds ------------------------------------------------------------------------------------------


def test_the_public_feed_lists_public_published_events_only_without_links(client, page, events):
    events["public"].session.online_url = JOIN_URL
    events["public"].session.save()
    response = client.get(page.url + page.reverse_subpage("public_feed"))
    body = response.content
    summaries = sorted(str(v["SUMMARY"]) for v in parse(body))
    assert summaries == ["Interfaith walk", "Last month's visit"]
    assert JOIN_URL.encode() not in body and b"CONFERENCE" not in body
    assert b"TZID:Europe/London" in body
    [walk] = [v for v in parse(body) if str(v["SUMMARY"]) == "Interfaith walk"]
    assert str(walk["UID"]) == f"forum-{events['public'].session.uid}@{walk['UID'].split('@')[1]}"
    assert int(walk["SEQUENCE"]) == events["public"].session.sequence


def test_the_private_feed_lists_members_events_with_the_members_own_reply(client, page, events):
    person = member()
    going = rsvp_set(event=events["members"], user=person, answer="going")
    rsvp_set(event=events["public"], user=person, answer="maybe")
    client.force_login(person)
    client.post(reverse("faith_forum:calendar_reset"))
    token = ForumCalendarSubscription.objects.get(user=person).token
    client.logout()  # the feed's secret address needs no sign-in
    body = client.get(reverse("faith_forum:personal_feed", args=[token])).content
    by_title = {str(v["SUMMARY"]): v for v in parse(body)}
    assert set(by_title) == {"Members' meeting", "Interfaith walk", "Last month's visit"}
    meeting = by_title["Members' meeting"]
    assert str(meeting["UID"]).startswith(f"booking-{going.booking.uid}") and str(meeting["STATUS"]) == "CONFIRMED"
    assert "You replied: going" in str(meeting["DESCRIPTION"]) and JOIN_URL in str(meeting["DESCRIPTION"])
    walk = by_title["Interfaith walk"]
    assert str(walk["STATUS"]) == "TENTATIVE" and "You replied: maybe" in str(walk["DESCRIPTION"])


def test_the_private_feed_is_not_found_when_unknown_revoked_or_no_longer_a_member(client, page, events):
    person = member()
    client.force_login(person)
    assert client.get(reverse("faith_forum:personal_feed", args=["not-a-token"])).status_code == 404
    client.post(reverse("faith_forum:calendar_reset"))
    old = ForumCalendarSubscription.objects.get(user=person).token
    assert client.get(reverse("faith_forum:personal_feed", args=[old])).status_code == 200
    client.post(reverse("faith_forum:calendar_reset"))
    new = ForumCalendarSubscription.objects.get(user=person).token
    assert new != old
    assert client.get(reverse("faith_forum:personal_feed", args=[old])).status_code == 404
    assert client.get(reverse("faith_forum:personal_feed", args=[new])).status_code == 200
    person.groups.clear()  # the membership left: the role goes
    assert client.get(reverse("faith_forum:personal_feed", args=[new])).status_code == 404


# --- My account ------------------------------------------------------------------------------------


def test_my_account_has_a_faith_forum_card_for_members_only(client, page):
    person = member()
    client.force_login(person)
    body = client.get(reverse("portal:account")).content.decode()
    assert 'id="faith-forum"' in body and "Get my feed address" in body
    response = client.post(reverse("faith_forum:preferences"), {}, follow=True)
    assert "no longer email you about new forum events" in response.content.decode()
    assert ForumPreferences.objects.get(user=person).announcements is False
    body = client.post(reverse("faith_forum:calendar_reset"), follow=True).content.decode()
    token = ForumCalendarSubscription.objects.get(user=person).token
    assert reverse("faith_forum:personal_feed", args=[token]) in body
    assert 'id="forum-announcements"' in body and 'id="forum-announcements" checked' not in body
    client.post(reverse("faith_forum:preferences"), {"announcements": "on"})
    assert ForumPreferences.objects.get(user=person).announcements is True

    client.force_login(UserFactory(roles=[roles.LEARNER]))
    assert 'id="faith-forum"' not in client.get(reverse("portal:account")).content.decode()
    assert client.post(reverse("faith_forum:preferences"), {}).status_code == 403


# --- The door: the events app's desk -------------------------------------------------------------------


def test_a_going_member_is_on_the_desk_and_once_marked_the_event_page_says_they_attended(client, page, course):
    trainer = UserFactory(roles=[roles.TRAINER])
    event = forum_event(course, days=0, trainers=[trainer])
    event.session.starts_at = timezone.now() + dt.timedelta(minutes=10)
    event.session.ends_at = event.session.starts_at + dt.timedelta(hours=2)
    event.session.save()
    person = member()
    rsvp = rsvp_set(event=event, user=person, answer="going")
    [row] = desk_rows(session=event.session)
    assert row.booking.pk == rsvp.booking.pk and not row.present
    client.force_login(person)
    assert "You attended this event" not in client.get(event_url(page, event)).content.decode()

    result = desk_mark(booking=rsvp.booking, by=trainer)
    assert result.created and Attendance.objects.get(session=event.session).user == person
    assert "You attended this event" in client.get(event_url(page, event)).content.decode()


# --- The team's admin screens -------------------------------------------------------------------------


def form_data(course, **changes):
    starts = (timezone.localtime() + dt.timedelta(days=21)).replace(hour=18, minute=0, second=0, microsecond=0)
    data = {
        "title": "Visit to the Central Gurdwara",
        "kind": "site_visit",
        "audience": "members",
        "course": course.pk,
        "starts_at": f"{starts:%Y-%m-%d %H:%M}",
        "ends_at": f"{starts + dt.timedelta(hours=2):%Y-%m-%d %H:%M}",
        "venue": "Central Gurdwara",
        "address": "62 Queens Road",
        "online_url": "",
        "capacity": "40",
        "description": "A tour and langar.",
        "accessibility_notes": "Step-free.",
        "dietary_notes": "Vegetarian langar.",
        "status": "scheduled",
    }
    data.update(changes)
    return data


def test_the_team_schedules_publishes_and_moves_an_event_from_the_admin(client, team_admin, course):
    person = member()
    client.force_login(team_admin)
    assert client.get(reverse("forum_events:add")).status_code == 200
    response = client.post(reverse("forum_events:add"), form_data(course))
    assert response.status_code == 302, response.content.decode()[:3000]
    event = ForumEvent.objects.get()
    assert event.session.course_id == course.pk and not event.session.places_limited and not event.is_published
    assert mail.outbox == []

    client.post(reverse("forum_events:publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.is_published and [m.to for m in mail.outbox] == [[person.email]]
    rsvp_set(event=event, user=person, answer="going")
    mail.outbox.clear()

    starts = timezone.localtime(event.session.starts_at) + dt.timedelta(days=1)
    moved = form_data(
        course,
        starts_at=f"{starts:%Y-%m-%d %H:%M}",
        ends_at=f"{starts + dt.timedelta(hours=2):%Y-%m-%d %H:%M}",
    )
    assert client.post(reverse("forum_events:edit", args=[event.pk]), moved).status_code == 302
    [changed] = mail.outbox
    assert changed.to == [person.email] and changed.subject.startswith("Session details changed")
    event.session.refresh_from_db()
    assert event.session.sequence == 1


def test_the_admin_form_says_what_to_fix_and_saves_nothing(client, team_admin, course):
    client.force_login(team_admin)
    data = form_data(course, venue="", online_url="")
    data["ends_at"] = data["starts_at"]
    body = client.post(reverse("forum_events:add"), data).content.decode()
    assert "Give a venue, an online link, or both." in body and "The event must end after it starts." in body
    assert not ForumEvent.objects.exists()


def test_the_event_report_counts_replies_and_lists_who_came_and_its_download_is_audited(
    client, team_admin, page, course
):
    trainer = UserFactory(roles=[roles.TRAINER])
    event = forum_event(course, days=3, trainers=[trainer])
    gurdwara = membership("Central Gurdwara")
    church = membership("St Paul's Church", faith="christian")
    one, two, three = member(gurdwara, first_name="Amrit"), member(church), member(membership("Al-Manaar"))
    rsvp_set(event=event, user=one, answer="going", guests=3)
    booking = rsvp_set(event=event, user=two, answer="going").booking
    rsvp_set(event=event, user=three, answer="not_going")
    # The event took place: both going were marked present.
    start = timezone.now() - dt.timedelta(hours=3)
    type(event.session).objects.filter(pk=event.session_id).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    event.session.refresh_from_db()
    desk_mark(booking=Booking.objects.get(user=one), by=trainer)
    desk_mark(booking=booking, by=trainer)

    client.force_login(team_admin)
    body = client.get(reverse("forum_events:report", args=[event.pk])).content.decode()
    assert "2 people marked present" in body
    assert "Organisations represented (2): Central Gurdwara, St Paul&#x27;s Church" in body
    replies = body.split('id="forum-replies"')[1].split("</table>")[0]
    assert "<td>2</td><td>3</td>" in replies  # going: 2 people, 3 guests
    response = client.get(reverse("forum_events:report", args=[event.pk]) + "?export=csv")
    heading, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    assert heading[:3] == ["Name", "Email", "Member organisations"]
    assert {row[1] for row in rows} == {one.email, two.email}
    assert ModelLogEntry.objects.filter(action=EXPORT_ACTION, user=team_admin).count() == 1


def test_participation_rates_by_organisation_over_a_financial_year(client, team_admin, page, course):
    year = FinancialYear(FinancialYear.current().start_year - 1)  # last year: every event of it is over
    gurdwara, church = membership("Central Gurdwara"), membership("St Paul's Church", faith="christian")
    joined_late = membership("New Temple", faith="hindu")
    ForumMembership.objects.update(joined_on=year.first_day)
    rep = member(gurdwara)
    ago = (timezone.now() - year.starts_at).days
    held = [forum_event(course, days=-(ago - 30)), forum_event(course, days=-(ago - 90))]
    joined_late.refresh_from_db()
    joined_late.joined_on = timezone.localdate(held[1].session.starts_at)
    joined_late.save()
    forum_event(course, days=-(ago - 60), published=False)  # never published: not held as a forum event
    Attendance.objects.create(session=held[0].session, user=rep, full_name="Rep", email=rep.email)
    Attendance.objects.create(session=held[1].session, full_name="Walk-in", organisation=church.organisation)

    rows = {row.organisation: row for row in participation(year=year)}
    assert (rows["Central Gurdwara"].could_attend, rows["Central Gurdwara"].attended) == (2, 1)
    assert rows["Central Gurdwara"].rate == 50
    assert (rows["St Paul's Church"].attended, rows["St Paul's Church"].rate) == (1, 50)
    assert (rows["New Temple"].could_attend, rows["New Temple"].rate) == (1, 0)

    client.force_login(team_admin)
    url = reverse("forum_participation:index") + f"?year={year.start_year}"
    assert "Central Gurdwara" in client.get(url).content.decode()
    response = client.get(url + "&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0][0] == "Organisation" and ["Central Gurdwara", "Sikh", "Active", 2, 1, 50] in table
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()  # organisations, not people


def test_left_members_keep_their_year_until_they_left(page, course):
    gone = membership("Old Chapel", status=MembershipStatus.LEFT, faith="christian")
    gone.left_on = timezone.localdate() - dt.timedelta(days=400)
    gone.joined_on = gone.left_on - dt.timedelta(days=400)
    gone.save()
    assert "Old Chapel" not in {row.organisation for row in participation(year=FinancialYear.current())}
