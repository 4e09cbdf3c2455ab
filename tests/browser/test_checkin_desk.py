"""At the door, on phones: the trainer's check-in desk, and a walk-in checking in from the session QR code."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from crm import roles
from events.models import Attendance, AttendanceMethod, TrainingSession
from events.services import booking_create
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def door(wrap):
    """A WRAP session starting in ten minutes with three people booked and a trainer: check-in is open."""
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=10)
    session = TrainingSession.objects.create(
        course=wrap, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Fulham Library", capacity=10
    )
    trainer = UserFactory(roles=[roles.TRAINER], first_name="Helen", last_name="Price")
    session.trainers.add(trainer)
    people = [UserFactory(first_name=first, last_name="Tester") for first in ("Ada", "Bea", "Cal")]
    bookings = [booking_create(session=session, user=person) for person in people]
    return session, trainer, bookings


def count(page, name):
    return page.locator(f'[data-count="{name}"]')


def test_trainer_marks_two_people_and_a_walk_in_appears_on_the_desk(phone_page, new_phone, door):
    session, trainer, bookings = door
    desk = phone_page
    sign_in(desk, trainer)
    desk.get_by_role("button", name="Show menu").click()
    desk.get_by_role("link", name="Sessions I run").click()
    desk.get_by_role("link", name=re.compile(r"^Check-in desk")).first.click()
    desk.get_by_role("heading", name="Check-in desk").wait_for()
    expect(count(desk, "booked")).to_have_text("3")
    expect(count(desk, "present")).to_have_text("0")
    assert not page_overflows(desk)
    assert axe_violations(desk) == []

    desk.get_by_role("button", name="Present: Ada Tester").click()
    expect(desk.get_by_role("status").filter(has_text="Ada Tester is checked in.")).to_be_visible()
    expect(count(desk, "present")).to_have_text("1")
    desk.get_by_role("button", name="Present: Bea Tester").click()
    expect(count(desk, "present")).to_have_text("2")
    assert set(Attendance.objects.filter(session=session).values_list("booking_id", flat=True)) == {
        bookings[0].pk,
        bookings[1].pk,
    }
    expect(desk.get_by_role("button", name="Undo Ada Tester")).to_be_visible()

    # Someone who did not book scans the poster's code with their own phone: no account needed.
    walk_in = new_phone()
    walk_in.goto(reverse("events:self_checkin", args=[session.checkin_token]))
    walk_in.get_by_label("Full name").fill("Wally Walker")
    walk_in.get_by_label("Work email").fill("wally.walker@example.org")
    walk_in.locator("#id_organisation_name").fill("Fulham Reach Youth Club")
    walk_in.get_by_label("Organisation type").select_option("community")
    walk_in.get_by_label("Job role").fill("Youth worker")
    walk_in.get_by_role("button", name=re.compile("Check (me )?in")).click()
    expect(walk_in.get_by_role("heading", name=re.compile("checked in", re.I))).to_be_visible()
    assert not page_overflows(walk_in)
    recorded = Attendance.objects.get(session=session, email="wally.walker@example.org")
    assert recorded.method == AttendanceMethod.WALK_IN and recorded.user is None

    # The desk picks the walk-in up by itself within a few seconds.
    expect(desk.get_by_text("Wally Walker")).to_be_visible(timeout=15_000)
    expect(count(desk, "walk_ins")).to_have_text("1")
    expect(count(desk, "present")).to_have_text("3")

    # Search narrows the list as the trainer types; undo takes a mark back.
    desk.get_by_label("Find a name").fill("cal")
    expect(desk.get_by_role("button", name="Present: Cal Tester")).to_be_visible()
    expect(desk.get_by_role("button", name="Undo Ada Tester")).to_be_hidden()
    desk.get_by_label("Find a name").fill("")
    desk.get_by_role("button", name="Undo Ada Tester").click()
    expect(count(desk, "present")).to_have_text("2")
    assert not Attendance.objects.filter(booking=bookings[0]).exists()


def test_poster_fits_a_phone_and_passes_axe(phone_page, door):
    session, trainer, _ = door
    sign_in(phone_page, trainer)
    phone_page.goto(reverse("events:session_poster", args=[session.pk]))
    phone_page.get_by_role("heading", name="Scan to check in").wait_for()
    assert not page_overflows(phone_page)
    assert axe_violations(phone_page) == []
    phone_page.goto(reverse("events:my_sessions"))
    assert not page_overflows(phone_page)
    assert axe_violations(phone_page) == []
