"""The trainer's check-in desk, session poster and 'Sessions I run': rules through the services, pages through the client."""

import datetime as dt
import io

import pytest
import zxingcpp
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from crm import roles
from crm.services import member_details_update
from events.errors import MESSAGES, CheckInError
from events.models import Attendance, AttendanceMethod, Booking, BookingStatus
from events.services import (
    attendance_record,
    attendance_undo,
    booking_cancel,
    booking_create,
    desk_mark,
    register_close,
    self_check_in,
    ticket_check_in,
)

pytestmark = pytest.mark.django_db


def decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1, "exactly one QR code in the image"
    return results[0].text


# --- Rules -----------------------------------------------------------------------------------


def test_desk_mark_is_idempotent_and_undo_takes_it_back(today_session, trainer, make_user):
    booking = booking_create(session=today_session, user=make_user())
    first = desk_mark(booking=booking, by=trainer)
    second = desk_mark(booking=booking, by=trainer)
    assert first.created and not second.created
    assert second.attendance.pk == first.attendance.pk
    assert Attendance.objects.filter(session=today_session).count() == 1
    assert first.attendance.method == AttendanceMethod.REGISTER and first.attendance.checked_in_by == trainer
    attendance_undo(attendance=first.attendance, by=trainer)
    assert not Attendance.objects.filter(session=today_session).exists()


def test_desk_refuses_before_check_in_opens_and_cancelled_bookings(make_session, trainer, make_user):
    session = make_session(days=3)
    session.trainers.add(trainer)
    booking = booking_create(session=session, user=make_user())
    with pytest.raises(CheckInError) as early:
        desk_mark(booking=booking, by=trainer)
    assert early.value.code == "checkin_not_open"
    assert "opens at" in early.value.message
    booking_cancel(booking=booking, by=booking.user)
    session.starts_at = timezone.now() + dt.timedelta(minutes=5)
    session.ends_at = session.starts_at + dt.timedelta(hours=1)
    session.save()
    booking.refresh_from_db()
    with pytest.raises(CheckInError) as cancelled:
        desk_mark(booking=booking, by=trainer)
    assert cancelled.value.message == MESSAGES["ticket_cancelled"]
    assert not Attendance.objects.exists()


def test_desk_corrects_the_register_after_the_session(make_session, trainer, make_user):
    """No closing time at the desk: the trainer fixes the register afterwards; the no-show flag goes."""
    session = make_session(days=-1)
    session.trainers.add(trainer)
    person = make_user()
    booking = Booking.objects.create(session=session, user=person, status=BookingStatus.CONFIRMED)
    register_close(session=session, by=trainer)
    booking.refresh_from_db()
    assert booking.no_show
    desk_mark(booking=booking, by=trainer)
    booking.refresh_from_db()
    assert not booking.no_show
    assert Attendance.objects.get(session=session).user == person


def test_only_the_sessions_own_trainers_and_the_team_mark(today_session, make_user, team_admin):
    booking = booking_create(session=today_session, user=make_user())
    other_trainer = make_user(roles.TRAINER)
    for outsider in (other_trainer, make_user(roles.LEARNER), booking.user):
        with pytest.raises(CheckInError) as refused:
            desk_mark(booking=booking, by=outsider)
        assert refused.value.code == "not_your_session"
    assert desk_mark(booking=booking, by=team_admin).created


def test_a_walk_in_who_later_books_is_not_counted_twice(today_session, trainer, make_user):
    """Found by email: the walk-in's attendance is the person's attendance when they are marked from a booking."""
    person = make_user(email="late.booker@example.gov.uk")
    walk_in = self_check_in(
        token=today_session.checkin_token,
        email="Late.Booker@example.gov.uk",
        full_name="Late Booker",
        organisation_name="Council",
        organisation_type="council",
        job_role="Clerk",
    )
    assert walk_in.created
    booking = booking_create(session=today_session, user=person)
    again = desk_mark(booking=booking, by=trainer)
    assert not again.created and again.attendance.pk == walk_in.attendance.pk
    assert Attendance.objects.filter(session=today_session).count() == 1


# --- Pages -----------------------------------------------------------------------------------


def desk_urls(session):
    return {
        "desk": ("get", reverse("events:desk", args=[session.pk])),
        "state": ("get", reverse("events:desk_state", args=[session.pk])),
        "mark": ("post", reverse("events:desk_mark", args=[session.pk])),
        "scan": ("post", reverse("events:desk_scan", args=[session.pk])),
        "poster": ("get", reverse("events:session_poster", args=[session.pk])),
        "qr": ("get", reverse("events:session_qr", args=[session.pk])),
        "reset": ("post", reverse("events:checkin_code_reset", args=[session.pk])),
    }


