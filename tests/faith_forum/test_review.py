"""Issue 14's review on the demo: small things a council officer or a forum member found wrong."""

import pytest
from wagtail.models import Site

from crm import roles
from faith_forum.models import EventAudience
from portal.models import TeamContactSettings
from tests.factories import UserFactory
from tests.faith_forum.forum_events_helpers import forum_course, forum_event, forum_page, member

pytestmark = pytest.mark.django_db


def test_a_signed_out_member_following_a_members_only_event_link_is_offered_sign_in(client):
    """From their calendar feed a member opens a members-only event signed out: not found (it must not be
    told apart from a missing page), but the page offers sign-in and brings them back to it."""
    page = forum_page()
    event = forum_event(forum_course(), audience=EventAudience.MEMBERS)
    url = page.url + page.reverse_subpage("event", args=[event.pk])
    missing = page.url + page.reverse_subpage("event", args=[event.pk + 100])

    first, second = client.get(url), client.get(missing)
    assert first.status_code == second.status_code == 404
    body = first.content.decode()
    assert f'href="/accounts/login/?next={url}"' in body

    def main(text, path):
        return text.split("<main")[1].split("</main>")[0].replace(path, "PATH")

    assert main(body, url) == main(second.content.decode(), missing)

    client.force_login(member())
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(roles=[roles.LEARNER]))
    assert "sign in" not in client.get(url).content.decode().lower().split("<main")[1]


def test_the_application_form_says_what_the_forum_does_with_the_applicant_s_details(client):
    """The team's short notice is about training; the forum's application says what it is for instead."""
    page = forum_page()
    contact = TeamContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.privacy_notice = "<p>We use your details to manage your training.</p>"
    contact.save()
    body = client.get(page.url + page.reverse_subpage("apply")).content.decode()
    assert "to decide this application" in body and "run its membership of the forum" in body
    assert "manage your training" not in body
    # Elsewhere the team's own notice stays.
    assert "manage your training" in client.get("/accounts/signup/").content.decode()


def test_an_empty_application_says_what_to_fill_in_for_each_box(client):
    page = forum_page()
    body = client.post(page.url + page.reverse_subpage("apply"), {"full_name": ""}).content.decode()
    for message in (
        "Choose your organisation&#x27;s faith",
        "Give your name.",
        "Give your role at the organisation",
        "Give your work email address",
    ):
        assert message in body
    assert "This field is required." not in body


def test_the_team_s_membership_screens_lead_back_to_the_memberships(client, team_admin):
    from django.urls import reverse

    from tests.faith_forum.forum_events_helpers import membership

    joined = membership("Central Gurdwara")
    client.force_login(team_admin)
    for name in ("forum_memberships:representatives", "forum_memberships:leave"):
        body = client.get(reverse(name, args=[joined.pk])).content.decode()
        assert f'href="{reverse("forum_memberships:index")}"' in body, name
        assert f'href="{reverse("forum_memberships:edit", args=[joined.pk])}"' in body, name


def test_the_publish_screen_leads_back_to_the_events_and_the_event(client, team_admin):
    from django.urls import reverse

    event = forum_event(forum_course(), published=False)
    client.force_login(team_admin)
    body = client.get(reverse("forum_events:publish", args=[event.pk])).content.decode()
    assert f'href="{reverse("forum_events:index")}"' in body
    assert f'href="{reverse("forum_events:edit", args=[event.pk])}"' in body


def test_the_team_s_application_list_names_the_applicant_not_your_name(client, team_admin):
    from django.urls import reverse

    from faith_forum.models import ForumApplication

    ForumApplication.objects.create(
        new_organisation_name="Brook Green Temple",
        faith="hindu",
        full_name="Ravi Patel",
        job_role="Trustee",
        email="ravi@temple.example",
    )
    client.force_login(team_admin)
    body = client.get(reverse("forum_applications:index")).content.decode()
    assert "Ravi Patel" in body
    assert "Applicant" in body and "Received" in body
    assert "Your name" not in body and "Your work email" not in body


def test_an_event_with_no_limit_on_places_needs_no_capacity_and_a_limited_one_asks_for_it(client, team_admin):
    """The capacity box was required even with places not limited: 'This field is required.' for a number not used."""
    from django.urls import reverse

    from faith_forum.models import ForumEvent
    from tests.faith_forum.test_events_views import form_data

    course = forum_course()
    client.force_login(team_admin)
    response = client.post(reverse("forum_events:add"), form_data(course, capacity=""))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = ForumEvent.objects.get()
    assert not event.session.places_limited and event.session.capacity == 40

    body = client.post(
        reverse("forum_events:add"), form_data(course, capacity="", places_limited="on", title="Limited")
    ).content.decode()
    assert "Give the number of places, or untick Limit places to the capacity." in body
    assert ForumEvent.objects.count() == 1

    # Changing an unlimited event with the box emptied keeps the number it had.
    event.session.capacity = 12
    event.session.save()
    assert client.post(reverse("forum_events:edit", args=[event.pk]), form_data(course, capacity="")).status_code == 302
    event.session.refresh_from_db()
    assert event.session.capacity == 12


def test_the_team_s_event_list_says_published_yes_or_not_yet(client, team_admin):
    from django.urls import reverse

    course = forum_course()
    forum_event(course, title="Published meeting")
    forum_event(course, title="Draft meeting", published=False)
    client.force_login(team_admin)
    body = client.get(reverse("forum_events:index")).content.decode()
    assert "Not yet" in body and ">Yes<" in body.replace(" ", "").replace("\n", "")
    assert "True" not in body.split("<tbody")[1] and "False" not in body.split("<tbody")[1]


