"""Issue 9, item 14: cancelling asks first; a lead sees and can withdraw the colleagues they booked;
booking a second session of a course you are already booked on warns first.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from crm import roles
from events.errors import MESSAGES, BookingError
from events.models import Booking, BookingStatus
from events.services import booking_cancel, booking_create
from tests.factories import book_colleague

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace("&#x27;", "'")


def posting_forms(response) -> list[str]:
    """The actions of the page's forms that post."""
    return [
        action
        for attributes in re.findall(r"<form([^>]*)>", response.content.decode())
        if 'method="post"' in attributes
        for action in re.findall(r'action="([^"]*)"', attributes) or [""]
    ]


def cancel_path(booking) -> str:
    return reverse("events:booking_cancel", args=[booking.pk])


def book_url(course, session):
    return course.url + course.reverse_subpage("book", args=[session.pk])


# --- Cancel booking asks for confirmation --------------------------------------------------


def test_cancel_booking_asks_for_confirmation_and_only_the_post_cancels(client, make_session, make_user):
    person = make_user(roles.LEARNER)
    session = make_session(days=10)
    booking = booking_create(session=session, user=person)
    client.force_login(person)

    my_training = client.get(reverse("events:my_training"))
    assert f'href="{cancel_path(booking)}"' in my_training.content.decode()  # a link to the question
    assert cancel_path(booking) not in posting_forms(my_training)  # not a button that cancels at once

    confirm = client.get(cancel_path(booking))
    assert confirm.status_code == 200
    page = text(confirm)
    assert "Cancel this booking?" in page
    assert session.course.title in page and f"{timezone.localtime(session.starts_at):%-d %B %Y}" in page
    assert cancel_path(booking) in posting_forms(confirm) or "" in posting_forms(confirm)
    assert "Keep my booking" in page
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED  # looking changed nothing

    response = client.post(cancel_path(booking), follow=True)
    assert "Your booking has been cancelled" in text(response)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_someone_elses_cancel_page_is_not_found(client, make_session, make_user):
    booking = booking_create(session=make_session(), user=make_user(roles.LEARNER))
    client.force_login(make_user(roles.LEARNER))
    assert client.get(cancel_path(booking)).status_code == 404
    assert client.post(cancel_path(booking)).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


# --- A lead and the colleagues they booked ---------------------------------------------------


@pytest.fixture
def lead(make_user):
    return make_user(roles.LEARNER, first_name="Dana", last_name="Lead")


@pytest.fixture
def colleagues_booked(make_session, lead, make_user):
    """Dana booked two colleagues on a two-place session with Dana's own place: Robin gets a place, Eve waits."""
    session = make_session(days=10, capacity=2)
    booking_create(session=session, user=lead)
    robin, eve = (
        book_colleague(
            session=session,
            lead=lead,
            colleague=make_user(roles.LEARNER, first_name=first, last_name=last, email=email),
        )
        for first, last, email in [
            ("Robin", "Okafor", "robin.okafor@example.gov.uk"),
            ("Eve", "Ahmed", "eve.ahmed@example.gov.uk"),
        ]
    )
    assert (robin.status, eve.status) == (BookingStatus.CONFIRMED, BookingStatus.WAITING)
    return session, robin, eve


def test_a_lead_sees_the_colleagues_they_booked_in_my_training(client, lead, colleagues_booked):
    session, robin, eve = colleagues_booked
    client.force_login(lead)
    response = client.get(reverse("events:my_training"))
    page = text(response)
    assert "Colleagues you booked" in page
    content = response.content.decode()
    cards = dict(re.findall(r'<li class="card mb-2 colleague-booking" data-booking="(\d+)">(.*?)</li>', content, re.S))
    robin_card = " ".join(re.sub(r"<[^>]+>", " ", cards[str(robin.pk)]).split())
    eve_card = " ".join(re.sub(r"<[^>]+>", " ", cards[str(eve.pk)]).split())
    assert "Robin Okafor" in robin_card and "Booked" in robin_card and session.course.title in robin_card
    assert "Eve Ahmed" in eve_card and "Waiting list: number 1" in eve_card
    assert f'href="{cancel_path(robin)}"' in content and f'href="{cancel_path(eve)}"' in content


def test_the_teams_my_training_does_not_list_everyone_it_booked(client, make_session, make_user, team_admin):
    """The team books people from the admin and manages those bookings there."""
    booked = booking_create(session=make_session(days=10), user=make_user(roles.LEARNER), booked_by=team_admin)
    client.force_login(team_admin)
    page = client.get(reverse("events:my_training"))
    assert "Colleagues you booked" not in text(page)
    assert cancel_path(booked) not in page.content.decode()