def test_desk_pages_refuse_everyone_but_the_sessions_trainers_and_the_team(
    client, today_session, make_user, trainer, team_admin
):
    token = today_session.checkin_token
    for name, (method, url) in desk_urls(today_session).items():
        client.logout()
        anonymous = getattr(client, method)(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], name
        for outsider in (make_user(roles.LEARNER), make_user(roles.TRAINER), make_user(roles.ELECTED_MEMBER)):
            client.force_login(outsider)
            assert getattr(client, method)(url).status_code == 403, (name, outsider)
    today_session.refresh_from_db()
    assert today_session.checkin_token == token, "a refused reset changed nothing"
    for runner in (trainer, team_admin):
        client.force_login(runner)
        assert client.get(desk_urls(today_session)["desk"][1]).status_code == 200
        assert client.get(desk_urls(today_session)["poster"][1]).status_code == 200
    client.force_login(trainer)
    assert client.get(reverse("events:desk", args=[999999])).status_code == 404


def test_desk_lists_people_and_taps_update_the_counts(client, today_session, trainer, make_user):
    people = [make_user(first_name=name, last_name="Tester") for name in ("Ada", "Bea", "Cal")]
    bookings = [booking_create(session=today_session, user=person) for person in people]
    self_check_in(
        token=today_session.checkin_token,
        email="walker@example.org",
        full_name="Wally Walker",
        organisation_name="Fulham Reach Youth Club",
        organisation_type="community",
        job_role="Youth worker",
    )
    client.force_login(trainer)
    page = client.get(reverse("events:desk", args=[today_session.pk]))
    text = page.content.decode()
    for name in ("Ada Tester", "Bea Tester", "Cal Tester", "Wally Walker"):
        assert name in text
    assert page.context["counts"] == {"present": 1, "booked": 3, "walk_ins": 1, "waiting": 0, "self_declared": 1}

    mark = reverse("events:desk_mark", args=[today_session.pk])
    response = client.post(mark, {"action": "mark", "booking": bookings[0].pk}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200
    assert response.context["counts"]["present"] == 2
    assert "Ada Tester is checked in." in response.content.decode()
    again = client.post(mark, {"action": "mark", "booking": bookings[0].pk}, HTTP_X_REQUESTED_WITH="fetch")
    assert "was already checked in at" in again.content.decode()
    assert Attendance.objects.filter(session=today_session).count() == 2

    attendance = Attendance.objects.get(booking=bookings[0])
    undone = client.post(mark, {"action": "undo", "attendance": attendance.pk})
    assert undone.status_code == 302
    assert not Attendance.objects.filter(booking=bookings[0]).exists()

    searched = client.get(reverse("events:desk", args=[today_session.pk]), {"q": "bea"})
    assert [row.name for row in searched.context["rows"]] == ["Bea Tester"]


def test_desk_cannot_mark_a_booking_of_another_session(client, today_session, make_session, trainer, make_user):
    elsewhere = booking_create(session=make_session(days=4), user=make_user())
    client.force_login(trainer)
    response = client.post(
        reverse("events:desk_mark", args=[today_session.pk]), {"action": "mark", "booking": elsewhere.pk}
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_desk_camera_scan_marks_the_ticket_and_names_a_wrong_session(
    client, today_session, make_session, trainer, make_user
):
    booking = booking_create(session=today_session, user=make_user(first_name="Dev", last_name="Patel"))
    other = booking_create(session=make_session(days=4), user=make_user())
    client.force_login(trainer)
    scan = reverse("events:desk_scan", args=[today_session.pk])
    ticket_url = settings.PORTAL_BASE_URL + reverse("events:ticket", args=[booking.ticket_token])
    ok = client.post(scan, {"token": ticket_url})
    assert ok.status_code == 200 and ok.json() == {
        "ok": True,
        "created": True,
        "name": "Dev Patel",
        "message": "Checked in: Dev Patel",
    }
    assert "already checked in at" in client.post(scan, {"token": booking.ticket_token}).json()["message"]
    wrong = client.post(scan, {"token": other.ticket_token})
    assert wrong.status_code == 409
    assert wrong.json()["message"] == MESSAGES["wrong_session"].format(session=str(other.session))
    assert Attendance.objects.count() == 1


def test_poster_qr_decodes_to_the_self_check_in_address_and_a_new_code_retires_it(client, today_session, trainer):
    client.force_login(trainer)
    png = client.get(reverse("events:session_qr", args=[today_session.pk]))
    assert png["Content-Type"] == "image/png"
    url = decode(png.content)
    assert url == settings.PORTAL_BASE_URL + reverse("events:self_checkin", args=[today_session.checkin_token])
    poster = client.get(reverse("events:session_poster", args=[today_session.pk]))
    assert "<svg" in poster.content.decode() and url in poster.content.decode()

    old = today_session.checkin_token
    client.post(reverse("events:checkin_code_reset", args=[today_session.pk]))
    today_session.refresh_from_db()
    assert today_session.checkin_token != old
    with pytest.raises(CheckInError) as stale:
        self_check_in(
            token=old,
            email="someone@example.org",
            full_name="Some One",
            organisation_name="X",
            organisation_type="other",
            job_role="Y",
        )
    assert stale.value.code == "checkin_code_unknown"
    fresh = decode(client.get(reverse("events:session_qr", args=[today_session.pk])).content)
    assert fresh.endswith(f"/checkin/{today_session.checkin_token}/")


def test_ticket_scan_for_the_desk_session_refuses_another_sessions_ticket(
    today_session, make_session, trainer, make_user
):
    other = make_session(days=1)
    other.trainers.add(trainer)
    booking = booking_create(session=other, user=make_user())
    with pytest.raises(CheckInError) as wrong:
        ticket_check_in(token=booking.ticket_token, by=trainer, session=today_session)
    assert wrong.value.code == "wrong_session"
    assert wrong.value.message == MESSAGES["wrong_session"].format(session=str(other))


def test_a_ticket_scanned_by_someone_who_does_not_run_its_session_is_refused_naming_it(today_session, make_user):
    booking = booking_create(session=today_session, user=make_user())
    for outsider in (make_user(roles.TRAINER), make_user(roles.LEARNER)):
        with pytest.raises(CheckInError) as refused:
            ticket_check_in(token=booking.ticket_token, by=outsider)
        assert refused.value.code == "not_your_session"
        assert refused.value.message == MESSAGES["not_your_session"].format(session=str(today_session))
    assert not Attendance.objects.filter(session=today_session).exists()


def test_sessions_i_run_lists_only_my_sessions_and_is_for_trainers(
    client, today_session, make_session, trainer, make_user
):
    not_mine = make_session(days=5, venue="Fulham Library")
    # "Today" is the London date: a session ten minutes from now is tomorrow's late in the evening.
    today_session.starts_at = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(0, 1)))
    today_session.ends_at = today_session.starts_at + dt.timedelta(hours=2)
    today_session.save()
    client.force_login(trainer)
    page = client.get(reverse("events:my_sessions"))
    assert page.status_code == 200
    assert list(page.context["today"]) == [today_session]
    assert not_mine not in list(page.context["upcoming"])
    assert reverse("events:desk", args=[today_session.pk]) in page.content.decode()
    client.force_login(make_user(roles.LEARNER))
    assert client.get(reverse("events:my_sessions")).status_code == 403


