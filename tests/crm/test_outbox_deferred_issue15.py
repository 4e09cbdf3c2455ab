"""Issue 15: a booking's email is built by the outbox's sender, not inside the booking's request.

The request stores one small row naming its builder; ``send_outbox`` builds the email from the
booking as it is then (ticket, calendar file, templates), keeps what it built on the row and sends
it. News that no longer holds is not sent. With production's EMAIL_BACKEND (the outbox).
"""

import datetime as dt
import io

import pytest
import time_machine
import vobject
import zxingcpp
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from config.settings import base as production_settings
from crm.models import OutboxMessage, OutboxStatus, User
from crm.outbox import outbox_defer, outbox_purge_sent, outbox_retry, outbox_send_due
from events.models import BookingStatus, TrainingSession
from events.services import booking_cancel, booking_create, session_save
from tests.factories import CoursePageFactory
from tests.pagetree import restore_home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings):
    """Production's wiring: messages are stored and wait for the sender; sent through Django's locmem."""
    settings.EMAIL_BACKEND = production_settings.EMAIL_BACKEND
    settings.OUTBOX_SEND_AT_ONCE = False
    settings.OUTBOX_TRANSPORT_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.fixture
def session():
    restore_home_page()
    course = CoursePageFactory(title="WRAP", slug="wrap")
    starts = timezone.now() + dt.timedelta(days=7)
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=1
    )


def person(name: str) -> User:
    return User.objects.create_user(username=name, email=f"{name}@example.gov.uk", first_name=name.title())


def test_the_booking_stores_a_row_to_build_and_the_sender_builds_it_from_the_booking(outbox, session):
    ana = person("ana")
    booking = booking_create(session=session, user=ana)
    [row] = OutboxMessage.objects.all()
    assert not row.built and row.to == [ana.email] and row.subject.startswith("Your place is booked: WRAP")
    assert row.builder_kwargs == {"kind": "booking_confirmed", "booking_id": booking.pk}

    assert outbox_send_due() == {"sent": 1, "not_sent": 0}
    [sent] = mail.outbox
    assert sent.to == [ana.email] and sent.subject == row.subject
    attachments = {a.filename: a for a in sent.attachments}
    assert vobject.readOne(attachments["invite.ics"].content).vevent.location.value.startswith("Town Hall")
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(attachments["ticket.png"].content)))
    assert code.text.endswith(reverse("events:ticket", args=[booking.ticket_token]))
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.built and "Town Hall" in row.body  # what went is kept


def test_a_session_moved_before_the_sender_runs_is_told_as_it_is_then(outbox, session, team_admin):
    booking_create(session=session, user=person("ana"))
    session.venue = "Civic Centre"
    session_save(session=session, by=team_admin)
    outbox_send_due()
    invites = [
        vobject.readOne(a.content).vevent.location.value
        for m in mail.outbox
        for a in m.attachments
        if a.filename == "invite.ics"
    ]
    assert invites and all(location.startswith("Civic Centre") for location in invites)


def test_news_that_no_longer_holds_is_not_sent(outbox, session):
    ana, ben = person("ana"), person("ben")
    first = booking_create(session=session, user=ana)
    waiting = booking_create(session=session, user=ben, join_waiting_list=True)
    assert waiting.status == BookingStatus.WAITING
    booking_cancel(booking=first, by=ana)  # Ben takes the place: "on the waiting list" no longer holds
    outbox_send_due()

    rows = {(row.builder_kwargs.get("kind"), row.to[0]): row for row in OutboxMessage.objects.all()}
    assert rows[("booking_confirmed", ana.email)].status == OutboxStatus.SKIPPED
    assert rows[("booking_waiting", ben.email)].status == OutboxStatus.SKIPPED
    assert rows[("booking_promoted", ben.email)].status == OutboxStatus.SENT
    sent = sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox)
    assert sent == [(ana.email, "Booking cancelled"), (ben.email, "A place has come up for you")]
    # Skipped is final: not offered for a retry, and purged with the sent ones.
    skipped = rows[("booking_confirmed", ana.email)]
    outbox_retry(message=skipped)
    skipped.refresh_from_db()
    assert skipped.status == OutboxStatus.SKIPPED
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        outbox_purge_sent(older_than=dt.timedelta(days=30))
    assert not OutboxMessage.objects.filter(status=OutboxStatus.SKIPPED).exists()


def test_a_builder_that_fails_is_recorded_and_retried_like_a_mail_server_that_is_down(outbox, session):
    booking = booking_create(session=session, user=person("ana"))
    row = outbox_defer(
        builder="events.emails.booking_email",
        kwargs={"kind": "no-such-kind", "booking_id": booking.pk},
        to=["ana@example.gov.uk"],
        subject="Broken",
    )
    assert outbox_send_due(only=[row.pk]) == {"sent": 0, "not_sent": 1}
    row.refresh_from_db()
    assert row.status == OutboxStatus.QUEUED and row.attempts == 1 and "KeyError" in row.last_error
    assert not row.built and mail.outbox == []


def test_without_the_outbox_the_email_is_built_and_sent_at_once(session):
    # Tests and development use Django's own backends: nothing waits for a sender.
    booking_create(session=session, user=person("ana"))
    assert OutboxMessage.objects.count() == 0
    [sent] = mail.outbox
    assert {a.filename for a in sent.attachments} == {"invite.ics", "ticket.png"}
