"""One test per booking rule, calling the services directly."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from crm import roles
from events.errors import MESSAGES, BookingError
from events.models import (
    Attendance,
    Booking,
    BookingStatus,
    CalendarSubscription,
    SessionStatus,
    SessionVisibility,
    TrainingSession,
)
from events.services import (
    SessionRun,
    attendance_record,
    booking_cancel,
    booking_create,
    calendar_subscription_reset,
    reminders_send,
    session_run_create,
    session_run_dates,
    session_save,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return [make_user(roles.LEARNER) for _ in range(4)]


def refused(code, fn, **kwargs):
    with pytest.raises(BookingError) as info:
        fn(**kwargs)
    assert info.value.code == code
    return info.value


# --- booking_create --------------------------------------------------------------------


def test_signed_in_user_books_a_place_and_gets_a_confirmation(make_session, people, django_capture_on_commit_callbacks):
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=session, user=people[0])
    assert booking.status == BookingStatus.CONFIRMED
    session.refresh_from_db()
    assert session.places_taken == 1
    [message] = mail.outbox
    assert message.to == [people[0].email]
    assert "Your place is booked" in message.subject
    [(name, content, mimetype)] = [a for a in message.attachments if a[0] == "invite.ics"]
    assert "method=REQUEST" in mimetype
    assert "METHOD:REQUEST" in content
    assert [a[0] for a in message.attachments] == ["invite.ics", "ticket.png"]


def test_emails_are_queued_with_the_booking_and_go_only_after_the_commit(
    settings, make_session, people, django_capture_on_commit_callbacks
):
    from crm.models import OutboxMessage

    settings.EMAIL_BACKEND = "crm.outbox.OutboxBackend"  # as in production
    session = make_session()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking_create(session=session, user=people[0])
    assert [row.subject.split(":")[0] for row in OutboxMessage.objects.all()] == ["Your place is booked"]
    assert mail.outbox == []  # nothing leaves before the commit
    # One sending after the commit (the page cache also marks its kept pages stale then: crm.pagecache).
    sending = [callback for callback in callbacks if "_send_at_once_on_commit" in callback.__qualname__]
    assert len(sending) == 1
    sending[0]()
    [sent] = mail.outbox
    assert sent.subject.startswith("Your place is booked") and sent.to == [people[0].email]


def test_one_booking_per_person_per_session(make_session, people):
    session = make_session()
    booking_create(session=session, user=people[0])
    error = refused("already_booked", booking_create, session=session, user=people[0])
    assert error.message == MESSAGES["already_booked"]
    assert Booking.objects.filter(session=session, user=people[0]).count() == 1


def test_the_database_refuses_a_second_live_booking(make_session, people):
    session = make_session()
    Booking.objects.create(session=session, user=people[0], status=BookingStatus.CONFIRMED)
    with pytest.raises(IntegrityError):
        Booking.objects.create(session=session, user=people[0], status=BookingStatus.WAITING)


def test_the_database_refuses_more_places_than_capacity(make_session):
    session = make_session(capacity=1)
    with pytest.raises(IntegrityError):
        TrainingSession.objects.filter(pk=session.pk).update(places_taken=2)


def test_full_session_offers_the_waiting_list(make_session, people):
    session = make_session(capacity=1)
    booking_create(session=session, user=people[0])
    error = refused("full", booking_create, session=session, user=people[1])
    assert "waiting list" in error.message
    waiting = booking_create(session=session, user=people[1], join_waiting_list=True)
    assert waiting.status == BookingStatus.WAITING
    refused("already_waiting", booking_create, session=session, user=people[1], join_waiting_list=True)


def test_the_waiting_list_email_gives_each_person_their_place_in_the_queue(
    make_session, people, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    booking_create(session=session, user=people[0])
    with django_capture_on_commit_callbacks(execute=True):
        for person in people[1:3]:
            booking_create(session=session, user=person, join_waiting_list=True)
    bodies = {m.to[0]: m.body for m in mail.outbox if m.subject.startswith("You are on the waiting list")}
    assert "(number 1)" in bodies[people[1].email]
    assert "(number 2)" in bodies[people[2].email]


def test_no_booking_after_the_deadline(make_session, people):
    session = make_session(booking_deadline=timezone.now() - dt.timedelta(minutes=1))
    error = refused("deadline_passed", booking_create, session=session, user=people[0])
    assert "closed at" in error.message


def test_no_booking_for_a_past_session(make_session, people):
    session = make_session(days=-1)
    refused("session_started", booking_create, session=session, user=people[0])
    assert not Booking.objects.exists()


def test_no_booking_for_a_cancelled_session(make_session, people):
    session = make_session(status=SessionStatus.CANCELLED)
    refused("session_cancelled", booking_create, session=session, user=people[0])
    assert not Booking.objects.exists()


def test_closed_session_is_booked_by_the_team_not_the_public(make_session, people, team_admin):
    school = OrganisationFactory(organisation_type="school", urn="100321")
    session = make_session(visibility=SessionVisibility.CLOSED, organisation=school)
    error = refused("closed_session", booking_create, session=session, user=people[0])
    assert school.name in error.message
    assert booking_create(session=session, user=people[0], booked_by=team_admin).status == BookingStatus.CONFIRMED


def test_restricted_course_is_only_for_its_groups(make_session, member_course, make_user):
    session = make_session(course=member_course)
    learner = make_user(roles.LEARNER)
    error = refused("not_eligible", booking_create, session=session, user=learner)
    assert roles.ELECTED_MEMBER in error.message
    member = make_user(roles.ELECTED_MEMBER)
    assert booking_create(session=session, user=member).status == BookingStatus.CONFIRMED


def test_team_books_on_someones_behalf_even_after_the_deadline(make_session, people, team_admin):
    session = make_session(booking_deadline=timezone.now() - dt.timedelta(hours=1))
    booking = booking_create(session=session, user=people[0], booked_by=team_admin)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.booked_by == team_admin


# --- booking_cancel and the waiting list -------------------------------------------------


def test_cancelling_promotes_the_first_person_waiting_and_emails_them(
    make_session, people, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    first = booking_create(session=session, user=people[0])
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=1)):
        second_in_queue = booking_create(session=session, user=people[1], join_waiting_list=True)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2)):
        third_in_queue = booking_create(session=session, user=people[2], join_waiting_list=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=first, by=people[0])
    second_in_queue.refresh_from_db()
    third_in_queue.refresh_from_db()
    assert second_in_queue.status == BookingStatus.CONFIRMED
    assert third_in_queue.status == BookingStatus.WAITING
    session.refresh_from_db()
    assert session.places_taken == 1
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "A place has come up for you" in subjects[people[1].email]
    assert "Booking cancelled" in subjects[people[0].email]
    cancel_ics = [a for m in mail.outbox if m.to == [people[0].email] for a in m.attachments][0]
    assert "METHOD:CANCEL" in cancel_ics[1]


def test_cancelling_a_waiting_place_frees_nothing(make_session, people):
    session = make_session(capacity=1)
    booking_create(session=session, user=people[0])
    waiting = booking_create(session=session, user=people[1], join_waiting_list=True)
    booking_cancel(booking=waiting, by=people[1])
    session.refresh_from_db()
    assert session.places_taken == 1


def test_people_cancel_only_their_own_booking(make_session, people):
    session = make_session()
    booking = booking_create(session=session, user=people[0])
    refused("not_yours", booking_cancel, booking=booking, by=people[1])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_people_cancel_until_the_deadline_the_team_after_it(make_session, people, team_admin):
    session = make_session(booking_deadline=timezone.now() + dt.timedelta(days=1))
    booking = booking_create(session=session, user=people[0])
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        error = refused("cancel_deadline", booking_cancel, booking=booking, by=people[0])
        assert "contact the Prevent team" in error.message
        assert booking_cancel(booking=booking, by=team_admin).status == BookingStatus.CANCELLED


def test_a_cancelled_booking_cannot_be_cancelled_again(make_session, people):
    booking = booking_create(session=make_session(), user=people[0])
    booking_cancel(booking=booking, by=people[0])
    refused("already_cancelled", booking_cancel, booking=booking, by=people[0])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_rebooking_after_cancelling_makes_a_new_booking(make_session, people):
    session = make_session()
    old = booking_create(session=session, user=people[0])
    booking_cancel(booking=old, by=people[0])
    new = booking_create(session=session, user=people[0])
    assert new.pk != old.pk and new.status == BookingStatus.CONFIRMED
    session.refresh_from_db()
    assert session.places_taken == 1


# --- sessions ---------------------------------------------------------------------------


def test_moving_a_session_raises_the_sequence_and_sends_updates(
    make_session, people, team_admin, django_capture_on_commit_callbacks
):
    session = make_session()
    booking_create(session=session, user=people[0])
    mail.outbox.clear()
    session.venue = "Fulham Library"
    with django_capture_on_commit_callbacks(execute=True):
        session_save(session=session, by=team_admin)
    session.refresh_from_db()
    assert session.sequence == 1
    [message] = mail.outbox
    assert "Session details changed" in message.subject and "Fulham Library" in message.body
    assert "SEQUENCE:1" in message.attachments[0][1]


def test_editing_only_the_audience_note_sends_nothing(
    make_session, people, team_admin, django_capture_on_commit_callbacks
):
    session = make_session()
    booking_create(session=session, user=people[0])
    mail.outbox.clear()
    session.audience_note = "Bring a pen"
    with django_capture_on_commit_callbacks(execute=True):
        session_save(session=session, by=team_admin)
    session.refresh_from_db()
    assert session.sequence == 0
    assert mail.outbox == []


def test_cancelling_a_session_tells_everyone_booked_and_waiting(
    make_session, people, team_admin, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    booking_create(session=session, user=people[0])
    booking_create(session=session, user=people[1], join_waiting_list=True)
    mail.outbox.clear()
    session.status = SessionStatus.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        session_save(session=session, by=team_admin)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people[0].email, people[1].email])
    assert all("Session cancelled" in m.subject for m in mail.outbox)
    assert set(Booking.objects.filter(session=session).values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    session.refresh_from_db()
    assert session.places_taken == 0


def test_more_capacity_promotes_people_waiting(make_session, people, team_admin):
    session = make_session(capacity=1)
    booking_create(session=session, user=people[0])
    waiting = booking_create(session=session, user=people[1], join_waiting_list=True)
    session.capacity = 2
    session_save(session=session, by=team_admin)
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.CONFIRMED


def test_capacity_cannot_drop_below_places_taken(make_session, people, team_admin):
    from django.core.exceptions import ValidationError

    session = make_session(capacity=2)
    booking_create(session=session, user=people[0])
    booking_create(session=session, user=people[1])
    session.capacity = 1
    with pytest.raises(ValidationError, match="already booked"):
        session_save(session=session, by=team_admin)


def test_a_run_of_first_tuesdays(wrap, team_admin):
    run = SessionRun(
        course=wrap,
        first_date=dt.date(2027, 1, 5),
        count=6,
        start_time=dt.time(10),
        end_time=dt.time(12),
        venue="Town Hall",
        capacity=20,
        repeat="monthly_nth",
    )
    assert session_run_dates(run) == [
        dt.date(2027, 1, 5),
        dt.date(2027, 2, 2),
        dt.date(2027, 3, 2),
        dt.date(2027, 4, 6),
        dt.date(2027, 5, 4),
        dt.date(2027, 6, 1),
    ]
    with time_machine.travel(dt.datetime(2026, 12, 1, tzinfo=dt.UTC)):
        sessions = session_run_create(run=run, by=team_admin)
    assert len(sessions) == 6
    # Times are Europe/London wall-clock: 10:00 in winter (GMT, 10:00 UTC) and in summer (BST, 09:00 UTC).
    stored = [s.starts_at for s in TrainingSession.objects.order_by("starts_at")]
    utc = dt.UTC
    assert stored == [
        dt.datetime(2027, 1, 5, 10, tzinfo=utc),
        dt.datetime(2027, 2, 2, 10, tzinfo=utc),
        dt.datetime(2027, 3, 2, 10, tzinfo=utc),
        dt.datetime(2027, 4, 6, 9, tzinfo=utc),
        dt.datetime(2027, 5, 4, 9, tzinfo=utc),
        dt.datetime(2027, 6, 1, 9, tzinfo=utc),
    ]
    assert [timezone.localtime(s).strftime("%H:%M %Z") for s in stored] == ["10:00 GMT"] * 3 + ["10:00 BST"] * 3


def test_a_run_of_last_fridays_and_weekly_runs(wrap):
    last = SessionRun(
        course=wrap,
        first_date=dt.date(2027, 1, 29),
        count=3,
        start_time=dt.time(10),
        end_time=dt.time(11),
        venue="x",
        capacity=5,
        repeat="monthly_nth",
    )
    assert session_run_dates(last) == [dt.date(2027, 1, 29), dt.date(2027, 2, 26), dt.date(2027, 3, 26)]
    weekly = SessionRun(
        course=wrap,
        first_date=dt.date(2027, 1, 4),
        count=3,
        start_time=dt.time(10),
        end_time=dt.time(11),
        venue="x",
        capacity=5,
        repeat="fortnightly",
    )
    assert session_run_dates(weekly) == [dt.date(2027, 1, 4), dt.date(2027, 1, 18), dt.date(2027, 2, 1)]


def test_a_bad_run_saves_nothing(wrap, team_admin):
    from django.core.exceptions import ValidationError

    run = SessionRun(
        course=wrap,
        first_date=timezone.localdate() + dt.timedelta(days=3),
        count=3,
        start_time=dt.time(10),
        end_time=dt.time(12),
        venue="",
        capacity=20,
        repeat="weekly",
    )
    with pytest.raises(ValidationError):
        session_run_create(run=run, by=team_admin)
    assert TrainingSession.objects.count() == 0


# --- reminders, attendance, calendar token ---------------------------------------------------


def test_reminders_go_two_days_before_and_only_once(make_session, people, django_capture_on_commit_callbacks):
    soon, later = make_session(days=1), make_session(days=5)
    booking_create(session=soon, user=people[0])
    booking_create(session=later, user=people[1])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == 0
    [message] = mail.outbox
    assert message.to == [people[0].email] and "Reminder" in message.subject


def test_reminder_command_is_safe_to_run_again(make_session, people):
    from django.core.management import call_command

    booking_create(session=make_session(days=1), user=people[0])
    mail.outbox.clear()
    call_command("send_session_reminders")
    call_command("send_session_reminders")
    assert Booking.objects.filter(reminder_sent_at__isnull=False).count() == 1


def test_attendance_is_recorded_once(make_session, people, make_user):
    session = make_session(days=-1)
    trainer = make_user(roles.TRAINER)
    first, created = attendance_record(session=session, user=people[0], by=trainer)
    again, created_again = attendance_record(session=session, user=people[0], by=trainer)
    assert created and not created_again and first.pk == again.pk
    assert Attendance.objects.filter(session=session).count() == 1
    assert len(first.certificate_code) == 10


def test_a_new_calendar_address_revokes_the_old(people, client):
    first = calendar_subscription_reset(user=people[0]).token
    assert client.get(reverse("events:personal_feed", args=[first])).status_code == 200
    second = calendar_subscription_reset(user=people[0]).token
    assert first != second
    assert client.get(reverse("events:personal_feed", args=[first])).status_code == 404
    feed = client.get(reverse("events:personal_feed", args=[second]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert CalendarSubscription.objects.filter(user=people[0]).count() == 1