def test_a_typed_email_joins_no_account_verified_or_not(today_session, make_user):
    """Issue 10: typing an address at the door is a self-declared walk-in of whoever typed it, never the account's."""
    unverified = make_user(email="not.yet@example.gov.uk", verified=False)
    verified = make_user(email="verified@example.gov.uk")
    details = dict(full_name="Some One", organisation_name="Council", organisation_type="council", job_role="Clerk")
    first = self_check_in(token=today_session.checkin_token, email="not.yet@example.gov.uk", **details)
    second = self_check_in(token=today_session.checkin_token, email="verified@example.gov.uk", **details)
    assert first.attendance.user is None and second.attendance.user is None
    assert first.attendance.self_declared and second.attendance.self_declared
    assert unverified.attendances.count() == 0 and verified.attendances.count() == 0


def test_the_admin_session_list_counts_who_was_present_and_links_to_the_desk(
    client, team_admin, today_session, make_user
):
    booking = booking_create(session=today_session, user=make_user())
    desk_mark(booking=booking, by=team_admin)
    client.force_login(team_admin)
    listing = client.get("/admin/training/sessions/")
    assert listing.status_code == 200
    [row] = [obj for obj in listing.context["object_list"] if obj.pk == today_session.pk]
    assert row.present == 1
    content = listing.content.decode()
    for name in ("events:desk", "events:session_poster", "events:register"):
        assert reverse(name, args=[today_session.pk]) in content


def test_attendance_keeps_a_members_side_and_cabinet_seat_as_on_the_day(today_session, trainer, make_user, team_admin):
    councillor = make_user(member_side="administration", is_cabinet_member=True)
    attendance, _ = attendance_record(session=today_session, user=councillor, by=trainer)
    member_details_update(
        actor=team_admin, user=councillor, political_group="", member_side="opposition", is_cabinet_member=False
    )
    attendance.refresh_from_db()
    assert (attendance.member_side, attendance.is_cabinet_member) == ("administration", True)
