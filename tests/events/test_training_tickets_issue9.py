"""Issue 9, item 5: opening a ticket's address never checks anyone in.

A trainer opening ``/t/<token>/`` (a GET: the phone's camera app, a link preview, a
prefetcher) sees the person and a "Check in" button; the tap is a POST with a CSRF
token. The desk's own camera scanner keeps its one step, through a POST as well.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm import roles
from events.errors import MESSAGES
from events.models import Attendance, AttendanceMethod, TrainingSession
from events.services import booking_cancel, booking_create

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace("&#x27;", "'")


def csrf_token_in(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def trainer(make_user):
    return make_user(roles.TRAINER, first_name="Tess", last_name="Trainer")


@pytest.fixture
def booked(make_session, trainer, make_user):
    """Sam Taylor's confirmed booking on a session Tess trains, starting in ten minutes (check-in open)."""
    session = make_session(days=3)
    session.trainers.add(trainer)
    booking = booking_create(session=session, user=make_user(roles.LEARNER, first_name="Sam", last_name="Taylor"))
    starts = timezone.now() + dt.timedelta(minutes=10)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    booking.refresh_from_db()
    return booking


def checkin_form(response, booking) -> str | None:
    """The body of the form that posts to the ticket's own address, if the page has one."""
    for attributes, body in re.findall(r"<form([^>]*)>(.*?)</form>", response.content.decode(), re.S):
        if 'method="post"' in attributes and f'action="{path(booking)}"' in attributes:
            return body
    return None


def signed_in(user) -> Client:
    """A client that checks CSRF tokens, as a browser's requests are checked."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def path(booking) -> str:
    return reverse("events:ticket", args=[booking.ticket_token])


def test_opening_the_ticket_as_its_trainer_shows_the_person_and_a_check_in_button_and_marks_nothing(booked, trainer):
    client = signed_in(trainer)
    response = client.get(path(booked))
    assert response.status_code == 200
    page = text(response)
    assert "Sam Taylor" in page and booked.session.course.title in page
    form = checkin_form(response, booked)
    assert form is not None, "a form that posts to the ticket"
    assert 'name="csrfmiddlewaretoken"' in form
    assert re.search(r"<button[^>]*>\s*Check in", form)
    assert "Checked in:" not in page
    assert client.head(path(booked)).status_code == 200  # a link preview's HEAD: nothing either
    assert not Attendance.objects.exists()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_check_in_button_posts_and_marks_present(booked, trainer):
    client = signed_in(trainer)
    token = csrf_token_in(client.get(path(booked)))  # the page's own token
    response = client.post(path(booked), {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Checked in: Sam Taylor" in text(response)
    attendance = Attendance.objects.get()
    assert (attendance.booking, attendance.method, attendance.checked_in_by) == (
        booked,
        AttendanceMethod.TICKET,
        trainer,
    )
    again = client.post(path(booked), {"csrfmiddlewaretoken": token})
    assert "Already checked in" in text(again)
    assert Attendance.objects.count() == 1


def test_a_post_without_the_csrf_token_is_refused(booked, trainer):
    client = signed_in(trainer)
    response = client.post(path(booked))
    assert response.status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "holder", "learner", "trainer_of_another_session"])
def test_a_post_by_anyone_but_the_sessions_trainers_is_refused(booked, make_user, who):
    if who == "anonymous":
        client = Client(enforce_csrf_checks=True)
    elif who == "holder":
        client = signed_in(booked.user)
    elif who == "learner":
        client = signed_in(make_user(roles.LEARNER))
    else:
        client = signed_in(make_user(roles.TRAINER))
    page = client.get(path(booked))
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else "x" * 32
    client.cookies["csrftoken"] = token
    response = client.post(path(booked), {"csrfmiddlewaretoken": token})
    assert response.status_code == 403
    assert "Checked in" not in text(response)
    assert not Attendance.objects.exists()


def test_opening_a_ticket_that_cannot_be_checked_in_says_why_with_no_button(booked, trainer):
    booking_cancel(booking=booked, by=booked.user)
    client = signed_in(trainer)
    response = client.get(path(booked))
    page = text(response)
    assert MESSAGES["ticket_cancelled"] in page and "Sam Taylor" in page
    assert checkin_form(response, booked) is None


def test_opening_the_ticket_of_someone_already_present_says_when(booked, trainer):
    client = signed_in(trainer)
    client.post(path(booked), {"csrfmiddlewaretoken": csrf_token_in(client.get(path(booked)))})
    at = timezone.localtime(Attendance.objects.get().checked_in_at)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        response = client.get(path(booked))
    assert f"Already checked in at {at:%H:%M}" in text(response)
    assert checkin_form(response, booked) is None


def test_the_desk_scanner_keeps_its_one_step_post(booked, trainer):
    """The desk's camera scanner posts the ticket it reads (with the page's CSRF token) and gets the answer."""
    client = signed_in(trainer)
    desk = client.get(reverse("events:desk", args=[booked.session_id]))
    token = client.cookies["csrftoken"].value
    assert desk.status_code == 200
    scan = reverse("events:desk_scan", args=[booked.session_id])
    assert client.post(scan, {"token": booked.ticket_token}).status_code == 403  # no token, no mark
    assert not Attendance.objects.exists()
    response = client.post(scan, {"token": booked.ticket_token}, headers={"X-CSRFToken": token})
    assert response.json()["ok"] is True and response.json()["name"] == "Sam Taylor"
    assert Attendance.objects.get().booking == booked