def test_a_lead_withdraws_a_colleague_after_confirming_and_the_colleague_is_emailed(
    client, lead, colleagues_booked, django_capture_on_commit_callbacks
):
    session, robin, eve = colleagues_booked
    client.force_login(lead)
    confirm = client.get(cancel_path(robin))
    assert confirm.status_code == 200
    assert "Withdraw Robin Okafor's place?" in text(confirm)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_path(robin), follow=True)
    assert "Robin Okafor's place has been withdrawn. We have emailed them." in text(response)
    robin.refresh_from_db()
    assert (robin.status, robin.cancelled_by) == (BookingStatus.CANCELLED, lead)
    cancelled = [m for m in mail.outbox if m.to == ["robin.okafor@example.gov.uk"]]
    assert [m.subject.split(":")[0] for m in cancelled] == ["Booking cancelled"]
    # Robin's place went to Eve, first on the waiting list.
    assert Booking.objects.get(pk=eve.pk).status == BookingStatus.CONFIRMED


def test_only_the_lead_who_booked_them_can_withdraw_a_colleague(colleagues_booked, make_user, lead):
    session, robin, eve = colleagues_booked
    other_lead = make_user(roles.LEARNER)
    with pytest.raises(BookingError) as refused:
        booking_cancel(booking=robin, by=other_lead)
    assert refused.value.code == "not_yours"
    assert refused.value.message == MESSAGES["not_yours"]
    # A colleague's own booking made by themselves is theirs, not the lead's.
    own = booking_create(session=session, user=make_user(roles.LEARNER), join_waiting_list=True)
    with pytest.raises(BookingError) as refused:
        booking_cancel(booking=own, by=lead)
    assert refused.value.code == "not_yours"
    assert Booking.objects.get(pk=robin.pk).status == BookingStatus.CONFIRMED


def test_a_lead_withdraws_only_before_the_deadline(client, colleagues_booked, lead):
    session, robin, eve = colleagues_booked
    with time_machine.travel(session.effective_deadline + dt.timedelta(minutes=1), tick=False):
        with pytest.raises(BookingError) as refused:
            booking_cancel(booking=robin, by=lead)
        assert refused.value.code == "cancel_deadline"
        client.force_login(lead)
        page = client.get(reverse("events:my_training")).content.decode()
        assert f'href="{cancel_path(robin)}"' not in page
    assert Booking.objects.get(pk=robin.pk).status == BookingStatus.CONFIRMED


def test_a_lead_cannot_withdraw_a_colleague_who_was_marked_present(colleagues_booked, lead, team_admin):
    from events.services import attendance_record

    session, robin, eve = colleagues_booked
    attendance_record(session=session, booking=robin, by=team_admin)
    with pytest.raises(BookingError) as refused:
        booking_cancel(booking=robin, by=lead)
    assert refused.value.code == "attended"


# --- A second session of the same course ------------------------------------------------------


def test_booking_a_second_session_of_a_course_warns_first(client, wrap, make_session, make_user):
    person = make_user(roles.LEARNER)
    first = make_session(days=10)
    second = make_session(days=20)
    booking_create(session=first, user=person)
    client.force_login(person)
    when = f"{timezone.localtime(first.starts_at):%A %-d %B %Y}"
    warning = f"You already have a place on {wrap.title} on {when}."

    page = client.get(book_url(wrap, second))
    assert warning in text(page)

    response = client.post(book_url(wrap, second), {"action": "book"})
    assert response.status_code == 200
    assert warning in text(response)
    assert "Book this session as well" in text(response)
    assert not Booking.objects.filter(session=second).exists()

    response = client.post(book_url(wrap, second), {"action": "book", "also": "1"}, follow=True)
    assert "Your place is booked" in text(response)
    assert Booking.objects.get(session=second, user=person).status == BookingStatus.CONFIRMED


def test_a_waiting_list_place_on_another_session_is_mentioned_too(client, wrap, make_session, make_user):
    person = make_user(roles.LEARNER)
    full = make_session(days=10, capacity=1)
    booking_create(session=full, user=make_user())
    booking_create(session=full, user=person, join_waiting_list=True)
    other = make_session(days=20)
    client.force_login(person)
    when = f"{timezone.localtime(full.starts_at):%A %-d %B %Y}"
    response = client.post(book_url(wrap, other), {"action": "book"})
    assert f"You are on the waiting list for {wrap.title} on {when}." in text(response)
    assert not Booking.objects.filter(session=other).exists()


def test_no_warning_for_a_first_booking_or_a_past_session(client, wrap, make_session, make_user):
    person = make_user(roles.LEARNER)
    past = make_session(days=-30)
    Booking.objects.create(session=past, user=person, status=BookingStatus.CONFIRMED)
    session = make_session(days=10)
    client.force_login(person)
    assert "You already have a place" not in text(client.get(book_url(wrap, session)))
    response = client.post(book_url(wrap, session), {"action": "book"}, follow=True)
    assert "Your place is booked" in text(response)
