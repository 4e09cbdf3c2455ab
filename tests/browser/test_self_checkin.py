"""Tickets and the session QR self check-in in Debian's chromium on a 360 x 800 phone: axe, no sideways scrolling."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import roles
from events.models import Attendance, TrainingSession
from events.services import booking_create
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def problems_on(page) -> list[str]:
    found = axe_violations(page)
    if page_overflows(page):
        found.append("scrolls sideways at 360px")
    return found


def make_session(course, *, days):
    starts = timezone.now() + dt.timedelta(days=days)
    return TrainingSession.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue="Hammersmith Town Hall, Committee Room 1",
    )


def starting_soon(session):
    """Booked while in the future, then moved to start in ten minutes: check-in is open."""
    starts = timezone.now() + dt.timedelta(minutes=10)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    session.refresh_from_db()
    return session


def test_self_check_in_on_a_phone(phone_page, wrap):
    page = phone_page
    session = starting_soon(make_session(wrap, days=3))
    problems = {}

    page.goto(reverse("events:self_checkin", args=[session.checkin_token]))
    page.get_by_role("heading", name=f"Check in to {wrap.title}").wait_for()
    problems["form"] = problems_on(page)

    page.get_by_label("Full name").fill("Robin Okafor")
    page.get_by_label("Work email").fill("robin-at-youthclub")  # a mistake: the error summary says what to fix
    page.get_by_role("button", name="Check me in").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    problems["errors"] = problems_on(page)
    assert not Attendance.objects.exists()

    page.get_by_label("Work email").fill("robin.okafor@youthclub.example.org")
    page.locator("#id_organisation_name").fill("Shepherd's Bush Youth Club")
    page.get_by_label("Organisation type").select_option("community")
    page.get_by_label("Job role").fill("Youth worker")
    page.get_by_role("button", name="Check me in").click()
    page.get_by_role("heading", name="You're checked in, Robin Okafor").wait_for()
    problems["checked in"] = problems_on(page)
    assert Attendance.objects.get().full_name == "Robin Okafor"
    assert problems == {"form": [], "errors": [], "checked in": []}


def test_ticket_pages_on_a_phone(phone_page, wrap, make_user):
    page = phone_page
    trainer = make_user(roles.TRAINER)
    holder = make_user(roles.LEARNER, first_name="Sam", last_name="Taylor")
    session = make_session(wrap, days=3)
    session.trainers.add(trainer)
    booking = booking_create(session=session, user=holder)
    starting_soon(session)
    ticket = reverse("events:ticket", args=[booking.ticket_token])
    problems = {}

    page.goto(ticket)  # anyone, not signed in: the ticket only
    page.get_by_role("heading", name="Ticket").wait_for()
    image = page.get_by_role("img", name=f"Ticket QR code for {wrap.title}")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    problems["ticket"] = problems_on(page)
    assert not Attendance.objects.exists()

    sign_in(page, trainer)
    page.goto(ticket)  # the trainer's scan shows the person; opening it marks nobody
    page.get_by_role("heading", name="Check in this person?").wait_for()
    problems["confirm"] = problems_on(page)
    assert not Attendance.objects.exists()
    page.get_by_role("button", name="Check in Sam Taylor").click()  # one tap: a green screen
    page.get_by_role("heading", name="Checked in: Sam Taylor").wait_for()
    problems["green"] = problems_on(page)
    assert Attendance.objects.get().booking == booking

    TrainingSession.objects.filter(pk=session.pk).update(status="cancelled")
    page.goto(ticket)  # a red screen
    page.get_by_role("heading", name="Not checked in").wait_for()
    problems["red"] = problems_on(page)
    assert problems == {"ticket": [], "confirm": [], "green": [], "red": []}
