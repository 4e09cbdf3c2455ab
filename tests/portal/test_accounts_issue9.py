"""Issue 9, items 12 and 13: sign-up keeps where you were going, and the account emails and
messages speak as the team (names, the team's name and address from the site settings)."""

import datetime as dt
import re
from email.utils import parseaddr
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from crm import roles
from events.models import TrainingSession
from events.services import booking_create
from portal.models import TeamContactSettings
from tests.factories import PASSWORD, SIGN_UP, CoursePageFactory

pytestmark = pytest.mark.django_db

TEAM = "Hammersmith & Fulham Prevent team"
TEAM_EMAIL = "prevent@lbhf.example"
TEAM_ADDRESS = "Hammersmith Town Hall\nKing Street\nLondon W6 9JU"


@pytest.fixture
def make_session(db):
    def make(days: int) -> TrainingSession:
        course = CoursePageFactory(title="WRAP", slug="wrap")
        starts = timezone.now() + dt.timedelta(days=days)
        return TrainingSession.objects.create(
            course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Hammersmith Town Hall"
        )

    return make


@pytest.fixture
def team(db):
    contact = TeamContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.team_name = TEAM
    contact.email = TEAM_EMAIL
    contact.phone = "020 8753 0000"
    contact.address = TEAM_ADDRESS
    contact.save()
    return contact


def link_in(message) -> str:
    """The first link of the email, as a path with its query."""
    url = re.search(r"https?://\S+", message.body).group(0)
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Item 12: where you were going --------------------------------------------------


@pytest.fixture
def book_url(make_session):
    session = make_session(days=14)
    return session.course.url + session.course.reverse_subpage("book", args=[session.pk])


def test_book_sends_you_to_sign_in_whose_create_an_account_link_keeps_the_session(client, book_url):
    response = client.get(book_url)
    assert response.status_code == 302
    login = response["Location"]
    assert parse_qs(urlsplit(login).query)["next"] == [book_url]
    main = client.get(login).content.decode().split("<main", 1)[1]
    [signup_link] = re.findall(r'href="(/accounts/signup/[^"]*)"', main)
    assert parse_qs(urlsplit(signup_link.replace("&amp;", "&")).query)["next"] == [book_url]


def sign_up_from(client, book_url) -> str:
    """Sign up from the Book button's sign-in; returns the confirmation link emailed."""
    response = client.post(f"/accounts/signup/?next={book_url}", {**SIGN_UP, "next": book_url})
    assert response.status_code == 302
    [message] = [m for m in mail.outbox if m.to == [SIGN_UP["email"]]]
    return link_in(message)


@pytest.mark.parametrize("browser", ["same browser", "another browser"])
def test_sign_up_confirm_and_sign_in_lands_back_on_the_session(client, book_url, browser):
    confirm = sign_up_from(client, book_url)
    assert parse_qs(urlsplit(confirm).query)["next"] == [book_url]
    if browser == "another browser":
        client = Client()
    confirm_page = client.get(confirm)
    assert confirm_page.status_code == 200
    response = client.post(confirm, {"next": book_url}, follow=True)
    # Confirmed and not yet signed in: the session asks for a sign-in, and keeps itself as next.
    login = response.redirect_chain[-1][0]
    assert login.startswith("/accounts/login/")
    assert parse_qs(urlsplit(login).query)["next"] == [book_url]
    response = client.post(login, {"login": SIGN_UP["email"], "password": SIGN_UP["password1"], "next": book_url})
    assert response.status_code == 302
    assert response["Location"] == book_url
    page = client.get(book_url)
    assert page.status_code == 200
    assert "<h1>Book " in page.content.decode()


@pytest.mark.parametrize("bad_next", ["https://evil.example/phish", "//evil.example/", "http://evil.example/x"])
def test_a_next_to_another_site_is_dropped(client, bad_next):
    client.post(f"/accounts/signup/?next={bad_next}", {**SIGN_UP, "next": bad_next})
    [message] = [m for m in mail.outbox if m.to == [SIGN_UP["email"]]]
    assert "evil.example" not in message.body
    confirm = link_in(message)
    response = client.post(confirm, follow=True)
    assert "evil.example" not in response.redirect_chain[-1][0]
    response = client.post("/accounts/login/", {"login": SIGN_UP["email"], "password": SIGN_UP["password1"]})
    assert response["Location"] == reverse("events:my_training")


