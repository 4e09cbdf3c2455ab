"""Issue 9, item 14 on a 360 px phone: a lead withdraws a colleague after a confirmation page;
booking a second session of a course warns first. axe finds nothing serious on each page.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from crm import roles
from events.models import Booking, BookingStatus, TrainingSession
from events.services import booking_create
from tests.browser.helpers import sign_in
from tests.conftest import axe_violations, page_overflows
from tests.factories import book_colleague

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_session(course, *, days, capacity=10):
    starts = timezone.now() + dt.timedelta(days=days)
    return TrainingSession.objects.create(
        course=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue="Hammersmith Town Hall, Committee Room 1",
        capacity=capacity,
    )


def problems_on(page) -> list[str]:
    found = axe_violations(page)
    if page_overflows(page):
        found.append("scrolls sideways at 360px")
    return found


def test_a_lead_withdraws_a_colleague_on_a_phone(phone_page, wrap, make_user):
    page = phone_page
    lead = make_user(roles.LEARNER, first_name="Dana", last_name="Lead")
    session = make_session(wrap, days=10)
    colleague = make_user(roles.LEARNER, first_name="Robin", last_name="Okafor", email="robin.okafor@example.gov.uk")
    robin = book_colleague(session=session, lead=lead, colleague=colleague)
    problems = {}
    sign_in(page, lead)
    page.goto("/my-training/")
    section = page.get_by_role("region", name="Colleagues you booked")
    card = section.locator(f'[data-booking="{robin.pk}"]')
    assert "Robin Okafor" in card.inner_text() and "Booked" in card.inner_text()
    problems["my training"] = problems_on(page)

    card.get_by_role("link", name=re.compile(r"^Withdraw")).click()
    page.get_by_role("heading", name="Withdraw Robin Okafor's place?").wait_for()
    problems["confirm"] = problems_on(page)
    assert Booking.objects.get(pk=robin.pk).status == BookingStatus.CONFIRMED
    page.get_by_role("button", name="Yes, withdraw Robin Okafor").click()
    page.get_by_text("Robin Okafor's place has been withdrawn").wait_for()
    assert Booking.objects.get(pk=robin.pk).status == BookingStatus.CANCELLED
    assert page.get_by_role("region", name="Colleagues you booked").count() == 0
    assert problems == {"my training": [], "confirm": []}


def test_a_second_session_of_the_same_course_warns_first_on_a_phone(phone_page, wrap, make_user):
    page = phone_page
    person = make_user(roles.LEARNER)
    first = make_session(wrap, days=10)
    second = make_session(wrap, days=20)
    booking_create(session=first, user=person)
    sign_in(page, person)
    page.goto(wrap.url + wrap.reverse_subpage("book", args=[second.pk]))
    warning = page.locator("[data-other-places]")
    when = f"{timezone.localtime(first.starts_at):%A %-d %B %Y}"
    assert f"You already have a place on {wrap.title} on {when}." in warning.inner_text()
    assert problems_on(page) == []
    page.get_by_role("button", name="Book this session as well").click()
    page.get_by_role("heading", name="My training", exact=True).wait_for()
    assert Booking.objects.filter(user=person, status=BookingStatus.CONFIRMED).count() == 2


def test_a_lead_invites_a_colleague_who_accepts_after_signing_in_on_a_phone(phone_page, wrap, make_user):
    """Issue 10, item 1: the invitation's journey on a 360 px phone, axe on each page."""
    from django.core import mail

    from events.models import ColleagueInvitation
    from tests.factories import PASSWORD

    page = phone_page
    lead = make_user(roles.LEARNER, first_name="Dana", last_name="Lead")
    robin = make_user(roles.LEARNER, first_name="Robin", last_name="Okafor", email="robin.okafor@example.gov.uk")
    session = make_session(wrap, days=10, capacity=5)
    problems = {}

    sign_in(page, lead)
    page.goto(wrap.url + wrap.reverse_subpage("book", args=[session.pk]))
    page.get_by_label("Colleagues' work email addresses").fill("robin.okafor@example.gov.uk")
    problems["book page"] = problems_on(page)
    page.get_by_role("button", name="Email these invitations").click()
    section = page.get_by_role("region", name="Colleagues you invited")
    section.get_by_text("Waiting for an answer").wait_for()
    problems["my training"] = problems_on(page)
    assert not Booking.objects.filter(user=robin).exists()
    [message] = [m for m in mail.outbox if m.to == [robin.email]]
    link = re.search(r"https?://[^/\s]+(/invitations/\S+)", message.body).group(1)
    page.context.clear_cookies()

    page.goto(link)
    page.get_by_role("heading", name=re.compile("You are invited")).wait_for()
    problems["invitation"] = problems_on(page)
    page.get_by_role("link", name="Sign in to accept").click()
    page.locator("#id_login").fill(robin.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Accept and book my place").click()
    page.get_by_text("You have a place on this session").wait_for()
    assert Booking.objects.get(user=robin).status == BookingStatus.CONFIRMED
    assert ColleagueInvitation.objects.get().status == "accepted"
    assert problems == {"book page": [], "my training": [], "invitation": []}
