"""One pairing of attendance and bookings: the desk, the register, the paper upload and closing the register agree.

Each situation is built through the services, as it happens on the day, on a session starting
in ten minutes (check-in open) with one place, so a second person booked goes on the waiting list.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from crm import roles
from events.models import Attendance, Booking, BookingStatus
from events.register_files import RegisterRow, session_register
from events.selectors import desk_counts, desk_rows, session_roll
from events.services import (
    attendance_confirm,
    attendance_undo,
    booking_cancel,
    booking_create,
    desk_mark,
    register_close,
    register_upload_apply,
    self_check_in,
)

pytestmark = pytest.mark.django_db

COUNTS = ("present", "booked", "waiting", "walk_ins")


@pytest.fixture
def trainer(make_user):
    return make_user(roles.TRAINER, first_name="Helen", last_name="Price")


@pytest.fixture
def room(make_session, trainer, make_user, team_admin):
    """A one-place session starting in ten minutes, run by ``trainer``: check-in is open."""
    session = make_session(days=0, capacity=1)
    session.starts_at = timezone.now() + dt.timedelta(minutes=10)
    session.ends_at = session.starts_at + dt.timedelta(hours=2)
    session.save()
    session.trainers.add(trainer)
    return SimpleNamespace(session=session, trainer=trainer, make_user=make_user, team=team_admin)


def poster(room, email, name):
    """Someone scans the session's QR poster and types their details; the trainer confirms them on the desk.

    Until confirmed the mark is self-declared and pairs with no booking by its email
    (``tests/events/test_checkin_trust_issue10.py``); confirmed, it pairs as any other mark.
    """
    typed = self_check_in(
        token=room.session.checkin_token,
        email=email,
        full_name=name,
        organisation_name="Fulham Reach Youth Club",
        organisation_type="community",
        job_role="Youth worker",
    ).attendance
    assert typed.self_declared and typed.user is None and typed.booking is None
    return attendance_confirm(attendance=typed, by=room.trainer)


def fresh(booking):
    return Booking.objects.get(pk=booking.pk)


# --- The situations: each makes its people and returns the (booking, attendance) lines it expects ----


def booked_and_present(room):
    booking = booking_create(session=room.session, user=room.make_user(first_name="Ada", last_name="Booked"))
    attendance = desk_mark(booking=booking, by=room.trainer).attendance
    return [(booking, attendance)]


def waiting_then_present_from_the_poster(room):
    """The team books someone (an account whose address is not confirmed) onto the waiting list; they check in
    from the poster with that email."""
    filler = booking_create(session=room.session, user=room.make_user(first_name="Fay", last_name="Filler"))
    robin = room.make_user(first_name="Robin", last_name="Okafor", email="robin.okafor@example.gov.uk", verified=False)
    waiting = booking_create(session=room.session, user=robin, booked_by=room.team, join_waiting_list=True)
    assert waiting.status == BookingStatus.WAITING
    attendance = poster(room, "Robin.Okafor@example.gov.uk", "Robin Okafor")
    assert attendance.booking is None and attendance.user is None  # recorded as a walk-in
    return [(filler, None), (waiting, attendance)]


def walk_in_who_later_books_by_email(room):
    """A walk-in without an account; an account with that email is made later and books."""
    attendance = poster(room, "late.booker@example.gov.uk", "Lee Booker")
    person = room.make_user(first_name="Lee", last_name="Booker", email="late.booker@example.gov.uk")
    assert Attendance.objects.get(pk=attendance.pk).user is None
    booking = booking_create(session=room.session, user=person)
    assert booking.status == BookingStatus.CONFIRMED
    return [(booking, attendance)]


def walk_in_who_later_books_by_account(room):
    """A walk-in typing a verified account's email (it joins no account), confirmed; the account books afterwards."""
    person = room.make_user(first_name="Amy", last_name="Account", email="amy.account@example.gov.uk")
    attendance = poster(room, "amy.account@example.gov.uk", "Amy Account")
    assert attendance.user is None and attendance.booking is None
    booking = booking_create(session=room.session, user=person)
    return [(booking, attendance)]


