"""Issue 10 item 3: email goes through an outbox, so a mail server that is down never turns a
booking or a sign-up into an error; the sender retries with backoff, then marks the message
failed for the team to see in the admin.

"Down" is the real SMTP backend pointed at a closed port on this machine (nothing mocked):
production's own EMAIL_BACKEND setting (config.settings.base) is used for these tests, so
they exercise the wiring production runs.
"""

import base64
import datetime as dt
import io
import threading

import pytest
import time_machine
import vobject
import zxingcpp
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from config.settings import base as production_settings
from crm import roles
from crm.models import OutboxMessage, OutboxStatus, User
from crm.outbox import BACKOFF_MINUTES, outbox_send_due
from events.models import Booking, BookingStatus, TrainingRequirement, TrainingSession
from events.services import booking_create
from tests.crm.conftest import LOCMEM, queue_one, smtp_back_up
from tests.factories import SIGN_UP, CoursePageFactory
from tests.pagetree import restore_home_page


@pytest.fixture
def course():
    restore_home_page()  # a transactional test before this one may have flushed the page tree
    return CoursePageFactory(title="WRAP", slug="wrap")


def new_session(course, *, days=7):
    starts = timezone.now() + dt.timedelta(days=days)
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=10
    )


def book_url(session):
    return session.course.url + session.course.reverse_subpage("book", args=[session.pk])


# --- The person who books or signs up never sees the outage -------------------------------


@pytest.mark.django_db(transaction=True)  # the booking's emails go from on_commit, as in production
def test_booking_answers_success_with_the_mail_server_down_and_its_email_waits(client, course, smtp_down):
    session = new_session(course)
    person = User.objects.create_user(username="ana", email="ana@example.gov.uk", password="x", first_name="Ana")
    client.force_login(person)

    response = client.post(book_url(session), {"action": "book"})

    assert response.status_code == 302 and response["Location"] == reverse("events:my_training")
    assert Booking.objects.get(user=person, session=session).status == BookingStatus.CONFIRMED
    [queued] = OutboxMessage.objects.filter(to=[person.email])
    assert queued.status == OutboxStatus.QUEUED and queued.subject.startswith("Your place is booked")
    # Stored to be built by the sender (issue 15): the request drew no ticket and made no calendar file.
    assert not queued.built and queued.builder == "events.emails.booking_email" and queued.attachments == []
    # The sender builds it, keeps what it built, and fails to send it: it waits for the next try.
    assert outbox_send_due() == {"sent": 0, "not_sent": 1}
    queued.refresh_from_db()
    assert queued.built and queued.status == OutboxStatus.QUEUED and queued.attempts == 1
    assert {a["filename"] for a in queued.attachments} == {"invite.ics", "ticket.png"}
    # My training shows the booking as on any other day.
    page = client.get(reverse("events:my_training"))
    assert page.status_code == 200 and "WRAP" in page.content.decode()


@pytest.mark.django_db
def test_sign_up_answers_success_with_the_mail_server_down_and_its_email_waits(client, smtp_down):
    response = client.post("/accounts/signup/", SIGN_UP)

    assert response.status_code == 302
    assert User.objects.filter(email=SIGN_UP["email"]).exists()
    [queued] = OutboxMessage.objects.filter(to=[SIGN_UP["email"]])
    assert queued.status == OutboxStatus.QUEUED and "/accounts/confirm-email/" in queued.body


@pytest.mark.django_db
def test_session_reminders_with_the_mail_server_down_are_all_queued(
    course, smtp_down, django_capture_on_commit_callbacks
):
    session = new_session(course, days=1)
    people = [
        booking_create(
            session=session, user=User.objects.create_user(username=f"p{n}", email=f"p{n}@example.gov.uk")
        ).user
        for n in range(2)
    ]
    OutboxMessage.objects.all().delete()  # the booking confirmations

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders")

    queued = OutboxMessage.objects.filter(subject__startswith="Reminder")
    assert sorted(m.to[0] for m in queued) == sorted(p.email for p in people)
    assert {m.status for m in queued} == {OutboxStatus.QUEUED}


@pytest.mark.django_db
def test_training_reminders_with_the_mail_server_down_are_all_queued(
    course, make_user, smtp_down, django_capture_on_commit_callbacks
):
    rule = TrainingRequirement.objects.create(name="Prevent training for elected Members", valid_for_months=24)
    rule.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    rule.courses.add(course)
    members = [make_user(roles.ELECTED_MEMBER, member_side="opposition") for _ in range(2)]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders")

    queued = OutboxMessage.objects.filter(subject__startswith="Training you need to do")
    assert sorted(m.to[0] for m in queued) == sorted(p.email for p in members)
    assert {m.status for m in queued} == {OutboxStatus.QUEUED}


