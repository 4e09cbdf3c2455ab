"""Races against the real PostgreSQL: many requests for the same session at the same moment.

Each request runs in its own thread with its own database connection (closed at
the end), and a ``threading.Barrier`` releases them together once all are
connected. The data is set up first in the main thread: ``transaction=True``
commits it, so the threads see it.

A ``BookingError`` in a thread is an expected refusal and is recorded by its
code; any other exception fails the test.
"""

import datetime as dt
import threading
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from crm.models import User
from events.errors import BookingError
from events.models import Attendance, Booking, BookingStatus, TrainingSession
from events.services import attendance_record, booking_cancel, booking_create, ticket_check_in
from tests.factories import CoursePageFactory
from tests.pagetree import restore_home_page

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

START_TIMEOUT = 30  # seconds for every thread to reach the start line


@pytest.fixture
def course():
    restore_home_page()
    return CoursePageFactory()


def new_session(course, capacity):
    starts = timezone.now() + dt.timedelta(days=7)
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=capacity
    )


def race(jobs):
    """Run each job in its own thread, all released at once; return their outcomes in job order.

    An outcome is ``("ok", what the job returned)`` or ``("refused", BookingError code)``.
    Any other exception in any thread fails the test, with every traceback shown.
    """
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            connection.ensure_connection()  # connect before the start line, so nobody starts late
            barrier.wait(timeout=START_TIMEOUT)
            try:
                return "ok", job()
            except BookingError as error:
                return "refused", error.code
        except BaseException:
            barrier.abort()  # free the others at once rather than after the timeout
            raise
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(run, job) for job in jobs]
    outcomes, unexpected = [], []
    for future in futures:
        error = future.exception()
        if error is None:
            outcomes.append(future.result())
        else:
            unexpected.append("".join(traceback.format_exception(error)))
    assert not unexpected, f"{len(unexpected)} thread(s) raised something other than BookingError:\n" + "\n".join(
        unexpected
    )
    return outcomes


def book(session_pk, user_pk, *, join_waiting_list):
    """A booking request as a view makes it: its own copies of the session and the person."""

    def job():
        booking = booking_create(
            session=TrainingSession.objects.get(pk=session_pk),
            user=User.objects.get(pk=user_pk),
            join_waiting_list=join_waiting_list,
        )
        return booking.pk, booking.status

    return job


def cancel(booking_pk):
    def job():
        booking = Booking.objects.select_related("user").get(pk=booking_pk)
        return booking_cancel(booking=booking, by=booking.user).status

    return job


def mark_present(session_pk, booking_pk, trainer_pk):
    def job():
        attendance, created = attendance_record(
            session=TrainingSession.objects.get(pk=session_pk),
            booking=Booking.objects.get(pk=booking_pk),
            by=User.objects.get(pk=trainer_pk),
        )
        return attendance.pk, created

    return job


def test_forty_people_book_fifteen_places_and_the_rest_join_the_waiting_list(course, make_user):
    session = new_session(course, capacity=15)
    people = [make_user() for _ in range(40)]

    outcomes = race([book(session.pk, person.pk, join_waiting_list=True) for person in people])

    assert [kind for kind, _ in outcomes] == ["ok"] * 40, outcomes
    returned = [value for _, value in outcomes]
    assert Counter(status for _, status in returned) == {BookingStatus.CONFIRMED: 15, BookingStatus.WAITING: 25}
    bookings = list(Booking.objects.filter(session=session))
    assert len(bookings) == 40
    assert {b.pk for b in bookings} == {pk for pk, _ in returned}
    assert len({b.user_id for b in bookings}) == 40, "someone was booked twice"
    assert {b.user_id for b in bookings} == {p.pk for p in people}
    assert Counter(b.status for b in bookings) == {BookingStatus.CONFIRMED: 15, BookingStatus.WAITING: 25}
    session.refresh_from_db()
    assert session.places_taken == 15
    # First come, first served: every confirmed booking was made before every waiting one.
    confirmed = [b.created_at for b in bookings if b.status == BookingStatus.CONFIRMED]
    waiting = [b.created_at for b in bookings if b.status == BookingStatus.WAITING]
    assert max(confirmed) <= min(waiting)


def test_forty_people_book_fifteen_places_and_the_rest_are_told_it_is_full(course, make_user):
    session = new_session(course, capacity=15)
    people = [make_user() for _ in range(40)]

    outcomes = race([book(session.pk, person.pk, join_waiting_list=False) for person in people])

    booked = [value for kind, value in outcomes if kind == "ok"]
    refused = [value for kind, value in outcomes if kind == "refused"]
    assert len(booked) == 15
    assert all(status == BookingStatus.CONFIRMED for _, status in booked)
    assert refused == ["full"] * 25
    session.refresh_from_db()
    assert session.places_taken == 15
    bookings = Booking.objects.filter(session=session)
    assert bookings.count() == 15
    assert set(bookings.values_list("status", flat=True)) == {BookingStatus.CONFIRMED}
    assert set(bookings.values_list("pk", flat=True)) == {pk for pk, _ in booked}


