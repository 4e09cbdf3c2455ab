"""Tickets and their QR codes, and the session QR code's self check-in and walk-ins.

The QR codes are drawn by the server and read back here with a real decoder
(zxing-cpp), then the decoded address is followed the way a phone's camera would.
"""

import datetime as dt
import io
import re

import pytest
import time_machine
import zxingcpp
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from crm import roles
from crm.models import User
from events.errors import MESSAGES, CheckInError
from events.models import Attendance, AttendanceMethod, Booking, SessionStatus, TrainingSession
from events.services import (
    attendance_confirm,
    booking_cancel,
    booking_create,
    checkin_token_regenerate,
    ticket_check_in,
)
from events.services.booking import _when

pytestmark = pytest.mark.django_db

WALK_IN = {
    "full_name": "Robin Okafor",
    "email": "robin.okafor@youthclub.example.org",
    "organisation_name": "Shepherd's Bush Youth Club",
    "organisation_type": "community",
    "job_role": "Youth worker",
}


# --- helpers ----------------------------------------------------------------------------


def decode_qr(png: bytes) -> str:
    """Read a QR code PNG with zxing-cpp, as a phone camera would; exactly one code, returns its text."""
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    return code.text


def path_of(url: str) -> str:
    """The path of an absolute portal address, for the test client."""
    assert url.startswith(settings.PORTAL_BASE_URL + "/"), url
    return url[len(settings.PORTAL_BASE_URL) :]


def start_soon(session: TrainingSession, minutes: int = 10) -> TrainingSession:
    """Move a session (booked while it was in the future) to start in a few minutes: check-in is open."""
    starts = timezone.now() + dt.timedelta(minutes=minutes)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    session.refresh_from_db()
    return session


def text(response) -> str:
    """The page's text with tags and repeated whitespace removed, for asserting on sentences."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace("&#x27;", "'")


def ticket_path(booking: Booking) -> str:
    return reverse("events:ticket", args=[booking.ticket_token])


def checkin_path(session: TrainingSession) -> str:
    return reverse("events:self_checkin", args=[session.checkin_token])


@pytest.fixture
def trainer(make_user):
    return make_user(roles.TRAINER, first_name="Tess", last_name="Trainer")


@pytest.fixture
def holder(make_user):
    return make_user(roles.LEARNER, first_name="Sam", last_name="Taylor")


@pytest.fixture
def booked(make_session, trainer, holder):
    """Sam Taylor's confirmed booking on a session Tess trains, starting in ten minutes."""
    session = make_session(days=3)
    session.trainers.add(trainer)
    booking = booking_create(session=session, user=holder)
    start_soon(session)
    booking.refresh_from_db()
    return booking


# --- the ticket QR code, scanned -------------------------------------------------------