@pytest.mark.parametrize(
    ("attended", "could", "rate"),
    [(1, 8, 13), (3, 8, 38), (5, 8, 63), (2, 3, 67), (0, 11, 0), (11, 11, 100), (0, 0, None)],
)
def test_the_participation_rate_rounds_halves_up_as_the_team_s_spreadsheet_would(attended, could, rate):
    """The demo's newest member came to 1 of 8 events: Python's round() said 12%, Excel says 13%."""
    from faith_forum.selectors import Participation

    assert Participation(membership=None, could_attend=could, attended=attended).rate == rate


def test_the_timeline_shows_a_membership_s_day_without_a_midnight_time_and_says_it_lists_memberships(
    client, team_admin
):
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from tests.faith_forum.forum_events_helpers import membership

    joined = membership("Central Gurdwara")
    joined.joined_on = timezone.localdate() - dt.timedelta(days=30)
    joined.save()
    client.force_login(team_admin)
    body = client.get(reverse("organisations:timeline", args=[joined.organisation_id])).content.decode()
    row = body.split("Joined the Faith Forum")[0].rsplit("<tr>", 1)[1]
    assert f'datetime="{joined.joined_on:%Y-%m-%d}"' in row and "00:00" not in row
    assert "its memberships (such as the Faith Forum)" in body


def test_past_events_on_the_forum_page_say_attended_or_what_was_replied_not_you_are_going(client):
    """Every past event read 'You are going' (the reply), even one the member never came to."""
    import datetime as dt

    from events.models import Attendance
    from faith_forum.services import rsvp_set

    page = forum_page()
    course = forum_course()
    came = forum_event(course, days=3, title="Came to this")
    missed = forum_event(course, days=4, title="Missed this")
    coming = forum_event(course, days=10, title="Coming to this")
    person = member()
    for event in (came, missed, coming):
        rsvp_set(event=event, user=person, answer="going")
    for event, days in ((came, 30), (missed, 60)):  # replied before; held since
        event.session.starts_at -= dt.timedelta(days=days)
        event.session.ends_at -= dt.timedelta(days=days)
        event.session.save()
    Attendance.objects.create(session=came.session, user=person)
    client.force_login(person)

    body = client.get(page.url).content.decode()
    cards = {
        title: body.split(title)[1].split("</li>")[0] for title in ("Came to this", "Missed this", "Coming to this")
    }
    assert "You attended" in cards["Came to this"] and "You are going" not in cards["Came to this"]
    assert "You replied going" in cards["Missed this"] and "You are going" not in cards["Missed this"]
    assert "You are going" in cards["Coming to this"]


def test_an_event_that_is_over_offers_no_ticket_or_invitation_and_says_replies_are_closed_because_it_is_over(
    client,
):
    import datetime as dt

    from events.models import Attendance
    from faith_forum.services import rsvp_set

    page = forum_page()
    event = forum_event(forum_course(), days=3)
    person = member()
    rsvp_set(event=event, user=person, answer="going")
    url = page.url + page.reverse_subpage("event", args=[event.pk])
    client.force_login(person)
    assert "Your ticket for the door" in client.get(url).content.decode()

    event.session.starts_at -= dt.timedelta(days=10)
    event.session.ends_at -= dt.timedelta(days=10)
    event.session.save()
    Attendance.objects.create(session=event.session, user=person)
    body = client.get(url).content.decode()
    assert "You attended this event" in body and "Replies are closed: the event is over." in body
    assert "Your ticket for the door" not in body and "Download the calendar invitation" not in body


def test_my_training_lists_no_forum_meeting_as_training_attended_and_there_is_no_certificate_for_one(client):
    """The demo member's My training listed a year of forum meetings under 'Sessions attended', each with a
    certificate: a meeting is not training."""
    import datetime as dt

    from django.urls import reverse

    from events.models import Attendance
    from tests.factories import CoursePageFactory
    from tests.faith_forum.forum_events_helpers import forum_event

    page = forum_page()
    person = member()
    meeting = forum_event(forum_course(), days=-10, title="Forum meeting: Working with schools")
    forum_attendance = Attendance.objects.create(session=meeting.session, user=person)
    wrap = CoursePageFactory(title="WRAP", slug="wrap-review")
    from events.models import TrainingSession

    starts = meeting.session.starts_at - dt.timedelta(days=5)
    training = TrainingSession.objects.create(
        course=wrap, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall"
    )
    training_attendance = Attendance.objects.create(session=training, user=person)
    client.force_login(person)

    body = client.get(reverse("events:my_training")).content.decode()
    attended = body.split("Sessions attended")[1]
    assert "WRAP" in attended and "Faith Forum meeting" not in attended
    assert client.get(reverse("events:certificate", args=[forum_attendance.pk])).status_code == 404
    assert client.get(reverse("events:certificate_pdf", args=[forum_attendance.pk])).status_code == 404
    assert client.get(reverse("events:certificate", args=[training_attendance.pk])).status_code == 200
    verify = reverse("events:certificate_verify")
    assert "WRAP" in client.get(verify, {"code": training_attendance.certificate_code}).content.decode()
    assert "Faith Forum meeting" not in client.get(verify, {"code": forum_attendance.certificate_code}).content.decode()
    assert page.url  # the forum page is there: its event page says "You attended this event" instead