def cancelled_then_walked_in(room):
    person = room.make_user(first_name="Cas", last_name="Cancelled")
    booking = booking_create(session=room.session, user=person)
    booking_cancel(booking=booking, by=person)
    attendance = poster(room, person.email, "Cas Cancelled")
    return [(None, attendance)]


def present_then_cancelled_by_the_team(room):
    """Marked present, then the booking cancelled: the attendance still links to a cancelled booking.

    ``booking_cancel`` now refuses an attended booking (issue 9), but bookings cancelled that way before
    remain in the data, so the row is written directly, as that old cancellation left it.
    """
    booking = booking_create(session=room.session, user=room.make_user(first_name="Pat", last_name="Present"))
    attendance = desk_mark(booking=booking, by=room.trainer).attendance
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.CANCELLED, cancelled_at=timezone.now(), cancelled_by=room.team
    )
    room.session.refresh_from_db()
    room.session.places_taken -= 1
    room.session.save(update_fields=["places_taken"])
    assert Attendance.objects.get(pk=attendance.pk).booking_id == booking.pk
    return [(None, attendance)]


def plain_walk_in(room):
    return [(None, poster(room, "wally.walker@example.org", "Wally Walker"))]


def booked_no_show(room):
    return [(booking_create(session=room.session, user=room.make_user(first_name="Nia", last_name="Noshow")), None)]


SITUATIONS = [
    booked_and_present,
    waiting_then_present_from_the_poster,
    walk_in_who_later_books_by_email,
    walk_in_who_later_books_by_account,
    cancelled_then_walked_in,
    present_then_cancelled_by_the_team,
    plain_walk_in,
    booked_no_show,
]


def everyone(room):
    """Every situation on one session. The room grows one place at a time, so only the poster colleague
    waits; theirs comes last, or a cancellation would promote them."""
    expected = []
    for situation in sorted(SITUATIONS, key=lambda s: s is waiting_then_present_from_the_poster):
        room.session.refresh_from_db()
        room.session.capacity = room.session.places_taken + 1
        room.session.save(update_fields=["capacity"])
        expected += situation(room)
    return expected


# --- What each reader shows ---------------------------------------------------------------------


def pk(thing):
    return thing.pk if thing is not None else None


def pairs(lines) -> list[tuple]:
    return sorted(((pk(line.booking), pk(line.attendance)) for line in lines), key=repr)


def expected_counts(expected) -> dict[str, int]:
    return {
        "present": sum(1 for _, attendance in expected if attendance),
        "booked": sum(1 for booking, _ in expected if booking and fresh(booking).status == BookingStatus.CONFIRMED),
        "waiting": sum(1 for booking, _ in expected if booking and fresh(booking).status == BookingStatus.WAITING),
        "walk_ins": sum(1 for booking, attendance in expected if attendance and not booking),
    }


def assert_one_person_one_line(lines):
    bookings = [line.booking.pk for line in lines if line.booking]
    attendances = [line.attendance.pk for line in lines if line.attendance]
    assert len(bookings) == len(set(bookings)) and len(attendances) == len(set(attendances))
    assert all(line.booking or line.attendance for line in lines)


@pytest.mark.parametrize("situation", SITUATIONS + [everyone], ids=lambda f: f.__name__)
def test_the_desk_and_the_register_pair_everyone_the_same_way(room, situation):
    expected = situation(room)
    rows = desk_rows(session=room.session)
    register = session_register(session=room.session)

    assert pairs(rows) == pairs(register.lines) == sorted(((pk(b), pk(a)) for b, a in expected), key=repr)
    assert_one_person_one_line(rows)
    assert_one_person_one_line(register.lines)
    register_counts = {name: getattr(register, name) for name in COUNTS}
    assert desk_counts(session=room.session) == {**register_counts, "self_declared": 0}
    assert register_counts == expected_counts(expected)


def test_the_desk_search_still_finds_the_waiting_person_once_by_name_and_organisation(room):
    waiting_then_present_from_the_poster(room)
    for query in ("robin", "OKAFOR"):
        [row] = desk_rows(session=room.session, query=query)
        assert row.is_waiting and row.attendance is not None
    assert [row.name for row in desk_rows(session=room.session, query="fay")] == ["Fay Filler"]


