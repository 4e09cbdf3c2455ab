"""Issue 10 item 2: nobody checks in for someone else, and a photo of the poster sent out of the room checks nobody in.

- a typed email is a self-declared walk-in of whoever typed it: it joins no account or booking, and the
  answer names only what was typed, the same whether the address has an account or not;
- the address's owner gets a one-time link; a walk-in joined to an account later is self-declared, and
  counts for no certificate or mandatory training until a trainer confirms it;
- anonymous check-ins are limited per session;
- the room screen's code changes every 25 seconds (the one before still works; older ones do not), with a
  typed code beside the QR code; with the screen, the poster's link alone checks nobody in.
"""

import datetime as dt
import io
import re

import pytest
import time_machine
import zxingcpp
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from crm import roles
from crm.models import User
from events import checkin_codes
from events.compliance import requirement_statuses
from events.errors import MESSAGES, CheckInError
from events.models import Attendance, CheckInMode, RequirementStatus, TrainingSession
from events.qr import qr_png, qr_svg
from events.selectors import certified_attendances, desk_counts, session_roll
from events.services import attendance_confirm, booking_create, desk_mark, self_check_in

pytestmark = pytest.mark.django_db

TYPED = {
    "full_name": "Mallory Stranger",
    "organisation_name": "Nowhere Ltd",
    "organisation_type": "community",
    "job_role": "Visitor",
}


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace("&#x27;", "'")


def checkin_path(session) -> str:
    return reverse("events:self_checkin", args=[session.checkin_token])


@pytest.fixture
def room(today_session):
    """A session starting in ten minutes (check-in open), run by ``trainer``, walk-ins allowed."""
    return today_session


@pytest.fixture
def grace(make_user):
    return make_user(roles.PAG_MEMBER, first_name="Grace", last_name="Mensah", email="pag.member@demo.example")


def screen_mode(session):
    TrainingSession.objects.filter(pk=session.pk).update(checkin_mode=CheckInMode.SCREEN)
    session.refresh_from_db()
    return session


# --- A typed email stands for nobody ------------------------------------------------------------


def test_typing_someone_elses_email_marks_neither_them_nor_their_booking_and_never_shows_their_name(
    client, room, grace
):
    booking = booking_create(session=room, user=grace)
    response = client.post(checkin_path(room), {**TYPED, "email": "PAG.member@demo.example"})
    page = text(response)
    assert response.status_code == 200
    assert "You're checked in, Mallory Stranger" in page
    assert "Grace" not in page and "Mensah" not in page

    attendance = Attendance.objects.get()
    assert (attendance.user, attendance.booking, attendance.self_declared) == (None, None, True)
    roll = session_roll(session=room)
    [grace_line] = [line for line in roll.lines if line.booking == booking]
    assert not grace_line.present, "her booking is not present because someone typed her address"
    assert grace.attendances.count() == 0

    # Grace herself, signed in, checks in: her own mark, not the stranger's.
    client.force_login(grace)
    mine = text(client.post(checkin_path(room)))
    assert "You're checked in, Grace Mensah" in mine
    ours = Attendance.objects.get(user=grace)
    assert ours.booking == booking and not ours.self_declared
    assert session_roll(session=room).counts["present"] >= 1


def test_the_answer_is_the_same_whether_or_not_the_typed_address_has_an_account(
    client, room, grace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(checkin_path(room), {**TYPED, "email": grace.email})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(checkin_path(room), {**TYPED, "email": "nobody.here@example.org"})
    strip = lambda response: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(response))  # noqa: E731
    assert strip(known) == strip(unknown)
    assert Attendance.objects.filter(self_declared=True, user__isnull=True).count() == 2
    # Only the account's own address hears about it, and the email quotes nothing the stranger typed.
    [message] = mail.outbox
    assert message.to == [grace.email]
    assert "Mallory" not in message.body and "Nowhere" not in message.body


def test_a_typed_address_already_checked_in_does_not_reveal_the_name_on_that_record(client, room, grace):
    client.post(checkin_path(room), {**TYPED, "full_name": "First Person", "email": "shared@example.org"})
    again = text(
        client.post(checkin_path(room), {**TYPED, "full_name": "Second Person", "email": "shared@example.org"})
    )
    assert "You're checked in, Second Person" in again
    assert "First Person" not in again and "already" not in again
    assert Attendance.objects.count() == 1


def test_the_emailed_link_adds_the_check_in_to_the_account_once_still_self_declared(
    client, room, grace, django_capture_on_commit_callbacks
):
    booking = booking_create(session=room, user=grace)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(checkin_path(room), {**TYPED, "full_name": "Grace M", "email": grace.email})
    link = re.search(r"https?://[^/\s]+(/checkin/link/\S+)", mail.outbox[-1].body).group(1)

    shown = client.get(link)
    assert "It was me: add it to My training" in text(shown)
    assert Attendance.objects.get().user is None  # opening the link (a mail scanner's prefetch) changes nothing

    assert "Added to your training record" in text(client.post(link))
    attendance = Attendance.objects.get()
    assert (attendance.user, attendance.booking, attendance.self_declared) == (grace, booking, True)
    assert attendance.full_name == "Grace Mensah"
    assert MESSAGES["checkin_link_taken"] in text(client.post(link))
    tampered = link.replace("/link/", "/link/x")
    assert client.get(tampered).status_code == 404