# --- The sender -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sender_retries_with_backoff_then_marks_the_message_failed(smtp_down):
    smtp_down.OUTBOX_MAX_ATTEMPTS = 4
    message = queue_one()
    now = message.next_attempt_at
    waits = []
    for attempt in range(1, 5):
        assert outbox_send_due(now=now) == {"sent": 0, "not_sent": 1}
        # Not due again until its wait is over: a run a second early tries nothing.
        message.refresh_from_db()
        assert message.attempts == attempt and "Connection refused" in message.last_error
        if attempt < 4:
            assert message.status == OutboxStatus.QUEUED
            waits.append(message.next_attempt_at - now)
            assert outbox_send_due(now=message.next_attempt_at - dt.timedelta(seconds=1)) == {"sent": 0, "not_sent": 0}
            now = message.next_attempt_at
    assert waits == [dt.timedelta(minutes=m) for m in BACKOFF_MINUTES[:3]]
    assert message.status == OutboxStatus.FAILED
    # Failed is final: later runs leave it for the team.
    assert outbox_send_due(now=now + dt.timedelta(days=1)) == {"sent": 0, "not_sent": 0}
    assert mail.outbox == []


@pytest.mark.django_db
def test_once_the_mail_server_is_back_the_queued_booking_email_goes_with_its_attachments_intact(
    course, smtp_down, django_capture_on_commit_callbacks
):
    session = new_session(course)
    person = User.objects.create_user(username="ana", email="ana@example.gov.uk", first_name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=session, user=person)
    call_command("send_outbox")  # the mail server is still down: nothing goes
    assert mail.outbox == []

    smtp_back_up(smtp_down)
    [queued] = OutboxMessage.objects.all()
    with time_machine.travel(queued.next_attempt_at + dt.timedelta(seconds=1)):  # its wait after the first try
        call_command("send_outbox")

    [sent] = mail.outbox
    assert sent.to == [person.email] and sent.subject.startswith("Your place is booked")
    attachments = {a.filename: a for a in sent.attachments}
    assert attachments["invite.ics"].mimetype.startswith("text/calendar; method=REQUEST")
    event = vobject.readOne(attachments["invite.ics"].content).vevent
    assert event.dtstart.value == session.starts_at.replace(microsecond=0)
    assert event.location.value.startswith("Town Hall")
    png = attachments["ticket.png"].content
    stored = next(a for a in queued.attachments if a["filename"] == "ticket.png")
    assert png == base64.b64decode(stored["content_base64"])
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert code.text.endswith(reverse("events:ticket", args=[booking.ticket_token]))
    queued.refresh_from_db()
    assert queued.status == OutboxStatus.SENT and queued.sent_at is not None
    # Sent once: another run sends nothing more.
    assert outbox_send_due(now=timezone.now() + dt.timedelta(days=1)) == {"sent": 0, "not_sent": 0}
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sent_at_once_when_so_configured_and_still_through_the_outbox(settings, django_capture_on_commit_callbacks):
    """OUTBOX_SEND_AT_ONCE (the test settings) sends as soon as the storing transaction commits; the row records it."""
    settings.EMAIL_BACKEND = production_settings.EMAIL_BACKEND
    assert settings.OUTBOX_SEND_AT_ONCE and settings.OUTBOX_TRANSPORT_BACKEND == LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        queue_one(subject="Straight through")
        assert mail.outbox == []  # stored, not yet sent: the transaction has not committed
    assert [m.subject for m in mail.outbox] == ["Straight through"]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_never_send_a_message_twice(settings):
    settings.EMAIL_BACKEND = production_settings.EMAIL_BACKEND
    settings.OUTBOX_SEND_AT_ONCE = False
    for n in range(30):
        queue_one(subject=f"Message {n}")
    barrier = threading.Barrier(3)
    errors = []

    def sender():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            outbox_send_due()
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(m.subject for m in mail.outbox) == sorted(f"Message {n}" for n in range(30))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


# --- The team sees failures; nobody else does --------------------------------------------------


@pytest.fixture
def failed_message(smtp_down):
    smtp_down.OUTBOX_MAX_ATTEMPTS = 1
    message = queue_one(subject="Your place is booked: WRAP", to="grace@example.gov.uk")
    outbox_send_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    return message


@pytest.mark.django_db
def test_the_team_sees_failed_emails_with_their_error_and_can_retry(client, team_admin, failed_message, settings):
    client.force_login(team_admin)
    page = client.get(reverse("outbox:index") + "?status=failed")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Your place is booked: WRAP" in content and "grace@example.gov.uk" in content
    assert "Connection refused" in content
    assert reverse("outbox:retry", args=[failed_message.pk]) in content
    # Read only: no adding, editing or deleting messages.
    for url in (reverse("outbox:add"), reverse("outbox:edit", args=[failed_message.pk])):
        assert client.get(url).status_code in (302, 403)

    smtp_back_up(settings)
    assert client.get(reverse("outbox:retry", args=[failed_message.pk])).status_code == 200
    assert client.post(reverse("outbox:retry", args=[failed_message.pk])).status_code == 302
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxStatus.QUEUED
    outbox_send_due()
    assert [m.to for m in mail.outbox] == [["grace@example.gov.uk"]]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.OUTREACH_OFFICER, roles.TRAINER, roles.LEARNER])
def test_no_one_else_sees_the_outbox_or_retries(client, make_user, failed_message, role):
    client.force_login(make_user(role))
    for url in (reverse("outbox:index"), reverse("outbox:inspect", args=[failed_message.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "grace@example.gov.uk" not in response.content.decode()
    # Wagtail answers a refusal inside the admin with a redirect to the dashboard (or to sign in).
    refused = client.post(reverse("outbox:retry", args=[failed_message.pk]))
    assert refused.status_code in (302, 403) and "/outbox/" not in refused.get("Location", "")
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxStatus.FAILED