def test_closing_the_register_never_makes_a_present_person_a_no_show(room):
    expected = everyone(room)
    counts = register_close(session=room.session, by=room.trainer, now=room.session.ends_at + dt.timedelta(hours=1))

    register = session_register(session=room.session)
    for line in register.lines:
        if line.booking is not None and line.booking.status == BookingStatus.CONFIRMED:
            assert fresh(line.booking).no_show is (line.attendance is None), line.name
            assert line.no_show is (line.attendance is None), line.name
    no_shows = [
        booking
        for booking, attendance in expected
        if booking and attendance is None and fresh(booking).status == BookingStatus.CONFIRMED
    ]
    assert {booking.pk for booking in Booking.objects.filter(no_show=True)} == {booking.pk for booking in no_shows}
    assert counts == {"present": register.present, "no_shows": register.no_shows, "walk_ins": register.walk_ins}
    assert register.no_shows == len(no_shows)


def _row_email(booking, attendance) -> str:
    return booking.user.email if booking else attendance.email


def test_the_paper_register_marked_absent_keeps_everyone_present_who_is(room):
    expected = everyone(room)
    rows = [
        RegisterRow(row=n, name="x", email=_row_email(b, a).lower(), attended=False)
        for n, (b, a) in enumerate(expected, start=2)
    ]
    before = Attendance.objects.count()

    counts = register_upload_apply(
        session=room.session, rows=rows, by=room.trainer, now=room.session.ends_at + dt.timedelta(hours=1)
    )

    present = sum(1 for _, attendance in expected if attendance)
    assert counts["kept_present"] == present
    assert counts["not_present"] == len(expected) - present
    assert Attendance.objects.count() == before
    for booking, attendance in expected:
        if booking is not None:
            assert fresh(booking).no_show is (attendance is None and fresh(booking).status == BookingStatus.CONFIRMED)
    assert session_register(session=room.session).no_shows == counts["no_shows"]


def test_the_paper_register_marked_present_adds_nobody_twice(room):
    expected = everyone(room)
    rows = [
        RegisterRow(row=n, name="x", email=_row_email(b, a).lower(), attended=True)
        for n, (b, a) in enumerate(expected, start=2)
    ]
    present = sum(1 for _, attendance in expected if attendance)

    counts = register_upload_apply(
        session=room.session, rows=rows, by=room.trainer, now=room.session.ends_at + dt.timedelta(hours=1)
    )

    assert counts["already"] == present and counts["marked"] == len(expected) - present
    register = session_register(session=room.session)
    assert len(register.lines) == len(expected) and register.present == len(expected)
    assert pairs(desk_rows(session=room.session)) == pairs(register.lines)


def test_the_roll_is_two_queries_however_many_people(room, django_assert_num_queries):
    """The desk polls every five seconds: the pairing is read in two queries, whatever the mix of people."""
    everyone(room)
    with django_assert_num_queries(2):
        rows = desk_rows(session=room.session, roll=(roll := session_roll(session=room.session)))
        counts = desk_counts(session=room.session, roll=roll)
        shown = [(row.key, row.name, row.email, row.organisation, row.is_waiting, row.no_show) for row in rows]
    assert len(shown) == len(roll.lines) and counts["present"] == Attendance.objects.count()
    with django_assert_num_queries(2):
        register = session_register(session=room.session)
        written = [
            (line.organisation_type_label, line.job_role, line.booking_status, line.method, line.checked_in_at)
            for line in register.lines
        ]
    assert len(written) == len(shown)


def test_taking_back_a_mark_after_closing_makes_the_paired_booking_a_no_show(room):
    """The walk-in who later booked is present on their booking; undo that mark after closing: a no-show."""
    [(booking, attendance)] = walk_in_who_later_books_by_email(room)
    register_close(session=room.session, by=room.trainer, now=room.session.ends_at + dt.timedelta(hours=1))
    assert fresh(booking).no_show is False
    attendance_undo(attendance=Attendance.objects.get(pk=attendance.pk), by=room.trainer)
    assert fresh(booking).no_show is True
    [line] = session_register(session=room.session).lines
    assert (line.booking, line.attendance, line.no_show) == (booking, None, True)