def test_an_unverified_councillor_address_then_verification_is_not_complete_until_a_trainer_confirms(
    client, make_session, trainer, requirement, make_user
):
    session = make_session(days=0)
    session.starts_at = timezone.now() + dt.timedelta(minutes=10)
    session.ends_at = session.starts_at + dt.timedelta(hours=2)
    session.save()
    session.trainers.add(trainer)
    councillor = make_user(
        roles.ELECTED_MEMBER, member_side="opposition", email="councillor@demo.example", verified=False
    )
    # Someone types the councillor's not-yet-verified address at the door.
    client.post(checkin_path(session), {**TYPED, "email": "councillor@demo.example"})
    # The councillor verifies the address later: the walk-in joins their record, as self-declared.
    address = EmailAddress.objects.create(user=councillor, email=councillor.email, verified=True, primary=True)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    attendance = Attendance.objects.get()
    assert attendance.user == councillor and attendance.self_declared

    people = User.objects.filter(pk=councillor.pk)
    after = session.ends_at + dt.timedelta(hours=1)
    with time_machine.travel(after):
        [status] = requirement_statuses(requirement=requirement, people=people)
        assert status.status != RequirementStatus.COMPLETE
        assert not certified_attendances().filter(pk=attendance.pk).exists()
    attendance_confirm(attendance=attendance, by=trainer)
    with time_machine.travel(after):
        [status] = requirement_statuses(requirement=requirement, people=people)
        assert status.status == RequirementStatus.COMPLETE


def test_the_desk_shows_self_declared_marks_and_the_trainer_confirms_them(client, room, trainer):
    client.post(checkin_path(room), {**TYPED, "email": "walker@example.org"})
    assert desk_counts(session=room)["self_declared"] == 1
    client.force_login(trainer)
    desk = client.get(reverse("events:desk", args=[room.pk]))
    assert "self-declared" in text(desk) and "Confirm" in text(desk)
    attendance = Attendance.objects.get()
    response = client.post(
        reverse("events:desk_mark", args=[room.pk]), {"action": "confirm", "attendance": attendance.pk}
    )
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert not attendance.self_declared and attendance.confirmed_by == trainer
    assert desk_counts(session=room)["self_declared"] == 0


def test_a_trainer_marking_the_booking_takes_over_a_self_declared_mark_under_its_email(room, grace, trainer):
    booking = booking_create(session=room, user=grace)
    typed = self_check_in(token=room.checkin_token, email=grace.email, **TYPED).attendance
    result = desk_mark(booking=booking, by=trainer)
    assert result.attendance.pk == typed.pk
    attendance = Attendance.objects.get()
    assert (attendance.user, attendance.booking, attendance.self_declared) == (grace, booking, False)
    assert attendance.full_name == "Grace Mensah"


def test_anyone_not_signed_in_is_refused_when_the_session_takes_no_walk_ins(client, room, grace):
    booking_create(session=room, user=grace)
    TrainingSession.objects.filter(pk=room.pk).update(allow_walk_ins=False)
    page = text(client.post(checkin_path(room), {**TYPED, "email": grace.email}))
    assert MESSAGES["walk_ins_sign_in"] in page
    assert not Attendance.objects.exists()


# --- Rate limit ----------------------------------------------------------------------------------


@override_settings(EVENTS_SELF_CHECKIN_LIMIT=3)
def test_anonymous_check_ins_are_limited_per_session_code(client, make_session, trainer):
    session = make_session(days=0, capacity=1)  # twice the room is 2: the setting's 3 applies
    session.starts_at = timezone.now() + dt.timedelta(minutes=10)
    session.ends_at = session.starts_at + dt.timedelta(hours=2)
    session.save()
    for n in range(3):
        assert client.post(checkin_path(session), {**TYPED, "email": f"p{n}@example.org"}).status_code == 200
    refused = client.post(checkin_path(session), {**TYPED, "email": "p9@example.org"})
    assert refused.status_code == 429
    assert MESSAGES["self_checkin_busy"] in text(refused)
    assert Attendance.objects.count() == 3
    # A signed-in person is not held up by strangers' posts.
    person = User.objects.create_user(username="signed", email="signed@example.org", password="x-Long-pass-9")
    client.force_login(person)
    assert client.post(checkin_path(session)).status_code == 200


# --- The room screen's rotating code ------------------------------------------------------------


