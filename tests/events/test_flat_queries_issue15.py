"""Issue 15: signed-in pages make the same number of queries with 10 rows behind them as with 1,000."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm import roles
from crm.models import User
from events.models import Attendance, Booking, BookingStatus, TrainingSession

pytestmark = pytest.mark.django_db


def people(prefix: str, count: int) -> list[User]:
    User.objects.bulk_create(
        User(username=f"{prefix}-{n}", email=f"{prefix}-{n}@example.org", first_name="P", last_name=str(n))
        for n in range(count)
    )
    return list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))


def queries(client, url) -> int:
    # The first visits fill what a running site has: its contact settings row, the site root and navigation caches.
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def sessions(course, count: int, *, days: int) -> list[TrainingSession]:
    now = timezone.now()
    return TrainingSession.objects.bulk_create(
        TrainingSession(
            course=course,
            starts_at=now + dt.timedelta(days=days, minutes=n),
            ends_at=now + dt.timedelta(days=days, minutes=n, hours=2),
            venue="Town Hall",
            capacity=5,
        )
        for n in range(count)
    )


def test_desk_is_flat_in_the_people_booked(client, make_session, trainer):
    counts = []
    for size in (10, 1000):
        session = make_session(days=0, capacity=size)
        session.starts_at = timezone.now() + dt.timedelta(minutes=10)
        session.save()
        session.trainers.add(trainer)
        bookings = Booking.objects.bulk_create(
            Booking(session=session, user=person, status=BookingStatus.CONFIRMED)
            for person in people(f"desk{size}", size)
        )
        Attendance.objects.bulk_create(
            Attendance(session=session, booking=booking, user_id=booking.user_id) for booking in bookings[: size // 2]
        )
        client.force_login(trainer)
        counts.append(queries(client, reverse("events:desk", args=[session.pk])))
    assert counts[0] == counts[1], counts


def test_my_training_is_flat_in_bookings_and_attendances(client, wrap, make_user):
    counts = []
    for size in (10, 1000):
        learner = make_user(roles.LEARNER)
        ahead = sessions(wrap, size, days=20)
        past = sessions(wrap, size, days=-400)
        Booking.objects.bulk_create(Booking(session=s, user=learner, status=BookingStatus.CONFIRMED) for s in ahead)
        Attendance.objects.bulk_create(Attendance(session=s, user=learner, email=learner.email) for s in past)
        client.force_login(learner)
        counts.append(queries(client, reverse("events:my_training")))
    assert counts[0] == counts[1], counts


def test_admin_session_list_is_flat_in_sessions(client, wrap, team_admin):
    from tests.factories import CoursePageFactory

    client.force_login(team_admin)
    url = reverse("sessions:index")
    sessions(wrap, 10, days=5)
    few = queries(client, url)
    other = CoursePageFactory(title="Another course")
    sessions(other, 1000, days=6)
    assert queries(client, url) == few


def test_admin_session_list_counts_each_sessions_standing_marks_for_its_rows(client, wrap, team_admin):
    """The Present column is counted per row shown (a subquery), and a mark taken back is not counted."""
    [busy, quiet, empty] = sessions(wrap, 3, days=-2)
    people_marked = people("present", 3)
    Attendance.objects.bulk_create(Attendance(session=busy, user=person) for person in people_marked)
    Attendance.objects.bulk_create([Attendance(session=quiet, user=people_marked[0])])
    Attendance.history.filter(session=busy, user=people_marked[2]).update(undone_at=timezone.now())
    client.force_login(team_admin)
    rows = client.get(reverse("sessions:index") + "?ordering=-present").context["object_list"]
    assert [(session.pk, session.present) for session in rows] == [(busy.pk, 2), (quiet.pk, 1), (empty.pk, 0)]
