"""Issue 9, item 4: nobody is trained before the session ends.

A certificate (its page, its PDF, its public check, the link in My training) and a
"complete" requirement come once the session has ended and the person was present.
Someone checked in at the door is attending, not trained. A booking with an
attendance cannot be cancelled, so nobody turns into a walk-in who keeps the
certificate and gets a "Booking cancelled" email.
"""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from crm import roles
from events.compliance import person_requirements, requirement_statuses
from events.errors import MESSAGES, BookingError
from events.models import Attendance, Booking, BookingStatus, RequirementStatus
from events.services import booking_cancel, booking_create, self_check_in, ticket_check_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace("&#x27;", "'")


@pytest.fixture
def trainer(make_user):
    return make_user(roles.TRAINER, first_name="Tess", last_name="Trainer")


@pytest.fixture
def councillor(make_user, requirement):
    """An elected Member who must do the Member requirement (WRAP counts towards it)."""
    return make_user(roles.ELECTED_MEMBER, first_name="Robin", last_name="Ellis")


@pytest.fixture
def session(make_session, trainer):
    session = make_session(days=3)
    session.trainers.add(trainer)
    return session


@pytest.fixture
def booking(session, councillor):
    return booking_create(session=session, user=councillor)


def _at_the_door(session):
    """Fifteen minutes before the start: check-in is open, the session has not begun."""
    return time_machine.travel(session.starts_at - dt.timedelta(minutes=15), tick=False)


def _after(session):
    return time_machine.travel(session.ends_at + dt.timedelta(minutes=1), tick=False)


def test_checked_in_before_the_start_has_no_certificate_until_the_session_ends(
    client, session, booking, trainer, councillor, requirement
):
    with _at_the_door(session):
        attendance = ticket_check_in(token=booking.ticket_token, by=trainer).attendance
        client.force_login(councillor)
        assert client.get(reverse("events:certificate", args=[attendance.pk])).status_code == 404
        assert client.get(reverse("events:certificate_pdf", args=[attendance.pk])).status_code == 404
        verify = text(client.get(reverse("events:certificate_verify"), {"code": attendance.certificate_code}))
        assert "No certificate has the code" in verify and "Robin Ellis" not in verify
        page = client.get(reverse("events:my_training"))
        content = page.content.decode()
        assert reverse("events:certificate", args=[attendance.pk]) not in content
        assert reverse("events:certificate_pdf", args=[attendance.pk]) not in content
        assert "Checked in" in text(page)
        [(_, status)] = person_requirements(user=councillor)
        assert status.status == RequirementStatus.BOOKED  # attending, not complete
        assert "Complete until" not in text(page)
        [everyone] = requirement_statuses(requirement=requirement)
        assert everyone.status == RequirementStatus.BOOKED

    with time_machine.travel(session.ends_at - dt.timedelta(seconds=1), tick=False):
        assert client.get(reverse("events:certificate", args=[attendance.pk])).status_code == 404

    with _after(session):
        html = client.get(reverse("events:certificate", args=[attendance.pk]))
        assert html.status_code == 200 and "Robin Ellis" in text(html)
        pdf = client.get(reverse("events:certificate_pdf", args=[attendance.pk]))
        assert pdf.status_code == 200
        assert attendance.certificate_code in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        client.logout()
        verify = text(client.get(reverse("events:certificate_verify"), {"code": attendance.certificate_code}))
        assert "Robin Ellis" in verify
        [(_, status)] = person_requirements(user=councillor)
        assert status.status == RequirementStatus.COMPLETE
        assert status.last_completed == timezone.localdate(session.starts_at)
        client.force_login(councillor)
        content = client.get(reverse("events:my_training")).content.decode()
        assert reverse("events:certificate_pdf", args=[attendance.pk]) in content


def test_a_walk_in_present_at_a_session_in_progress_is_attending_not_complete(
    session, councillor, requirement, make_session
):
    """No booking at all: self check-in as a walk-in. Still not complete until the end."""
    with _at_the_door(session):
        self_check_in(token=session.checkin_token, user=councillor)
        [status] = requirement_statuses(requirement=requirement)
        assert status.status == RequirementStatus.BOOKED
        assert status.booked_session == session
        assert status.attending
    with _after(session):
        [status] = requirement_statuses(requirement=requirement)
        assert status.status == RequirementStatus.COMPLETE


def test_the_attendee_cannot_cancel_a_booking_once_marked_present(
    client, session, booking, trainer, councillor, django_capture_on_commit_callbacks
):
    with _at_the_door(session):
        ticket_check_in(token=booking.ticket_token, by=trainer)
        mail.outbox.clear()
        with pytest.raises(BookingError) as refused, django_capture_on_commit_callbacks(execute=True):
            booking_cancel(booking=booking, by=councillor)
        assert refused.value.code == "attended"
        assert refused.value.message == MESSAGES["attended"]

        client.force_login(councillor)
        page = client.get(reverse("events:my_training"))
        assert reverse("events:booking_cancel", args=[booking.pk]) not in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("events:booking_cancel", args=[booking.pk]), follow=True)
        assert MESSAGES["attended"] in text(response)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Attendance.objects.get().booking == booking  # still present on a booking, not a walk-in
    assert mail.outbox == []  # no "Booking cancelled" email


def test_the_emailed_cancel_link_refuses_too(client, session, booking, trainer):
    from events.emails import cancel_link

    path = cancel_link(booking).replace("http://testserver", "")
    with _at_the_door(session):
        ticket_check_in(token=booking.ticket_token, by=trainer)
        response = client.post(path)
        assert MESSAGES["attended"] in text(response)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_the_team_cannot_cancel_an_attended_booking_either(session, booking, trainer, team_admin):
    """The team takes the mark back first (check-in desk or register) if it was a mistake, then cancels."""
    with _at_the_door(session):
        ticket_check_in(token=booking.ticket_token, by=trainer)
        with pytest.raises(BookingError) as refused:
            booking_cancel(booking=booking, by=team_admin)
        assert refused.value.code == "attended"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_an_attendance_matched_by_email_also_blocks_cancelling(session, booking, councillor):
    """A walk-in record under the same email (e.g. self check-in typed at the door) is the same person."""
    from events.services import attendance_record

    with _at_the_door(session):
        attendance_record(
            session=session,
            full_name="Robin Ellis",
            email=councillor.email.upper(),
            organisation_name="Council",
            organisation_type="member",
            job_role="Councillor",
        )
        with pytest.raises(BookingError) as refused:
            booking_cancel(booking=booking, by=councillor)
        assert refused.value.code == "attended"


def test_the_admin_says_why_an_attended_booking_cannot_be_cancelled(client, session, booking, trainer, team_admin):
    with _at_the_door(session):
        ticket_check_in(token=booking.ticket_token, by=trainer)
        client.force_login(team_admin)
        response = client.post(reverse("bookings:edit", args=[booking.pk]), {"status": BookingStatus.CANCELLED})
        assert response.status_code == 200
        assert MESSAGES["attended"].replace("'", "&#x27;") in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