def _aligned_now() -> float:
    """A moment one second into a code window, so 'the window before' is exactly 25 seconds back."""
    now = timezone.now().timestamp()
    return (now // checkin_codes.WINDOW_SECONDS) * checkin_codes.WINDOW_SECONDS + 1


def test_the_current_and_the_previous_code_work_and_older_ones_do_not(room):
    screen_mode(room)
    moment = _aligned_now()
    when = dt.datetime.fromtimestamp(moment, tz=dt.UTC)
    current = checkin_codes.screen_code(room, now=moment).code
    previous = checkin_codes.screen_code(room, now=moment - checkin_codes.WINDOW_SECONDS).code
    older = checkin_codes.screen_code(room, now=moment - 2 * checkin_codes.WINDOW_SECONDS).code
    assert len({current, previous, older}) == 3 and len(current) == 6
    assert set(current) <= set(checkin_codes.ALPHABET)

    with pytest.raises(CheckInError) as refused:
        self_check_in(token=room.checkin_token, email="a@example.org", code=older, now=when, **TYPED)
    assert refused.value.code == "screen_code_wrong"
    with pytest.raises(CheckInError) as refused:
        self_check_in(token=room.checkin_token, email="a@example.org", now=when, **TYPED)
    assert refused.value.code == "screen_code_needed"
    assert not Attendance.objects.exists()

    typed_lower = " ".join(current.lower()[i : i + 3] for i in (0, 3))  # "abc def": typed as people type
    assert self_check_in(token=room.checkin_token, email="a@example.org", code=typed_lower, now=when, **TYPED).created
    assert self_check_in(token=room.checkin_token, email="b@example.org", code=previous, now=when, **TYPED).created


def test_with_the_screen_the_posters_link_alone_checks_nobody_in(client, room):
    screen_mode(room)
    shown = client.get(checkin_path(room))
    assert "Code on the screen" in text(shown) and 'name="full_name"' not in shown.content.decode()
    refused = client.post(checkin_path(room), {**TYPED, "email": "a@example.org"})
    assert refused.status_code == 403
    assert MESSAGES["screen_code_needed"] in text(refused)
    wrong = client.get(checkin_path(room), {"code": "ZZZZZZ"})
    assert wrong.status_code == 403 and MESSAGES["screen_code_wrong"] in text(wrong)
    assert not Attendance.objects.exists()


def test_the_typed_code_opens_the_form_and_its_pass_outlives_the_code(client, room):
    screen_mode(room)
    code = checkin_codes.screen_code(room).code
    form = client.get(checkin_path(room), {"code": code.lower()})
    content = form.content.decode()
    assert 'name="full_name"' in content
    presence = re.search(r'name="presence" value="([^"]+)"', content).group(1)
    # Filling in the form takes a minute or two: the code has changed twice, the pass still works.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        done = client.post(checkin_path(room), {**TYPED, "email": "a@example.org", "presence": presence})
    assert "You're checked in, Mallory Stranger" in text(done)
    assert Attendance.objects.count() == 1
    # A pass from before the trainer replaced the code does not work afterwards.
    TrainingSession.objects.filter(pk=room.pk).update(checkin_token="replaced-token")
    room.refresh_from_db()
    assert not checkin_codes.presence_pass_valid(room, presence)


def test_the_screens_qr_code_carries_the_current_code(client, room, trainer):
    screen_mode(room)
    client.force_login(trainer)
    data = client.get(reverse("events:session_screen_code", args=[room.pk])).json()
    assert data["url"].endswith(checkin_path(room) + "?code=" + data["code"])
    assert data["qr"] == qr_svg(data["url"])
    # The QR code read back, as a phone's camera would (the PNG of the same address).
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(data["url"]))))
    assert decoded.text == data["url"]


def test_the_screen_is_for_the_sessions_trainers_and_the_team_only(client, room, trainer, make_user, team_admin):
    screen_mode(room)
    urls = [reverse("events:session_screen", args=[room.pk]), reverse("events:session_screen_code", args=[room.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    for outsider in (make_user(roles.LEARNER), make_user(roles.TRAINER)):
        client.force_login(outsider)
        assert [client.get(url).status_code for url in urls] == [403, 403]
    for runner in (trainer, team_admin):
        client.force_login(runner)
        page = client.get(urls[0])
        assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
        shown = re.search(r'id="screen-code"[^>]*>([A-Z0-9]+)<', page.content.decode()).group(1)
        assert checkin_codes.screen_code_valid(room, shown)
        data = client.get(urls[1]).json()
        assert checkin_codes.screen_code_valid(room, data["code"])
        assert "<svg" in data["qr"]
        assert 0 < data["seconds_left"] <= checkin_codes.WINDOW_SECONDS


def test_the_trainer_switches_the_session_to_the_screen_and_back(client, room, trainer, make_user):
    mode = reverse("events:checkin_mode", args=[room.pk])
    client.force_login(make_user(roles.TRAINER))
    assert client.post(mode, {"mode": "screen"}).status_code == 403
    client.force_login(trainer)
    assert "Use this screen's changing code" in text(client.get(reverse("events:session_screen", args=[room.pk])))
    client.post(mode, {"mode": "screen"})
    room.refresh_from_db()
    assert room.checkin_mode == CheckInMode.SCREEN
    client.logout()
    assert "Code on the screen" in text(client.get(checkin_path(room)))
    client.force_login(trainer)
    client.post(mode, {"mode": "poster"})
    room.refresh_from_db()
    assert room.checkin_mode == CheckInMode.POSTER