@pytest.mark.parametrize(
    ("full", "status", "code"),
    [(False, BookingStatus.CONFIRMED, "already_booked"), (True, BookingStatus.WAITING, "already_waiting")],
    ids=["places-left", "full-so-waiting-list"],
)
def test_ten_clicks_by_one_person_make_one_booking(course, make_user, full, status, code):
    session = new_session(course, capacity=1 if full else 10)
    if full:
        booking_create(session=session, user=make_user())
    person = make_user()

    outcomes = race([book(session.pk, person.pk, join_waiting_list=True) for _ in range(10)])

    booked = [value for kind, value in outcomes if kind == "ok"]
    refused = [value for kind, value in outcomes if kind == "refused"]
    assert len(booked) == 1, outcomes
    assert booked[0][1] == status
    assert refused == [code] * 9
    live = Booking.objects.filter(session=session, user=person).exclude(status=BookingStatus.CANCELLED)
    assert list(live.values_list("pk", "status")) == [booked[0]]
    assert Booking.objects.filter(session=session, user=person).count() == 1
    session.refresh_from_db()
    assert session.places_taken == 1


def test_cancellations_racing_new_bookings_promote_the_waiting_list_first(course, make_user):
    session = new_session(course, capacity=5)
    originals = [make_user() for _ in range(10)]
    for person in originals:
        booking_create(session=session, user=person, join_waiting_list=True)
    confirmed = list(Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).order_by("created_at"))
    waiting = list(Booking.objects.filter(session=session, status=BookingStatus.WAITING).order_by("created_at", "pk"))
    assert len(confirmed) == 5 and len(waiting) == 5
    assert len({b.created_at for b in waiting}) == 5, "the waiting list needs a clear order"
    newcomers = [make_user() for _ in range(5)]

    jobs = []
    for booking, newcomer in zip(confirmed, newcomers, strict=True):
        jobs += [cancel(booking.pk), book(session.pk, newcomer.pk, join_waiting_list=True)]
    outcomes = race(jobs)

    assert [kind for kind, _ in outcomes] == ["ok"] * 10, outcomes
    cancelled = [value for _, value in outcomes[0::2]]
    arrived = [value for _, value in outcomes[1::2]]
    assert cancelled == [BookingStatus.CANCELLED] * 5
    session.refresh_from_db()
    confirmed_now = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED)
    assert session.places_taken == confirmed_now.count()
    assert session.places_taken <= session.capacity
    assert session.places_taken == 5
    # The five who were waiting have the places, given in the order they joined the queue...
    promoted = [Booking.objects.get(pk=b.pk) for b in waiting]
    assert [b.status for b in promoted] == [BookingStatus.CONFIRMED] * 5
    times = [b.confirmed_at for b in promoted]
    assert times == sorted(times), "promoted out of queue order"
    # ...and no newcomer got a place ahead of them: all five newcomers are now waiting.
    arrivals = Booking.objects.filter(session=session, user__in=newcomers)
    assert arrivals.count() == 5
    assert set(arrivals.values_list("status", flat=True)) == {BookingStatus.WAITING}
    assert {status for _, status in arrived} == {BookingStatus.WAITING}
    assert set(Booking.objects.filter(pk__in=[b.pk for b in confirmed]).values_list("status", flat=True)) == {
        BookingStatus.CANCELLED
    }


def test_twenty_simultaneous_marks_make_one_attendance(course, make_user):
    session = new_session(course, capacity=5)
    person, trainer = make_user(), make_user()
    booking = booking_create(session=session, user=person)

    outcomes = race([mark_present(session.pk, booking.pk, trainer.pk) for _ in range(20)])

    assert [kind for kind, _ in outcomes] == ["ok"] * 20, outcomes
    marks = [value for _, value in outcomes]
    assert sum(created for _, created in marks) == 1
    assert len({pk for pk, _ in marks}) == 1, "every call returns the same attendance"
    attendance = Attendance.objects.get(session=session)
    assert attendance.pk == marks[0][0]
    assert (attendance.user_id, attendance.booking_id) == (person.pk, booking.pk)


def scan_ticket(token, trainer_pk):
    """A trainer's phone opening the ticket URL: the service the ticket view calls."""

    def job():
        result = ticket_check_in(token=token, by=User.objects.get(pk=trainer_pk))
        return result.attendance.pk, result.created

    return job


def test_twenty_simultaneous_scans_of_one_ticket_make_one_attendance(course, make_user):
    """Two devices (or twenty) scanning the same ticket at the same moment make one attendance."""
    from crm import roles

    starts = timezone.now() + dt.timedelta(minutes=5)
    session = TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=5
    )
    trainer = make_user(roles.TRAINER)
    session.trainers.add(trainer)
    booking = booking_create(session=session, user=make_user())

    outcomes = race([scan_ticket(booking.ticket_token, trainer.pk) for _ in range(20)])

    assert [kind for kind, _ in outcomes] == ["ok"] * 20, outcomes
    assert sum(created for _, (_, created) in outcomes) == 1
    assert Attendance.objects.filter(session=session).count() == 1
    assert Attendance.objects.get(session=session).booking_id == booking.pk