def test_ticket_qr_decodes_to_the_ticket_and_a_trainer_scan_marks_present(client, booked, trainer):
    response = client.get(reverse("events:ticket_qr", args=[booked.ticket_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    url = decode_qr(response.content)
    assert url == settings.PORTAL_BASE_URL + ticket_path(booked)
    assert len(booked.ticket_token) >= 32  # an unguessable token, never the booking's id
    assert client.get(reverse("events:ticket", args=[str(booked.pk)])).status_code == 404

    client.force_login(trainer)
    opened = client.get(path_of(url))  # opening the address shows the person; only the button's POST marks
    assert "Check in Sam Taylor" in text(opened) and not Attendance.objects.exists()
    response = client.post(path_of(url))
    assert response.status_code == 200
    assert "Checked in: Sam Taylor" in text(response)
    assert 'class="checkin-result text-bg-success' in response.content.decode()
    attendance = Attendance.objects.get(session=booked.session)
    assert (attendance.booking, attendance.user, attendance.method, attendance.checked_in_by) == (
        booked,
        booked.user,
        AttendanceMethod.TICKET,
        trainer,
    )
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_emailed_ticket_decodes_and_checks_the_person_in(
    client, make_session, trainer, holder, django_capture_on_commit_callbacks
):
    session = make_session(days=3)
    session.trainers.add(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=session, user=holder)
    [message] = mail.outbox
    assert [name for name, _, _ in message.attachments] == ["invite.ics", "ticket.png"]
    [(_, png, mimetype)] = [a for a in message.attachments if a[0] == "ticket.png"]
    assert mimetype == "image/png"
    url = decode_qr(png)
    assert url == settings.PORTAL_BASE_URL + ticket_path(booking)
    assert f"Show this QR code at the door, or open: {url}" in message.body

    start_soon(session)
    client.force_login(trainer)
    response = client.post(path_of(url))
    assert "Checked in: Sam Taylor" in text(response)
    assert Attendance.objects.get(session=session).booking == booking


def test_a_place_coming_up_emails_a_ticket_too(make_session, make_user, holder, django_capture_on_commit_callbacks):
    session = make_session(days=3, capacity=1)
    first = make_user(roles.LEARNER)
    booking_create(session=session, user=first)
    waiting = booking_create(session=session, user=holder, join_waiting_list=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=Booking.objects.get(user=first), by=first)
    [promoted] = [m for m in mail.outbox if m.to == [holder.email]]
    assert "A place has come up" in promoted.subject
    [(_, png, mimetype)] = [a for a in promoted.attachments if a[0] == "ticket.png"]
    assert mimetype == "image/png"
    url = decode_qr(png)
    assert url == settings.PORTAL_BASE_URL + ticket_path(waiting)
    assert f"Show this QR code at the door, or open: {url}" in promoted.body


@pytest.mark.parametrize("scanner", ["anonymous", "holder", "learner", "team_admin_holding_it"])
def test_anyone_else_scanning_sees_the_ticket_and_marks_nothing(client, booked, make_user, scanner):
    if scanner == "holder":
        client.force_login(booked.user)
    elif scanner == "learner":
        client.force_login(make_user(roles.LEARNER))
    elif scanner == "team_admin_holding_it":
        # A team member booked as a learner opens their own ticket from My training: it must not check them in.
        admin = make_user(roles.PREVENT_ADMIN, first_name="Alex", last_name="Admin")
        booked = booking_create(session=make_session_like(booked), user=admin)
        start_soon(booked.session)
        client.force_login(admin)
    url = decode_qr(client.get(reverse("events:ticket_qr", args=[booked.ticket_token])).content)
    response = client.get(path_of(url))
    assert response.status_code == 200
    page = text(response)
    assert booked.session.course.title in page
    assert (booked.user.get_full_name()) in page
    assert booked.session.venue in page
    assert reverse("events:ticket_qr", args=[booked.ticket_token]) in response.content.decode()
    assert "Checked in" not in page and "Nothing was marked" not in page
    assert not Attendance.objects.exists()


def make_session_like(booking):
    session = booking.session
    return TrainingSession.objects.create(
        course=session.course,
        starts_at=timezone.now() + dt.timedelta(days=2),
        ends_at=timezone.now() + dt.timedelta(days=2, hours=2),
        venue="Fulham Library",
    )


def test_a_trainer_of_another_session_sees_the_ticket_and_why_nothing_was_marked(client, booked, make_user):
    other_trainer = make_user(roles.TRAINER)
    client.force_login(other_trainer)
    response = client.get(ticket_path(booked))
    page = text(response)
    assert "Nothing was marked" in page
    assert CheckInError("not_your_session", session=str(booked.session)).message in page
    assert "Sam Taylor" in page
    assert not Attendance.objects.exists()


def test_the_team_can_scan_any_ticket(client, booked, team_admin):
    client.force_login(team_admin)
    assert "Checked in: Sam Taylor" in text(client.post(ticket_path(booked)))
    assert Attendance.objects.get().checked_in_by == team_admin


def test_a_tampered_ticket_code_is_refused_with_a_404(client, booked, trainer):
    token = booked.ticket_token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    client.force_login(trainer)
    response = client.get(reverse("events:ticket", args=[tampered]))
    assert response.status_code == 404
    assert MESSAGES["ticket_unknown"] in text(response)
    assert client.get(reverse("events:ticket_qr", args=[tampered])).status_code == 404
    assert not Attendance.objects.exists()


def test_a_second_scan_says_when_and_changes_nothing(client, booked, trainer):
    client.force_login(trainer)
    client.post(ticket_path(booked))
    first = Attendance.objects.get()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=7)):
        response = client.post(ticket_path(booked))
    page = text(response)
    assert f"Already checked in at {timezone.localtime(first.checked_in_at):%H:%M}" in page
    assert "Sam Taylor" in page
    assert Attendance.objects.count() == 1
    assert Attendance.objects.get().checked_in_at == first.checked_in_at


def test_a_cancelled_booking_is_refused(client, make_session, trainer, holder):
    session = make_session(days=3)
    session.trainers.add(trainer)
    booking = booking_create(session=session, user=holder)
    booking_cancel(booking=booking, by=holder)
    start_soon(session)
    client.force_login(trainer)
    response = client.post(ticket_path(booking))
    assert response.status_code == 409
    page = text(response)
    assert "Not checked in" in page and "Sam Taylor" in page
    assert MESSAGES["ticket_cancelled"] in page
    assert "text-bg-danger" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_waiting_list_place_is_refused(client, make_session, make_user, trainer, holder):
    session = make_session(days=3, capacity=1)
    session.trainers.add(trainer)
    booking_create(session=session, user=make_user(roles.LEARNER))
    waiting = booking_create(session=session, user=holder, join_waiting_list=True)
    start_soon(session)
    client.force_login(trainer)
    assert MESSAGES["ticket_waiting"] in text(client.get(ticket_path(waiting)))
    assert not Attendance.objects.exists()


def test_a_cancelled_session_refuses_scans(client, booked, trainer):
    TrainingSession.objects.filter(pk=booked.session_id).update(status=SessionStatus.CANCELLED)
    client.force_login(trainer)
    assert MESSAGES["checkin_session_cancelled"] in text(client.get(ticket_path(booked)))
    assert not Attendance.objects.exists()


def test_a_ticket_for_another_session_is_refused_by_the_service(booked, trainer, make_session):
    other = make_session(days=0)
    other.trainers.add(trainer)
    with pytest.raises(CheckInError) as refused:
        ticket_check_in(token=booked.ticket_token, by=trainer, session=other)
    assert refused.value.code == "wrong_session"
    assert refused.value.message == MESSAGES["wrong_session"].format(session=booked.session)
    assert not Attendance.objects.exists()


def test_a_ticket_scanned_too_early_is_refused(client, booked, trainer):
    session = booked.session
    client.force_login(trainer)
    with time_machine.travel(session.checkin_opens_at - dt.timedelta(minutes=1), tick=False):
        page = text(client.get(ticket_path(booked)))
    assert MESSAGES["checkin_not_open"].format(opens=_when(session.checkin_opens_at)) in page
    assert not Attendance.objects.exists()
    with time_machine.travel(session.checkin_opens_at + dt.timedelta(minutes=1), tick=False):
        assert "Checked in: Sam Taylor" in text(client.post(ticket_path(booked)))


def test_a_ticket_scanned_too_late_is_refused(client, booked, trainer):
    session = booked.session
    client.force_login(trainer)
    with time_machine.travel(session.checkin_closes_at + dt.timedelta(minutes=1), tick=False):
        page = text(client.get(ticket_path(booked)))
    assert MESSAGES["checkin_closed"].format(closes=_when(session.checkin_closes_at)) in page
    assert not Attendance.objects.exists()


# --- the session QR code: self check-in -------------------------------------------------


@pytest.fixture
def room(make_session, trainer):
    """A session in its check-in window (starts in ten minutes), walk-ins allowed."""
    session = make_session(days=0)
    session.trainers.add(trainer)
    return start_soon(session)


def test_a_booked_person_not_signed_in_is_offered_sign_in_and_typing_their_email_marks_no_booking(client, booked):
    session = booked.session
    response = client.get(checkin_path(session))
    page = text(response)
    assert f"Check in to {session.course.title}" in page
    login = reverse("account_login") + "?next=" + checkin_path(session)
    assert f'href="{login}"' in response.content.decode()
    assert "Booked? Sign in for one-tap check-in" in page

    # Issue 10: a typed email is a self-declared walk-in of whoever typed it, never the booking's.
    details = {**WALK_IN, "full_name": "Someone Typing", "email": booked.user.email.upper()}
    response = client.post(checkin_path(session), details)
    assert "You're checked in, Someone Typing" in text(response)
    attendance = Attendance.objects.get()
    assert (attendance.booking, attendance.user, attendance.method) == (None, None, AttendanceMethod.WALK_IN)
    assert attendance.self_declared


def test_a_signed_in_person_checks_in_with_one_tap(client, booked):
    session = booked.session
    client.force_login(booked.user)
    response = client.get(checkin_path(session))
    page = text(response)
    assert f"Check in to {session.course.title}, {timezone.localtime(session.starts_at):%-d %B %Y}" in page
    assert "Check me in" in page and 'name="full_name"' not in response.content.decode()
    assert not Attendance.objects.exists()  # looking at the page marks nothing

    assert "You're checked in, Sam Taylor" in text(client.post(checkin_path(session)))
    assert Attendance.objects.get().booking == booked
    again = text(client.post(checkin_path(session)))
    at = timezone.localtime(Attendance.objects.get().checked_in_at)
    assert f"You were already checked in at {at:%H:%M}" in again
    assert Attendance.objects.count() == 1


def test_a_walk_in_registers_without_an_account(client, room):
    response = client.post(checkin_path(room), WALK_IN)
    assert response.status_code == 200
    assert "You're checked in, Robin Okafor" in text(response)
    attendance = Attendance.objects.get(session=room)
    assert attendance.user is None and attendance.booking is None
    assert attendance.method == AttendanceMethod.WALK_IN
    assert (
        attendance.full_name,
        attendance.email,
        attendance.organisation_name,
        attendance.organisation_type,
        attendance.job_role,
    ) == tuple(WALK_IN.values())
    assert not User.objects.filter(email__iexact=WALK_IN["email"]).exists()


def test_walk_ins_are_refused_when_the_session_does_not_allow_them(client, room):
    TrainingSession.objects.filter(pk=room.pk).update(allow_walk_ins=False)
    response = client.post(checkin_path(room), WALK_IN)
    page = text(response)
    assert "Not checked in" in page
    assert MESSAGES["walk_ins_sign_in"] in page  # it says nothing about the email typed
    assert not Attendance.objects.exists()


def test_a_replaced_session_code_stops_working(client, room, team_admin):
    old = checkin_path(room)
    checkin_token_regenerate(session=room, by=team_admin)
    response = client.post(old, WALK_IN)
    assert response.status_code == 404
    assert MESSAGES["checkin_code_unknown"] in text(response)
    assert MESSAGES["checkin_code_unknown"] in text(client.get(old))
    assert not Attendance.objects.exists()
    room.refresh_from_db()
    assert "You're checked in" in text(client.post(checkin_path(room), WALK_IN))


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"full_name": "  "}, "full_name", "Enter your full name"),
        ({"email": "robin-at-youthclub"}, "email", "Enter an email address"),
        ({"organisation_name": ""}, "organisation_name", "Enter the organisation"),
        ({"organisation_type": "pub"}, "organisation_type", "Select a valid choice"),
        ({"organisation_type": ""}, "organisation_type", "Choose the type of organisation"),
        ({"job_role": ""}, "job_role", "Enter your job role"),
    ],
)
def test_a_bad_walk_in_form_says_what_to_fix_and_saves_nothing(client, room, changes, field, words):
    response = client.post(checkin_path(room), {**WALK_IN, **changes})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content  # the error summary
    assert f'href="#id_{field}"' in content
    assert words in text(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("when, code", [("early", "checkin_not_open"), ("late", "checkin_closed")])
def test_self_check_in_outside_the_window_is_refused(client, room, when, code):
    if when == "early":
        moment, message = (
            room.checkin_opens_at - dt.timedelta(minutes=1),
            MESSAGES[code].format(opens=_when(room.checkin_opens_at)),
        )
    else:
        moment, message = (
            room.checkin_closes_at + dt.timedelta(minutes=1),
            MESSAGES[code].format(closes=_when(room.checkin_closes_at)),
        )
    with time_machine.travel(moment, tick=False):
        shown_first = text(client.get(checkin_path(room)))
        refused = text(client.post(checkin_path(room), WALK_IN))
    assert message in shown_first  # said before anyone fills in the form
    assert 'name="full_name"' not in shown_first
    assert message in refused and "Not checked in" in refused
    assert not Attendance.objects.exists()


def test_self_check_in_to_a_cancelled_session_is_refused(client, room):
    TrainingSession.objects.filter(pk=room.pk).update(status=SessionStatus.CANCELLED)
    assert MESSAGES["checkin_session_cancelled"] in text(client.post(checkin_path(room), WALK_IN))
    assert not Attendance.objects.exists()


# --- walk-ins who make an account later ------------------------------------------------

SIGNUP = {
    "email": WALK_IN["email"],
    "first_name": "Robin",
    "last_name": "Okafor",
    "organisation_name": WALK_IN["organisation_name"],
    "organisation_type": WALK_IN["organisation_type"],
    "job_role": WALK_IN["job_role"],
    "password1": "Tulip-Kettle-Harbour-9",
    "password2": "Tulip-Kettle-Harbour-9",
}


def test_a_walk_in_who_signs_up_and_verifies_their_email_gets_the_attendance(client, room):
    client.post(checkin_path(room), WALK_IN)
    mail.outbox.clear()

    client.post("/accounts/signup/", SIGNUP)
    user = User.objects.get(email=WALK_IN["email"])
    # Not yet: an unverified address proves nothing.
    assert Attendance.objects.get().user is None

    [message] = [m for m in mail.outbox if "confirm" in m.subject.lower()]
    confirm_url = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    client.post(confirm_url)
    assert EmailAddress.objects.get(user=user).verified

    attendance = Attendance.objects.get()
    assert attendance.user == user and attendance.self_declared
    client.force_login(user)
    with time_machine.travel(room.ends_at + dt.timedelta(minutes=1)):  # a certificate once the session has ended
        my_training = client.get(reverse("events:my_training")).content.decode()
    # Self-declared: no certificate until the trainer confirms the mark (issue 10).
    assert reverse("events:certificate", args=[attendance.pk]) not in my_training
    attendance_confirm(attendance=attendance, by=room.trainers.get())
    with time_machine.travel(room.ends_at + dt.timedelta(minutes=1)):
        client.force_login(user)
        my_training = client.get(reverse("events:my_training")).content.decode()
    assert reverse("events:certificate", args=[attendance.pk]) in my_training


def test_an_account_the_team_makes_gets_the_attendance_only_once_its_owner_verifies_the_email(
    client, room, make_session, make_user
):
    client.post(checkin_path(room), WALK_IN)
    lead = make_user(roles.LEARNER)
    later = make_session(days=14)
    # The team makes Robin an account for a later session (no password, the address not confirmed).
    robin = User.objects.create(username="robin-okafor", email=WALK_IN["email"], first_name="Robin", last_name="Okafor")
    robin.set_unusable_password()
    robin.save()
    booking_create(session=later, user=robin, booked_by=lead)
    assert Attendance.objects.get().user is None  # an account made by someone else proves nothing

    # Robin claims the account (a new password from the emailed link), then signs in and confirms the address.
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": WALK_IN["email"]})
    reset_url = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(reset_url, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": SIGNUP["password1"], "password2": SIGNUP["password1"]})
    assert Attendance.objects.get().user is None
    mail.outbox.clear()
    client.post("/accounts/login/", {"login": WALK_IN["email"], "password": SIGNUP["password1"]})
    [message] = [m for m in mail.outbox if "confirm" in m.subject.lower()]
    client.post(re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1))
    assert EmailAddress.objects.get(user=robin).verified
    assert Attendance.objects.get().user == robin


# --- My training -------------------------------------------------------------------------


def test_my_training_shows_each_confirmed_booking_with_its_ticket(client, booked, make_session, holder):
    full = make_session(days=5, capacity=1)
    booking_create(session=full, user=booked.session.trainers.get())
    waiting = booking_create(session=full, user=holder, join_waiting_list=True)
    client.force_login(holder)
    content = client.get(reverse("events:my_training")).content.decode()
    session = booked.session
    alt = f"Ticket QR code for {session.course.title} on {timezone.localtime(session.starts_at):%-d %B %Y}"
    qr = reverse("events:ticket_qr", args=[booked.ticket_token])
    assert f'src="{qr}"' in content and f'alt="{alt}"' in content
    assert f'href="{ticket_path(booked)}"' in content and "Show ticket" in content
    assert reverse("events:ticket_qr", args=[waiting.ticket_token]) not in content  # no ticket while waiting
    assert decode_qr(client.get(qr).content) == settings.PORTAL_BASE_URL + ticket_path(booked)