def test_plain_sign_in_lands_on_my_training(client, make_user):
    user = make_user(roles.LEARNER)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("events:my_training")


def test_sign_in_lands_where_you_were_going(client, make_user, book_url):
    user = make_user(roles.LEARNER)
    response = client.post(
        f"/accounts/login/?next={book_url}", {"login": user.email, "password": PASSWORD, "next": book_url}
    )
    assert response["Location"] == book_url


# --- Item 13: the team's voice ------------------------------------------------------


def assert_signed_by_the_team(body: str):
    assert TEAM in body
    for line in TEAM_ADDRESS.splitlines():
        assert line in body
    assert TEAM_EMAIL in body


def assert_sent_by_the_team(message):
    name, address = parseaddr(message.from_email)
    assert name == TEAM
    assert address == "prevent@example.gov.uk"  # DEFAULT_FROM_EMAIL's address: the one the mail server sends from
    assert message.reply_to == [TEAM_EMAIL]


def test_sign_up_email_greets_by_name_and_signs_off_as_the_team(client, team):
    client.post("/accounts/signup/", SIGN_UP)
    [message] = mail.outbox
    body = message.body
    assert body.startswith("Hello Jo,")
    for wording in ("Hello from", "testserver!", "user jo", "has given your email address", "Thank you for using"):
        assert wording not in body, wording
    assert "confirm" in body.lower() and "/accounts/confirm-email/" in body
    assert_signed_by_the_team(body)
    assert_sent_by_the_team(message)
    assert "[Prevent training]" not in message.subject
    assert message.subject == "Confirm your email address"


def test_password_reset_email_speaks_as_the_team(client, make_user, team):
    user = make_user(roles.LEARNER, first_name="Amira")
    client.post("/accounts/password/reset/", {"email": user.email})
    [message] = mail.outbox
    assert message.body.startswith("Hello Amira,")
    assert "Hello from" not in message.body and "username" not in message.body
    assert_signed_by_the_team(message.body)
    assert_sent_by_the_team(message)


def test_emails_without_contact_details_still_come_from_the_team(client):
    client.post("/accounts/signup/", SIGN_UP)
    [message] = mail.outbox
    assert parseaddr(message.from_email) == ("Prevent team", "prevent@example.gov.uk")
    assert message.body.rstrip().endswith("Prevent team")
    assert message.reply_to == []


def test_booking_emails_sign_off_and_come_from_the_team(
    make_session, make_user, team, django_capture_on_commit_callbacks
):
    person = make_user(roles.LEARNER, first_name="Dev")
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(session=make_session(days=5), user=person)
    [message] = mail.outbox
    assert message.body.startswith("Hello Dev,")
    assert_signed_by_the_team(message.body)
    assert_sent_by_the_team(message)


def test_sign_in_and_out_messages_use_the_persons_name(client, make_user):
    user = make_user(roles.LEARNER, first_name="Jo", username="jo")
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    [signed_in] = messages_of(response)
    assert signed_in == "Welcome back, Jo. You are signed in."
    assert "Successfully" not in signed_in
    response = client.post("/accounts/logout/")
    assert "You have signed out." in messages_of(response)


def test_sign_up_and_confirmation_messages_speak_plainly(client):
    response = client.post("/accounts/signup/", SIGN_UP)
    [sent] = messages_of(response)
    assert sent == f"We have sent an email to {SIGN_UP['email']}. Open the link in it to confirm your address."
    [message] = mail.outbox
    response = client.post(link_in(message))
    assert f"Thank you: {SIGN_UP['email']} is confirmed. You can sign in now." in messages_of(response)


def test_calendar_invitations_are_organised_by_the_team(
    make_session, make_user, team, django_capture_on_commit_callbacks
):
    import icalendar

    person = make_user(roles.LEARNER)
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(session=make_session(days=5), user=person)
    [message] = mail.outbox
    [invite] = [content for name, content, _ in message.attachments if name == "invite.ics"]
    [event] = icalendar.Calendar.from_ical(invite).walk("VEVENT")
    assert str(event["ORGANIZER"]) == f"mailto:{TEAM_EMAIL}"
    assert event["ORGANIZER"].params["CN"] == TEAM
